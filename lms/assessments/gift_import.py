"""Convert between GIFT files and native quiz files (pure: text in, text out).

Import keeps content in git: a GIFT file becomes a ``quiz-<slug>.md`` an author reviews and
commits. Anything the native format cannot hold is reported, never silently dropped.
"""

from __future__ import annotations

import dataclasses

from lms.assessments.gift import dump_gift, parse_gift
from lms.assessments.quizfile import dump_question, dump_quiz, parse_quiz
from lms.assessments.spec import Question, QuizKind, QuizSettings, QuizSpec
from lms.courses.spec import Problem


def gift_to_quiz(
    text: str, path: str, slug: str, kind: str = "final"
) -> tuple[str | None, list[Problem], int]:
    """Return the native quiz text for a GIFT file, the problems, and how many questions."""
    imported = parse_gift(text, path, default_pool=slug)
    problems = list(imported.problems)
    questions = []
    for question in imported.questions:
        question = _without_catch_all(question, path, problems)
        try:
            dump_question(question)
        except ValueError as error:
            problems.append(Problem(path, question.line, f"question '{question.id}': {error}"))
            continue
        questions.append(question)
    if not questions:
        problems.append(Problem(path, 1, "no question could be imported"))
        return None, problems, 0
    quiz = QuizSpec(
        slug=slug,
        kind=QuizKind(kind),
        title=slug.replace("-", " ").capitalize(),
        settings=QuizSettings(),
        questions=tuple(questions),
        module=None,
    )
    return dump_quiz(quiz), problems, len(questions)


def _without_catch_all(question: Question, path: str, problems: list[Problem]) -> Question:
    """Drop Moodle's "any other number" answer, which the native format cannot express."""
    kept = tuple(n for n in question.numbers if n.low.is_finite() and n.high.is_finite())
    if len(kept) == len(question.numbers):
        return question
    problems.append(
        Problem(
            path,
            question.line,
            f"question '{question.id}': the catch-all answer for any other number was dropped "
            "(write its feedback into the explanation if it matters)",
        )
    )
    return dataclasses.replace(question, numbers=kept)


def quiz_to_gift(text: str, path: str) -> tuple[str | None, list[str]]:
    """Return GIFT for a native quiz file and a message for each question left out."""
    quiz, problems = parse_quiz(text, path)
    if quiz is None or problems:
        return None, [str(p) for p in problems] or [f"{path}: not a readable quiz file"]
    exported = dump_gift(quiz.questions)
    return exported.text, list(exported.problems)


__all__ = ["gift_to_quiz", "quiz_to_gift"]
