"""Write quizzes and questions in the native quiz format (described in ``quizfile.py``).

Every question written is read back and compared, so the writer never silently changes a
question: what the format cannot hold raises ``ValueError`` naming the field.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

import yaml

from lms.assessments import quizfile_syntax as syn
from lms.assessments.quizfile_questions import parse_question
from lms.assessments.spec import Kind, NumericAnswer, OrderingScoring, Question, QuizSpec

CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)


def _marks(kind: Kind, weights: list[Fraction]) -> list[Fraction | str]:
    """Choose the marks that read back as ``weights``: [x] and [ ] where they can."""
    if kind is Kind.SINGLE:
        marks: list[Fraction | str] = ["x" if w == 1 else "" if w == 0 else w for w in weights]
    else:
        marks = ["x" if w > 0 else "" for w in weights]
    while True:  # each pass makes at least one mark explicit, and explicit marks hold
        wrong = [
            index
            for index, (weight, resolved) in enumerate(
                zip(weights, syn.choice_weights(kind, marks), strict=True)
            )
            if weight != resolved
        ]
        if not wrong:
            return marks
        for index in wrong:
            marks[index] = weights[index]


def _mark_text(mark: Fraction | str) -> str:
    if isinstance(mark, Fraction):
        return f"[{syn.share_text(mark)}]"
    return "[x]" if mark == "x" else "[ ]"


def _feedback(text: str) -> list[str]:
    return [f"  feedback: {text}"] if text else []


def numeric_source(number: NumericAnswer) -> str:
    """Return the source text to write: the author's, or ``low..high`` if it is unreadable."""
    if syn.parse_numbers(number.source) == (number.low, number.high):
        return number.source
    low, high = format(number.low, "f"), format(number.high, "f")
    return low if number.low == number.high else f"{low}..{high}"


def _answers(question: Question) -> list[str]:
    """Write the answers block of a question."""
    rows: list[str] = []
    kind = question.kind
    if kind in CHOICE_KINDS:
        weights = [choice.weight for choice in question.choices]
        for choice, mark in zip(question.choices, _marks(kind, weights), strict=True):
            rows += [f"- {_mark_text(mark)} {choice.text}", *_feedback(choice.feedback)]
    elif kind is Kind.TRUE_FALSE:
        by_id = {choice.id: choice for choice in question.choices}
        right = "true" if "true" in by_id and by_id["true"].weight > 0 else "false"
        rows.append(f"answer: {right}")
        rows += [f"feedback_{key}: {c.feedback}" for key, c in by_id.items() if c.feedback]
    elif kind is Kind.SHORT:
        for answer in question.answers:
            weight = answer.weight
            shown = (
                f"[{syn.share_text(weight)}] " if weight != 1 or answer.pattern[:1] == "[" else ""
            )
            rows += [f"= {shown}{answer.pattern}", *_feedback(answer.feedback)]
    elif kind is Kind.NUMERICAL:
        for number in question.numbers:
            source = numeric_source(number)
            shown = f"[{syn.share_text(number.weight)}] " if number.weight != 1 else ""
            rows += [f"= {shown}{source}", *_feedback(number.feedback)]
    elif kind is Kind.MATCHING:
        rows += [f"- {pair.prompt} -> {pair.answer}" for pair in question.pairs]
        rows += [f"- -> {answer}" for answer in question.distractors]
    elif kind is Kind.ORDERING:
        rows += [f"{index}. {item.text}" for index, item in enumerate(question.items, 1)]
    return rows


def _explanation(text: str) -> list[str]:
    """Write ``explanation:`` with the first line inline and the rest indented."""
    rows = text.split("\n")
    if rows[0] and rows[0] == rows[0].lstrip():
        first, rows = [f"{syn.EXPLANATION} {rows[0]}"], rows[1:]
    else:
        first = [syn.EXPLANATION]
    return first + [f"  {row}" if row else "" for row in rows]


def write_question(question: Question) -> str:
    """Write a question without checking that it reads back (see ``dump_question``)."""
    rows = [f"## {question.id}", f"kind: {question.kind}", f"pool: {question.pool}"]
    if question.tags:
        rows.append("tags: " + ", ".join(question.tags))
    if question.points != 1:
        rows.append(f"points: {syn.number_text(Fraction(question.points))}")
    if not question.shuffle:
        rows.append("shuffle: no")
    if question.case_sensitive:
        rows.append("case_sensitive: yes")
    if question.ordering_scoring is not OrderingScoring.RELATIVE_NEXT:
        rows.append(f"scoring: {question.ordering_scoring}")
    rows += ["", question.text, "", *_answers(question)]
    if question.feedback:
        rows += ["", *_explanation(question.feedback)]
    return "\n".join(rows) + "\n"


def difference(wanted: Any, found: Any, name: str = "") -> str | None:
    """Return the dotted name of the first field where two specs differ, or None."""
    if wanted == found:
        return None
    if dataclasses.is_dataclass(wanted) and type(wanted) is type(found):
        for field in dataclasses.fields(wanted):
            where = f"{name}.{field.name}" if name else field.name
            found_here = difference(getattr(wanted, field.name), getattr(found, field.name), where)
            if found_here:
                return found_here
    elif isinstance(wanted, tuple) and isinstance(found, tuple) and len(wanted) == len(found):
        for index, (left, right) in enumerate(zip(wanted, found, strict=True)):
            found_here = difference(left, right, f"{name}[{index}]")
            if found_here:
                return found_here
    return name or "everything"


def dump_question(question: Question) -> str:
    """Write one question (``## id`` to its explanation) in the native format.

    Raises ``ValueError`` if the format cannot hold it: the text would read back differently.
    """
    try:
        text = write_question(question)
        # A source the format cannot read (empty, or another format's) is written as low..high.
        numbers = tuple(dataclasses.replace(n, source=numeric_source(n)) for n in question.numbers)
    except (AttributeError, TypeError, ValueError, KeyError, ArithmeticError) as exc:
        raise ValueError(f"cannot write question '{question.id}': {exc}") from exc
    rows = text.split("\n")
    if any(syn.is_heading(row) for row in rows[1:]):
        raise ValueError(
            f"cannot write question '{question.id}' faithfully: a line of its texts starts "
            "'## ', which would start a new question"
        )
    parsed = parse_question(rows, 1, "")
    wanted = dataclasses.replace(question, line=0, numbers=numbers)
    if parsed.question is None:
        problem = parsed.problems[0] if parsed.problems else None
        detail = problem.message if problem else "it would not read back"
        raise ValueError(f"cannot write question '{question.id}' faithfully: {detail}")
    where = difference(wanted, dataclasses.replace(parsed.question, line=0))
    if where is not None:
        raise ValueError(
            f"cannot write question '{question.id}' faithfully: its {where} would read back "
            "differently (see the text rules in lms/assessments/quizfile.py)"
        )
    return text


def write_quiz(quiz: QuizSpec) -> str:
    """Write a whole quiz file, each question checked by ``dump_question``."""
    settings = quiz.settings
    data: dict[str, Any] = {"title": quiz.title, "kind": str(quiz.kind)}
    if quiz.module is not None:
        data["module"] = quiz.module
    data["pass_mark"] = syn.share_text(Fraction(settings.pass_mark))
    if settings.draws:
        data["draw"] = {draw.pool: draw.count for draw in settings.draws}
    data.update(
        attempts="unlimited" if settings.attempts is None else settings.attempts,
        grading=str(settings.grading),
        cooldown_minutes=settings.cooldown_minutes,
        time_limit_minutes=settings.time_limit_minutes,
        show_feedback=str(settings.show_feedback),
        show_answers=str(settings.show_answers),
        shuffle_questions=settings.shuffle_questions,
    )
    try:
        front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1 << 30)
    except yaml.YAMLError as exc:
        raise ValueError(f"cannot write quiz '{quiz.slug}': {exc}") from exc
    parts = [f"---\n{front}---\n"]
    if quiz.intro:
        parts.append(f"{quiz.intro}\n")
    parts += [dump_question(question) for question in quiz.questions]
    return "\n".join(parts)
