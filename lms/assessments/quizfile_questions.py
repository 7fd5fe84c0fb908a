"""Parse one question of a native quiz file: heading, header, stem, answers, explanation.

The format is described in ``quizfile.py``. Pure; nothing raises: every problem becomes a
:class:`~lms.courses.spec.Problem` at the file line an author should fix.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from lms.assessments import quizfile_syntax as syn
from lms.assessments.quizfile_answers import AnswerReader
from lms.assessments.spec import (
    Kind,
    OrderingScoring,
    Question,
)
from lms.courses.frontmatter import SLUG, SLUG_HINT
from lms.courses.spec import Problem

HEADER_KEYS = ("kind", "pool", "tags", "points", "shuffle", "case_sensitive", "scoring")
KINDS = ", ".join(kind.value for kind in Kind)


class ParsedQuestion(NamedTuple):
    """What parsing one question found; ``question`` is None if it had any problem."""

    question: Question | None
    problems: list[Problem]
    id: str
    pool: str | None  #: the pool named in the header, if it is a valid one
    line: int


class _Reader(AnswerReader):
    """Parse state for one question: its lines, where it starts, what is wrong."""

    def __init__(self, rows: list[str], first: int, path: str) -> None:
        self.rows, self.first, self.path = rows, first, path
        self.problems: list[Problem] = []
        self.fields: dict[str, Any] = {}

    def add(self, index: int, message: str) -> None:
        """Report a problem at a line index of the question (the heading is 0)."""
        self.problems.append(Problem(self.path, self.first + index, message))

    def header(self) -> tuple[dict[str, tuple[int, str]], int]:
        """Read the ``key: value`` lines under the heading; return them and the next index."""
        found: dict[str, tuple[int, str]] = {}
        index = 1
        while index < len(self.rows) and syn.is_blank(self.rows[index]):
            index += 1
        match = syn.HEADER.fullmatch(self.rows[index]) if index < len(self.rows) else None
        if index == 1 or not (match and match[1] in HEADER_KEYS):
            index = 1  # no header, or it starts right under the heading
        else:
            self.add(index, "header lines go directly under the heading: remove the blank line")
        while index < len(self.rows) and not syn.is_blank(self.rows[index]):
            match = syn.HEADER.fullmatch(self.rows[index])
            if match is None:
                self.add(index, "header lines are 'key: value'; leave a blank line before the stem")
                break
            key, value = match[1], match[2].strip()
            if key not in HEADER_KEYS:
                self.add(index, f"unknown header key '{key}' (use {', '.join(HEADER_KEYS)})")
            elif key in found:
                self.add(
                    index, f"'{key}' is given twice (first on line {self.first + found[key][0]})"
                )
            elif not value:
                self.add(index, f"'{key}' has no value")
            else:
                found[key] = (index, value)
            index += 1
        return found, index

    def settings(self, header: dict[str, tuple[int, str]]) -> tuple[Kind | None, str | None]:
        """Interpret the header into ``self.fields``; return the kind and pool."""
        kind = pool = None
        if "kind" not in header:
            self.add(0, f"missing 'kind:' header line ({KINDS})")
        elif header["kind"][1] in Kind.__members__.values():
            kind = Kind(header["kind"][1])
        else:
            self.add(header["kind"][0], f"unknown kind '{header['kind'][1]}': use one of {KINDS}")
        if "pool" not in header:
            self.add(0, "missing 'pool:' header line (the pool a quiz draws this question from)")
        elif SLUG.fullmatch(header["pool"][1]):
            pool = self.fields["pool"] = header["pool"][1]
        else:
            self.add(header["pool"][0], f"'pool' must be {SLUG_HINT}")
        if "tags" in header:
            tags = header["tags"][1].split(",")
            self.fields["tags"] = tuple(tag.strip() for tag in tags if tag.strip())
        if "points" in header:
            index, value = header["points"]
            points = syn.parse_ratio(value, percent=False, decimal=True)
            if points is None or points <= 0:
                self.add(index, "'points' must be a number greater than 0, e.g. 2 or 1.5")
            else:
                self.fields["points"] = points
        self._flag(header, "shuffle", "shuffle", None)
        self._flag(header, "case_sensitive", "case_sensitive", kind is Kind.SHORT or kind is None)
        if "scoring" in header:
            index, value = header["scoring"]
            if kind not in (Kind.ORDERING, None):
                self.add(index, "'scoring' is only for ordering questions")
            elif value in OrderingScoring.__members__.values():
                self.fields["ordering_scoring"] = OrderingScoring(value)
            else:
                self.add(index, "'scoring' must be all_or_nothing or relative_next")
        return kind, pool

    def _flag(
        self, header: dict[str, tuple[int, str]], key: str, field: str, allowed: bool | None
    ) -> None:
        """Read a yes/no header line into ``field``, if given and ``allowed`` is not False."""
        if key not in header:
            return
        index, value = header[key]
        if allowed is False:
            self.add(index, f"'{key}' is only for short questions")
        elif (flag := syn.parse_bool(value)) is None:
            self.add(index, f"'{key}' must be yes or no")
        else:
            self.fields[field] = flag

    def explanation(self, start: int) -> str:
        """Read ``explanation:`` at ``start`` and the indented lines that continue it."""
        rows = [self.rows[start][len(syn.EXPLANATION) :].lstrip()]
        for index in range(start + 1, len(self.rows)):
            row = self.rows[index]
            if row[:1] == "\t":
                row = row[1:]
            elif row[:1] == " ":
                row = row[2:] if row[:2] == "  " else row[1:]
            elif not syn.is_blank(row):
                if row.startswith(syn.EXPLANATION):
                    self.add(index, "second 'explanation:': a question has one")
                else:
                    self.add(
                        index,
                        "unexpected text after the explanation: indent the lines that "
                        "continue it, or start a new question with '## id'",
                    )
                break
            rows.append(row)
        return syn.tidy("\n".join(rows))


def _block(kind: Kind, rows: list[str]) -> int:
    """Return where the answers block starts in ``rows``, or ``len(rows)`` if it has none."""
    if kind in syn.STRONG:
        pattern = syn.STRONG[kind]
        return next((i for i, row in enumerate(rows) if pattern.fullmatch(row)), len(rows))
    start = len(rows)
    while start and (syn.is_blank(rows[start - 1]) or syn.WEAK[kind].fullmatch(rows[start - 1])):
        start -= 1
    while start < len(rows) and syn.is_blank(rows[start]):
        start += 1
    return start


def _foreign(kind: Kind, rows: list[str]) -> tuple[int, str] | None:
    """Find the first line shaped like another kind's answers."""
    for index, row in enumerate(rows):
        for pattern, shape, kinds in syn.FOREIGN:
            if kind not in kinds and pattern.fullmatch(row):
                return index, shape
    return None


def parse_question(
    rows: list[str], first: int, path: str, require_explanations: bool = False
) -> ParsedQuestion:
    """Parse the lines of one question; ``rows[0]`` is its heading, at file line ``first``."""
    reader = _Reader(rows, first, path)
    question_id = rows[0][2:].strip()
    if not question_id:
        reader.add(0, "question heading has no id: write '## some-id'")
    elif not SLUG.fullmatch(question_id):
        reader.add(0, f"question id '{question_id}' must be {SLUG_HINT}")
    header, body = reader.header()
    kind, pool = reader.settings(header)
    end = next(
        (i for i in range(body, len(rows)) if rows[i].startswith(syn.EXPLANATION)), len(rows)
    )
    feedback = reader.explanation(end) if end < len(rows) else ""
    if require_explanations and not feedback:
        reader.add(0, "question has no explanation: add 'explanation: ...' after the answers")
    content = rows[body:end]
    start = _block(kind, content) if kind is not None else len(content)
    text = syn.tidy("\n".join(content[:start]))
    if not text:
        reader.add(0, "question has no stem: write it after the header and a blank line")
    if kind is not None and start < len(content):
        reader.answers(kind, body + start, content[start:])
    elif kind is not None:
        found = _foreign(kind, content)
        if found is not None:
            reader.add(
                body + found[0], f"{kind} questions list {syn.SYNTAX[kind]}; {found[1]} questions"
            )
        else:
            reader.add(0, f"{kind} question has no answers: list {syn.SYNTAX[kind]} after the stem")
    question = None
    if kind is not None and pool is not None and not reader.problems:
        question = Question(question_id, kind, text, line=first, feedback=feedback, **reader.fields)
    return ParsedQuestion(question, reader.problems, question_id, pool, first)
