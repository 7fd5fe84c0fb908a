"""Line shapes, numbers and weights of the native quiz format (see ``quizfile.py``).

Shared by the parser (``quizfile_questions.py``, ``quizfile.py``) and the writer
(``quizfile_dump.py``) so that both read a line the same way. Pure, and nothing raises.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from lms.assessments.spec import Kind

#: A question heading: ``## id`` (``##`` then a space, a tab or the end of the line).
HEADING = re.compile(r"##(?:[ \t].*)?")
#: A header line under the heading: ``key: value``.
HEADER = re.compile(r"([A-Za-z][\w-]*):(.*)")
#: A choice: ``- [x] text``, ``- [ ] text``, ``- [50%] text`` (space or end after ``]``).
CHOICE = re.compile(r"- \[([^\]]*)\](?:\s(.*))?")
#: An accepted short or numerical answer: ``= text`` (``==...`` is a setext underline).
EQUALS = re.compile(r"=(?!=)(.*)")
#: A true/false answer line.
TRUE_FALSE = re.compile(r"(answer|feedback_true|feedback_false):(.*)")
#: Feedback for the answer above it, indented.
FEEDBACK = re.compile(r"[ \t]+feedback:(.*)")
#: A matching line: any bullet (lines without ``->`` are reported, not skipped).
BULLET = re.compile(r"-(?:[ \t](.*))?")
#: A bullet that holds ``->``: what a matching line looks like from another kind.
ARROW = re.compile(r"-[ \t].*->.*")
#: An ordering item: ``1. text``.
ITEM = re.compile(r"(\d+)\.(?:[ \t](.*))?")
EXPLANATION = "explanation:"

#: Kinds whose answers start at the first answer-shaped line (the shape is unmistakable).
STRONG: dict[Kind, re.Pattern[str]] = {
    Kind.SINGLE: CHOICE,
    Kind.MULTIPLE: CHOICE,
    Kind.TRUE_FALSE: TRUE_FALSE,
    Kind.SHORT: EQUALS,
    Kind.NUMERICAL: EQUALS,
}
#: Kinds whose answers are an ordinary list: the last list of the question.
WEAK: dict[Kind, re.Pattern[str]] = {Kind.MATCHING: BULLET, Kind.ORDERING: ITEM}

#: How each kind writes its answers, for problem messages.
SYNTAX: dict[Kind, str] = {
    Kind.SINGLE: "choices as '- [x] right' and '- [ ] wrong' lines",
    Kind.MULTIPLE: "choices as '- [x] right' and '- [ ] wrong' lines",
    Kind.TRUE_FALSE: "the answer as an 'answer: true' or 'answer: false' line",
    Kind.SHORT: "accepted answers as '= answer' lines",
    Kind.NUMERICAL: "accepted numbers as '= 42', '= 42 +- 0.5' or '= 40..44' lines",
    Kind.MATCHING: "pairs as '- prompt -> answer' lines",
    Kind.ORDERING: "items in the correct order as '1. first', '2. second' lines",
}
#: Answer shapes of other kinds: (pattern, how the message names it, the kinds it is for).
FOREIGN: tuple[tuple[re.Pattern[str], str, frozenset[Kind]], ...] = (
    (CHOICE, "'- [x]' lines are for single and multiple", frozenset({Kind.SINGLE, Kind.MULTIPLE})),
    (EQUALS, "'= ...' lines are for short and numerical", frozenset({Kind.SHORT, Kind.NUMERICAL})),
    (TRUE_FALSE, "'answer:' lines are for true_false", frozenset({Kind.TRUE_FALSE})),
    (ARROW, "'- ... -> ...' lines are for matching", frozenset({Kind.MATCHING})),
    (ITEM, "numbered lines are for ordering", frozenset({Kind.ORDERING})),
)

_PERCENT = re.compile(r"(-?\d+(?:\.\d+)?)\s*%")
_RATIO = re.compile(r"(-?\d+)\s*/\s*(\d+)")
_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_EXACT = re.compile(rf"({_NUMBER})")
_TOLERANCE = re.compile(rf"({_NUMBER})\s*(?:\+-|±)\s*(\+?(?:\d+(?:\.\d*)?|\.\d+))")
_RANGE = re.compile(rf"({_NUMBER})\s*\.\.\s*({_NUMBER})")
_BOOLEANS = {"yes": True, "true": True, "no": False, "false": False}


def is_heading(row: str) -> bool:
    """Return whether a line starts a question."""
    return HEADING.fullmatch(row) is not None


def is_blank(row: str) -> bool:
    """Return whether a line holds nothing but whitespace."""
    return not row.strip()


def tidy(text: str) -> str:
    """Drop blank lines at the start and trailing whitespace at the end; keep the rest."""
    rows = text.split("\n")
    while rows and is_blank(rows[0]):
        rows.pop(0)
    return "\n".join(rows).rstrip()


def parse_ratio(text: str, percent: bool, decimal: bool) -> Fraction | None:
    """Read ``50%`` or ``1/3`` (and ``0.5`` if ``decimal``; ``%`` only if ``percent``)."""
    text = text.strip()
    try:
        if percent and (match := _PERCENT.fullmatch(text)):
            return Fraction(Decimal(match[1])) / 100
        if match := _RATIO.fullmatch(text):
            return Fraction(int(match[1]), int(match[2])) if int(match[2]) else None
        if decimal and _DECIMAL.fullmatch(text):
            return Fraction(Decimal(text))
    except (ValueError, ArithmeticError):  # absurdly long digit strings
        return None
    return None


def parse_bool(text: str) -> bool | None:
    """Read yes/no/true/false, in any case."""
    return _BOOLEANS.get(text.strip().lower())


def parse_numbers(text: str) -> tuple[Decimal, Decimal] | None:
    """Read ``42``, ``42 +- 0.5`` (or ``±``) or ``40..44`` as (low, high); None if unreadable."""
    try:
        if match := _EXACT.fullmatch(text):
            value = Decimal(match[1])
            return value, value
        if match := _TOLERANCE.fullmatch(text):
            value, tolerance = Decimal(match[1]), Decimal(match[2])
            return value - tolerance, value + tolerance
        if match := _RANGE.fullmatch(text):
            return Decimal(match[1]), Decimal(match[2])
    except (InvalidOperation, ValueError, ArithmeticError):
        return None
    return None


def decimal_text(value: Fraction) -> str | None:
    """Write a fraction as an exact decimal ("1.5"), or None if it has no finite one."""
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return None
    places = max(twos, fives)
    digits = str(abs(value.numerator) * (10**places // value.denominator))
    sign = "-" if value < 0 else ""
    if not places:
        return sign + digits
    digits = digits.rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def number_text(value: Fraction) -> str:
    """Write points: "2", "1.5" or, with no finite decimal, "1/3"."""
    return decimal_text(value) or f"{value.numerator}/{value.denominator}"


def share_text(value: Fraction) -> str:
    """Write a share of the marks: "50%", "-12.5%" or, with no finite decimal, "1/3"."""
    percent = decimal_text(value * 100)
    return f"{percent}%" if percent is not None else f"{value.numerator}/{value.denominator}"


def choice_weights(kind: Kind, marks: list[Fraction | str]) -> list[Fraction]:
    """Resolve choice marks ("x", "", or an explicit weight) to weights.

    Single: ``[x]`` is 1 and ``[ ]`` is 0. Multiple: the ``[x]`` choices share 1 equally and
    each ``[ ]`` choice is ``-1/min(right, wrong)`` (``right``/``wrong``: how many ``[x]``
    and ``[ ]``), so that selecting every choice scores 0; with no ``[x]``, ``[ ]`` is 0.
    """
    right, wrong = marks.count("x"), marks.count("")
    weights = []
    for mark in marks:
        if isinstance(mark, Fraction):
            weights.append(mark)
        elif kind is not Kind.MULTIPLE:
            weights.append(Fraction(1 if mark == "x" else 0))
        elif mark == "x":
            weights.append(Fraction(1, right))
        else:
            weights.append(Fraction(-1, min(right, wrong)) if right else Fraction(0))
    return weights


def choice_id(index: int) -> str:
    """Return the id of the choice at a 0-based position: a..z, then aa, ab, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters
