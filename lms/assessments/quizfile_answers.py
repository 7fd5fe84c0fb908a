"""Parse the answers block of a native quiz question, by kind (format: ``quizfile.py``).

Pure; nothing raises: every problem goes to ``add`` at the line an author should fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from lms.assessments import quizfile_syntax as syn
from lms.assessments.spec import Choice, Item, Kind, NumericAnswer, Pair, TextAnswer

WEIGHT_HINT = "use [x], [ ], or a share like [50%], [-25%] or [1/3]"
SHARE_HINT = "use a share like [50%] or [1/3] (text starting '[' needs one: '= [100%] [text]')"
CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)


@dataclass
class _Answer:
    """An answer line (choice, accepted answer) and the feedback line under it."""

    index: int
    match: re.Match[str]
    feedback: str | None = None


class AnswerReader:
    """Read answer blocks into ``fields`` (Question keyword arguments), reporting problems."""

    fields: dict[str, Any]

    def add(self, index: int, message: str) -> None:
        """Report a problem at a line index of the question (the heading is 0)."""
        raise NotImplementedError

    def answers(self, kind: Kind, start: int, rows: list[str]) -> None:
        """Parse the answers block ``rows`` (file index ``start``) into ``self.fields``."""
        if kind is Kind.MATCHING:
            self.matching(start, rows)
        elif kind is Kind.ORDERING:
            self.ordering(start, rows)
        elif kind is Kind.TRUE_FALSE:
            self.true_false(start, rows)
        else:
            found = self.entries(kind, start, rows)
            if kind is Kind.SHORT:
                self.short(found)
            elif kind is Kind.NUMERICAL:
                self.numerical(found)
            else:
                self.choices(kind, found)

    def entries(self, kind: Kind, start: int, rows: list[str]) -> list[_Answer]:
        """Collect answer lines and the feedback lines under them."""
        found: list[_Answer] = []
        for offset, row in enumerate(rows):
            index = start + offset
            if syn.is_blank(row):
                continue
            if match := syn.STRONG[kind].fullmatch(row):
                found.append(_Answer(index, match))
            elif (feedback := syn.FEEDBACK.fullmatch(row)) and found:
                if found[-1].feedback is not None:
                    self.add(index, "this answer already has a feedback line")
                found[-1].feedback = feedback[1].strip()
            else:
                what = "choice is one '- [x] text'" if kind in CHOICE_KINDS else "answer is one '='"
                self.add(
                    index,
                    f"unexpected line among the answers: each {what} line, optionally "
                    "followed by an indented 'feedback: ...' line",
                )
        return found

    def weight(self, index: int, mark: str, low: int, hint: str) -> Fraction | None:
        """Read an explicit weight between ``low`` and 1; None (and a problem) if bad."""
        weight = syn.parse_ratio(mark, percent=True, decimal=False)
        if weight is None:
            self.add(index, f"unreadable weight '[{mark}]': {hint}")
        elif not low <= weight <= 1:
            self.add(index, f"weight [{mark}] must be between {low * 100}% and 100%")
            return None
        return weight

    def choices(self, kind: Kind, found: list[_Answer]) -> None:
        """Build single or multiple choices; ids a, b, ... in authored order."""
        marks: list[Fraction | str] = []
        for answer in found:
            mark, text = answer.match[1].strip(), (answer.match[2] or "").strip()
            if not text:
                self.add(answer.index, "choice has no text after the mark")
            if mark in ("", "x", "X"):
                marks.append(mark.lower())
            else:
                marks.append(self.weight(answer.index, mark, -1, WEIGHT_HINT) or Fraction(0))
        weights = syn.choice_weights(kind, marks)
        self.fields["choices"] = tuple(
            Choice(syn.choice_id(i), (a.match[2] or "").strip(), w, a.feedback or "")
            for i, (a, w) in enumerate(zip(found, weights, strict=True))
        )

    def _accepted(self, answer: _Answer) -> tuple[Fraction, str]:
        """Split ``= [50%] text`` into its weight (1 if none) and text."""
        rest = answer.match[1].lstrip()
        if rest.startswith("[") and "]" in rest:
            mark, rest = rest[1:].split("]", 1)
            weight = self.weight(answer.index, mark.strip(), 0, SHARE_HINT)
            return weight if weight is not None else Fraction(0), rest.strip()
        return Fraction(1), rest.strip()

    def short(self, found: list[_Answer]) -> None:
        """Build the accepted answers of a short-answer question."""
        answers = []
        for answer in found:
            weight, text = self._accepted(answer)
            if not text:
                self.add(answer.index, "accepted answer has no text after '='")
            answers.append(TextAnswer(text, weight, answer.feedback or ""))
        self.fields["answers"] = tuple(answers)

    def numerical(self, found: list[_Answer]) -> None:
        """Build the accepted numbers of a numerical question, keeping their source text."""
        numbers = []
        for answer in found:
            weight, text = self._accepted(answer)
            bounds = syn.parse_numbers(text)
            if bounds is None:
                self.add(answer.index, f"unreadable number '{text}': write 42, 42 +- 0.5 or 40..44")
                bounds = (Decimal(0), Decimal(0))
            elif bounds[0] > bounds[1]:
                self.add(answer.index, f"range '{text}' runs backwards: write the low end first")
            numbers.append(NumericAnswer(*bounds, weight, answer.feedback or "", text))
        self.fields["numbers"] = tuple(numbers)

    def true_false(self, start: int, rows: list[str]) -> None:
        """Build the two choices, "true" and "false", from the answer and feedback lines."""
        values: dict[str, str] = {}
        for offset, row in enumerate(rows):
            match = syn.TRUE_FALSE.fullmatch(row)
            if match is None:
                if not syn.is_blank(row):
                    self.add(
                        start + offset,
                        "unexpected line among the answers: true_false questions have "
                        "'answer:', 'feedback_true:' and 'feedback_false:' lines",
                    )
            elif match[1] in values:
                self.add(start + offset, f"'{match[1]}' is given twice")
            elif match[1] == "answer" and syn.parse_bool(match[2]) is None:
                self.add(start + offset, "'answer' must be true or false")
                values["answer"] = "true"
            else:
                values[match[1]] = match[2].strip()
        if "answer" not in values:
            self.add(0, "true_false question has no 'answer: true' or 'answer: false' line")
        right = "true" if syn.parse_bool(values.get("answer", "true")) else "false"
        self.fields["choices"] = tuple(
            Choice(
                value, value.title(), Fraction(value == right), values.get(f"feedback_{value}", "")
            )
            for value in ("true", "false")
        )

    def matching(self, start: int, rows: list[str]) -> None:
        """Build pairs (ids p1, p2, ...) and distractors from '- prompt -> answer' lines."""
        pairs, distractors = [], []
        for offset, row in enumerate(rows):
            match = syn.BULLET.fullmatch(row)
            if match is None:
                continue
            prompt, arrow, answer = (match[1] or "").partition("->")
            prompt, answer = prompt.strip(), answer.strip()
            if not arrow:
                self.add(
                    start + offset,
                    "matching lines are '- prompt -> answer' (or '- -> distractor'); "
                    "this one has no '->'",
                )
            elif not answer:
                self.add(start + offset, "matching line has no answer after '->'")
            elif prompt:
                pairs.append(Pair(f"p{len(pairs) + 1}", prompt, answer))
            else:
                distractors.append(answer)
        self.fields["pairs"], self.fields["distractors"] = tuple(pairs), tuple(distractors)

    def ordering(self, start: int, rows: list[str]) -> None:
        """Build items (ids i1, i2, ...) from a list numbered 1, 2, 3, ..."""
        items: list[Item] = []
        expected = 1
        for offset, row in enumerate(rows):
            match = syn.ITEM.fullmatch(row)
            if match is None:
                continue
            digits, text = match[1], (match[2] or "").strip()
            number = int(digits) if len(digits) <= 9 else None
            if number != expected:
                self.add(
                    start + offset,
                    "ordering items are numbered 1, 2, 3, ... in order: "
                    f"expected {expected}, found {digits[:12]}",
                )
            expected = number + 1 if number is not None else expected + 1
            if not text:
                self.add(start + offset, "ordering item has no text")
            items.append(Item(f"i{len(items) + 1}", text))
        self.fields["items"] = tuple(items)
