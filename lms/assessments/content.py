"""Load and check a course's quiz files as part of the content tree (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Set

from lms.assessments.quizfile import parse_quiz
from lms.assessments.scoring import key_problems
from lms.assessments.spec import QuizKind, QuizSpec
from lms.courses.spec import Problem

#: Quiz slugs that would collide with the quiz pages' own URLs.
RESERVED_SLUGS = frozenset({"start", "attempts", "statistics"})


def load_quizzes(
    files: Iterable[tuple[str, str, str]], module_slugs: Set[str]
) -> tuple[tuple[QuizSpec, ...], list[Problem]]:
    """Parse ``(path, slug, text)`` quiz files of one course; return quizzes and problems.

    Beyond each file's own checks: every answer key must be scorable, a knowledge check must
    follow a module of the course, question ids are unique across the course's quiz files,
    and a course has at most one final assessment and one pre-test.
    """
    quizzes: list[QuizSpec] = []
    problems: list[Problem] = []
    seen_ids: dict[str, str] = {}
    seen_kinds: dict[QuizKind, str] = {}
    for path, slug, text in files:
        quiz, found = parse_quiz(text, path, require_explanations=True)
        problems.extend(found)
        if slug in RESERVED_SLUGS:
            problems.append(Problem(path, 1, f"quiz slug '{slug}' is reserved; rename the file"))
        if quiz is None:
            continue
        quiz = _with_slug(quiz, slug, path)
        for question in quiz.questions:
            for message in key_problems(question):
                problems.append(
                    Problem(path, question.line, f"question '{question.id}': {message}")
                )
            if question.id in seen_ids:
                problems.append(
                    Problem(
                        path,
                        question.line,
                        f"question id '{question.id}' is already used in {seen_ids[question.id]}",
                    )
                )
            seen_ids.setdefault(question.id, path)
        if quiz.module is not None and quiz.module not in module_slugs:
            problems.append(Problem(path, 1, f"module '{quiz.module}' is not in this course"))
        if quiz.kind in (QuizKind.FINAL, QuizKind.PRETEST):
            if quiz.kind in seen_kinds:
                problems.append(
                    Problem(
                        path,
                        1,
                        f"a course has one {quiz.kind.value} quiz; "
                        f"{seen_kinds[quiz.kind]} is one already",
                    )
                )
            seen_kinds.setdefault(quiz.kind, path)
        quizzes.append(quiz)
    return tuple(sorted(quizzes, key=lambda q: q.slug)), problems


def _with_slug(quiz: QuizSpec, slug: str, path: str) -> QuizSpec:
    from dataclasses import replace

    return replace(quiz, slug=slug, path=path)
