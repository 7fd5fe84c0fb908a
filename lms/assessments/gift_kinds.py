"""The answer block of a GIFT question, read kind by kind with Moodle's rules (see ``gift.py``)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from lms.assessments.gift_text import WEIGHT, WS, Marked, parse_number, weight_from_percent
from lms.assessments.spec import Choice, Kind, NumericAnswer, Pair, TextAnswer

TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
INFINITE = (Decimal("-Infinity"), Decimal("Infinity"))


class Skip(Exception):
    """A question cannot be imported; the message says why."""


def _weighted(answer: Marked, default: Fraction) -> tuple[Fraction, Marked]:
    """Split a ``%n%`` weight off the front of an answer; range-check it."""
    answer = answer.strip()
    match = WEIGHT.match(answer.text)
    if not match:
        return default, answer
    weight = weight_from_percent(match.group(1), match.group(2))
    if not -1 <= weight <= 1:
        raise Skip(f"weight {match.group(0)} is outside -100%..100%")
    return weight, answer[match.end() :]


def _answers(answer: Marked, sep: str) -> list[Marked]:
    """Split answers at ``sep``; an empty lead before the first is dropped, as in Moodle."""
    parts = answer.split(sep)
    if not parts[0].strip().text:
        parts.pop(0)
    return parts


def _choice_id(index: int) -> str:
    """Return "a".."z", then "aa", "ab"... for the 0-based index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _multichoice(answer: Marked) -> dict[str, Any]:
    """Read ``=right ~wrong ~%50%partial``: single choice if any ``=``, else multiple."""
    # Moodle rewrites "=" as "~=" and splits at "~": every = or ~ starts an answer.
    marks = sorted(i for i, c in enumerate(answer.text) if c in "~=" and answer.escaped[i] == "0")
    starts = [0, *marks, len(answer)]
    parts = [answer[a:b] for a, b in zip(starts, starts[1:], strict=False)]
    parts = [p[1:] if p.startswith("~") else p for p in parts if p.text]
    if parts and not parts[0].strip().text:
        parts.pop(0)
    if len(parts) < 2:
        raise Skip("a multiple-choice question needs at least 2 answers")
    choices = []
    for index, part in enumerate(parts):
        part = part.strip()
        if part.startswith("="):
            weight, part = Fraction(1), part[1:]
        else:
            weight, part = _weighted(part, Fraction(0))
        text, feedback = part.cut("#")
        choices.append(Choice(_choice_id(index), text.final(), weight, feedback.final()))
    single = answer.find("=") >= 0
    return {"kind": Kind.SINGLE if single else Kind.MULTIPLE, "choices": tuple(choices)}


def _matching(answer: Marked) -> dict[str, Any]:
    """Read ``=prompt -> answer`` pairs; an empty prompt makes the answer a distractor."""
    parts = _answers(answer, "=")
    if len(parts) < 2:
        raise Skip("a matching question needs at least 2 answers")
    pairs: list[Pair] = []
    distractors: list[str] = []
    for part in parts:
        marker = part.find("->")
        if marker < 0:
            raise Skip(f"matching answer '{part.final()}' has no '->'")
        prompt, match = part[:marker].final(), part[marker + 2 :].text.strip(WS)
        if prompt:
            pairs.append(Pair(f"p{len(pairs) + 1}", prompt, match))
        else:
            distractors.append(match)
    if not pairs:
        raise Skip("a matching question needs at least 1 prompt")
    return {"kind": Kind.MATCHING, "pairs": tuple(pairs), "distractors": tuple(distractors)}


def _true_false(answer: Marked) -> dict[str, Any]:
    """Read ``TRUE#feedback when wrong#feedback when right`` as choices "true" and "false"."""
    bits = answer.split("#", 2)
    correct = TRUE_FALSE[bits[0].strip().text]
    wrong = bits[1].final() if len(bits) > 1 else ""
    right = bits[2].final() if len(bits) > 2 else ""
    return {
        "kind": Kind.TRUE_FALSE,
        "choices": (
            Choice("true", "True", Fraction(int(correct)), right if correct else wrong),
            Choice("false", "False", Fraction(int(not correct)), wrong if correct else right),
        ),
    }


def _short(answer: Marked) -> dict[str, Any]:
    """Read ``=answer#feedback`` accepted answers, each worth 100% unless weighted."""
    answers = []
    for part in _answers(answer, "="):
        weight, part = _weighted(part, Fraction(1))
        text, feedback = part.cut("#")
        answers.append(TextAnswer(text.final(), weight, feedback.final()))
    if not answers:
        raise Skip("a short-answer question needs at least 1 answer")
    return {"kind": Kind.SHORT, "answers": tuple(answers)}


def _number(text: str) -> NumericAnswer:
    """Read ``v``, ``v:tolerance``, ``low..high`` or ``*`` (weight and feedback added later)."""
    if text == "*":
        return NumericAnswer(*INFINITE, Fraction(0), source="*")
    if text.find("..") > 0:
        low_text, high_text = (t.strip(WS) for t in text.split("..", 1))
        low, high = parse_number(low_text), parse_number(high_text)
        if low is not None and high is not None:
            if low > high:
                raise Skip(f"numerical range '{text}' is empty")
            return NumericAnswer(low, high, Fraction(1), source=f"{low_text}..{high_text}")
    elif text.find(":") > 0:
        value_text, tolerance_text = (t.strip(WS) for t in text.split(":", 1))
        value, tolerance = parse_number(value_text), parse_number(tolerance_text)
        if value is not None and tolerance is not None:
            if tolerance < 0:
                raise Skip(f"numerical tolerance in '{text}' is negative")
            source = f"{value_text} +- {tolerance_text}"
            return NumericAnswer(value - tolerance, value + tolerance, Fraction(1), source=source)
    elif (value := parse_number(text)) is not None:
        return NumericAnswer(value, value, Fraction(1), source=text)
    raise Skip(f"numerical answer '{text}' is not a number, 'value:tolerance' or 'low..high'")


def _numerical(answer: Marked) -> dict[str, Any]:
    """Read ``#=value:tolerance =low..high ~#other`` accepted numbers, in order."""
    body, wrong = answer[1:].cut("~")
    numbers = []
    for part in _answers(body, "="):
        weight, part = _weighted(part, Fraction(1))
        text, feedback = part.cut("#")
        numbers.append(replace(_number(text.final()), weight=weight, feedback=feedback.final()))
    if not numbers:
        raise Skip("a numerical question needs at least 1 answer")
    if answer[1:].find("~") >= 0:
        # Moodle: "~#feedback" is a catch-all answer worth 0, for any other number.
        numbers.append(replace(_number("*"), feedback=wrong.cut("#")[1].final()))
    return {"kind": Kind.NUMERICAL, "numbers": tuple(numbers)}


def read_answers(answer: Marked) -> dict[str, Any]:
    """Return the kind-specific fields of a non-empty answer block, in Moodle's detection order."""
    if answer.startswith("#"):
        return _numerical(answer)
    if answer.find("~") >= 0:
        return _multichoice(answer)
    if answer.find("=") >= 0 and answer.find("->") >= 0:
        return _matching(answer)
    hash_at = answer.find("#")
    check = answer[:hash_at].strip() if hash_at > 0 else answer
    if check.text in TRUE_FALSE and "1" not in check.escaped:
        return _true_false(answer)
    return _short(answer)
