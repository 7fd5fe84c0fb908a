"""Write Harbor questions as GIFT (``dump_gift`` in ``gift.py`` checks each by reading it back).

Every text is escaped as Moodle's exporter does, so newlines travel as ``\\n`` and a question
never spans a blank line. The stem opens with ``[markdown]`` (Harbor text is markdown), and any
other text that would look like a format marker gets one too, so ``[html]`` stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from lms.assessments.gift_text import (
    WS,
    escape,
    has_format_marker,
    number_text,
    parse_number,
    percent_text,
    write_meta,
)
from lms.assessments.spec import Kind, NumericAnswer, Question

BLANK = "_____"
TOLERANCE = re.compile(r"\s*(\S+?)\s*(?:\+-|\u00b1)\s*(\S+)\s*")
RANGE = re.compile(r"\s*(\S+?)\s*\.\.\s*(\S+)\s*")
__all__ = ["GiftExport", "Unwritable", "write_question"]


@dataclass(frozen=True)
class GiftExport:
    """The GIFT text of some questions, and what could not be carried.

    ``skipped`` holds the ids of questions left out; ``problems`` says why, one message per
    skipped question, plus one per question written but changed on reading back.
    """

    text: str
    skipped: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


class Unwritable(Exception):
    """A question cannot be written as GIFT; the message says why."""


def _text(text: str) -> str:
    """Return an answer or feedback text escaped, protected from format-marker reading."""
    return ("[markdown]" if has_format_marker(text) else "") + escape(text)


def _feedback(feedback: str) -> str:
    """Return ``#feedback``, or nothing for no feedback."""
    return f"#{_text(feedback)}" if feedback else ""


def _weight(weight: Fraction, text: str, *, default: Fraction) -> str:
    """Return the ``%n%`` prefix an answer needs (always when the text starts with "%")."""
    if not -1 <= weight <= 1:
        raise Unwritable(f"has a weight {weight} outside -1..1")
    if weight == default and not text.startswith("%"):
        return ""
    return f"%{percent_text(weight)}%"


def _choices(question: Question) -> list[str]:
    """Return the answer lines of a single or multiple choice question."""
    if len(question.choices) < 2:
        raise Unwritable("needs at least 2 choices in GIFT")
    full = None
    if question.kind == Kind.SINGLE:
        full = next((c.id for c in question.choices if c.weight == 1), None)
        if full is None:
            raise Unwritable("has no full-credit choice, which GIFT needs to mark it single")
    lines = []
    for choice in question.choices:
        if choice.id == full:
            head = "="
        else:
            head = "~" + _weight(choice.weight, choice.text, default=Fraction(0))
        lines.append(head + _text(choice.text) + _feedback(choice.feedback))
    return lines


def _true_false(question: Question) -> str:
    """Return ``TRUE`` or ``FALSE`` with the wrong-then-right feedback."""
    by_id = {c.id: c for c in question.choices}
    if set(by_id) != {"true", "false"} or len(question.choices) != 2:
        raise Unwritable("needs exactly the choices 'true' and 'false'")
    weights = (by_id["true"].weight, by_id["false"].weight)
    if weights not in ((1, 0), (0, 1)):
        raise Unwritable("needs one choice worth 1 and the other 0")
    correct = by_id["true"] if weights == (1, 0) else by_id["false"]
    wrong = by_id["false"] if weights == (1, 0) else by_id["true"]
    # GIFT: {TRUE#feedback when wrong#feedback when right}
    text = "TRUE" if correct.id == "true" else "FALSE"
    if wrong.feedback or correct.feedback:
        text += "#" + _text(wrong.feedback)
    if correct.feedback:
        text += "#" + _text(correct.feedback)
    return text


def _short(question: Question) -> list[str]:
    """Return the ``=answer`` lines of a short-answer question."""
    if not question.answers:
        raise Unwritable("needs at least 1 answer")
    if any("->" in a.pattern + a.feedback for a in question.answers):
        raise Unwritable("has '->' in an answer, which GIFT would read as a matching question")
    return [
        "=" + _weight(a.weight, a.pattern, default=Fraction(1)) + _text(a.pattern)
        + _feedback(a.feedback)
        for a in question.answers
    ]  # fmt: skip


def _number_text(number: NumericAnswer) -> str:
    """Return ``v``, ``v:tolerance`` or ``low..high``, from the source when it still fits."""
    tolerance, span = TOLERANCE.fullmatch(number.source), RANGE.fullmatch(number.source)
    if tolerance:
        value, delta = parse_number(tolerance.group(1)), parse_number(tolerance.group(2))
        if (
            value is not None
            and delta is not None
            and (value - delta, value + delta)
            == (
                number.low,
                number.high,
            )
        ):
            return f"{tolerance.group(1)}:{tolerance.group(2)}"
    if span:
        low, high = parse_number(span.group(1)), parse_number(span.group(2))
        if (low, high) == (number.low, number.high):
            return f"{span.group(1)}..{span.group(2)}"
    source = number.source.strip()
    if parse_number(source) is not None and number.low == number.high == parse_number(source):
        return source
    if number.low == number.high:
        return number_text(number.low)
    return f"{number_text(number.low)}..{number_text(number.high)}"


def _numbers(question: Question) -> list[str]:
    """Return the ``=number`` lines, a last 0-weight catch-all as ``~``."""
    if not question.numbers:
        raise Unwritable("needs at least 1 answer")
    lines = []
    last = len(question.numbers) - 1
    for index, number in enumerate(question.numbers):
        if number.low.is_infinite() or number.high.is_infinite():
            if not (number.low.is_infinite() and number.high.is_infinite()):
                raise Unwritable("has a half-open numerical range")
            if index == last and number.weight == 0:
                lines.append("~" + _feedback(number.feedback))
                continue
            text = "*"
        elif not (number.low.is_finite() and number.high.is_finite()):
            raise Unwritable("has a numerical answer that is not a number")
        else:
            text = _number_text(number)
        weight = _weight(number.weight, text, default=Fraction(1))
        lines.append("=" + weight + text + _feedback(number.feedback))
    return lines


def _pairs(question: Question) -> list[str]:
    """Return the ``=prompt -> answer`` lines, distractors with no prompt."""
    lines = []
    for pair in question.pairs:
        if "->" in pair.prompt:
            raise Unwritable(f"has a matching prompt containing '->' ({pair.prompt!r})")
        lines.append(f"={_text(pair.prompt)} -> {escape(pair.answer)}")
    return lines + [f"= -> {escape(answer)}" for answer in question.distractors]


def write_question(question: Question) -> str:
    """Return one question as a GIFT block (no trailing blank line), or raise Unwritable."""
    if question.kind == Kind.ORDERING:
        raise Unwritable("cannot be written as GIFT")
    if question.kind == Kind.TRUE_FALSE:
        inline, lines = _true_false(question), []
    elif question.kind in (Kind.SINGLE, Kind.MULTIPLE):
        inline, lines = "", _choices(question)
    elif question.kind == Kind.SHORT:
        inline, lines = "", _short(question)
    elif question.kind == Kind.NUMERICAL:
        inline, lines = "#", _numbers(question)
    elif question.kind == Kind.MATCHING:
        inline, lines = "", _pairs(question)
    else:  # pragma: no cover - every Kind is handled above
        raise Unwritable(f"has an unknown kind '{question.kind}'")
    if question.feedback:
        lines.append("####" + _text(question.feedback))
    block = "{" + inline + "".join(f"\n\t{line}" for line in lines) + ("\n}" if lines else "}")
    stem = question.text
    blank = stem.find(BLANK)
    # Missing word: the answers stand where the blank was, which reads back as the blank.
    if blank >= 0 and stem[blank + len(BLANK) :].strip(WS):
        body = escape(stem[:blank]) + block + escape(stem[blank + len(BLANK) :])
    else:
        body = escape(stem) + block
    meta = write_meta(
        question.id, question.tags, question.points, question.shuffle, question.case_sensitive
    )
    return f"{meta}\n::{escape(question.id)}::[markdown]{body}"
