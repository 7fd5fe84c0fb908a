"""Import and export question banks in Moodle's GIFT format.

The reader follows Moodle's own importer (``question/format/gift/format.php``): questions are
blank-line separated blocks, lines are trimmed, ``//`` lines are comments, the first ``{`` and
first ``}`` delimit the answers, and the kind is read from them in Moodle's order (description,
essay, numerical, multiple choice, matching, true/false, short answer). Text formats
(``[html]`` ...) are dropped and the text kept as is: the caller sanitises at render time.

Harbor-only data travels in a comment line before the question, which Moodle ignores:
``// [id:first-contact] [tags:a,b] [points:2] [shuffle:false] [case-sensitive:true]``.
Moodle's own ``[id:...]`` and ``[tag:...]`` tokens are read too. Kinds Harbor has no use for
(description, essay) and malformed questions become problems, never silent drops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

from lms.assessments.gift_export import GiftExport, Unwritable, write_question
from lms.assessments.gift_kinds import Skip, read_answers
from lms.assessments.gift_text import WS, Marked, read_meta, slugify
from lms.assessments.spec import Kind, Question
from lms.courses.spec import Problem

__all__ = ["GiftExport", "GiftImport", "dump_gift", "parse_gift"]

CATEGORY = "$CATEGORY:"
BLANK = "_____"


@dataclass(frozen=True)
class GiftImport:
    """The questions read from a GIFT file, and every problem met (skips included)."""

    questions: tuple[Question, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class _Block:
    """One blank-line separated block of a GIFT file."""

    line: int  #: 1-based line of the first non-comment line
    lines: tuple[str, ...]  #: trimmed, comments removed
    comments: tuple[str, ...]


def _blocks(text: str) -> list[_Block]:
    """Split text into blank-line separated blocks, as Moodle does (comment-only ones dropped)."""
    blocks: list[_Block] = []
    lines: list[str] = []
    comments: list[str] = []
    first = 0

    def close() -> None:
        nonlocal first
        if lines:
            blocks.append(_Block(first, tuple(lines), tuple(comments)))
        lines.clear()
        comments.clear()
        first = 0

    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = raw.strip(WS)
        if not line:
            close()
        elif line.startswith("//"):
            comments.append(line)
        elif line.startswith(CATEGORY):
            # A category line stands alone even without a blank line after it.
            close()
            blocks.append(_Block(number, (line,), ()))
        else:
            first = first or number
            lines.append(line)
    close()
    return blocks


def _label(name: str | None, stem: Marked) -> str:
    """Return how a problem names a question: its title, or the start of its text."""
    if name:
        return name
    text = " ".join(stem.final().split())
    return text if len(text) <= 40 else text[:39] + "\u2026"


class _Reader:
    """Read blocks in order, tracking the pool, ids in use and problems."""

    def __init__(self, path: str, default_pool: str) -> None:
        self.path = path
        self.pool = default_pool
        self.default_pool = default_pool
        self.count = 0
        self.used: set[str] = set()
        self.questions: list[Question] = []
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        """Record a problem at a line of the file."""
        self.problems.append(Problem(self.path, line, message))

    def category(self, block: _Block) -> None:
        """Switch the pool to the last segment of a ``$CATEGORY:`` path, slugified."""
        path = Marked.read(block.lines[0][len(CATEGORY) :]).text.strip(WS)
        # Segments are "/"-separated; Moodle writes a "/" inside a name as "//".
        segments = path.replace("//", "\0").split("/")
        self.pool = slugify(segments[-1].replace("\0", "/")) or self.default_pool

    def unique(self, base: str) -> str:
        """Return ``base``, or ``base-2``, ``base-3``... if taken, and mark it taken."""
        found, n = base, 1
        while found in self.used:
            n += 1
            found = f"{base}-{n}"
        self.used.add(found)
        return found

    def read(self, block: _Block) -> None:
        """Read one block: a category switch, a question, or a problem."""
        if block.lines[0].startswith(CATEGORY):
            self.category(block)
            return
        self.count += 1
        text = Marked.read("\n".join(block.lines)).strip()
        name: str | None = None
        if text.startswith("::"):
            text = text[2:]
            end = text.find("::")
            if end >= 0:
                name, text = text[:end].text.strip(WS), text[end + 2 :].strip()
        start, finish = text.find("{"), text.find("}")
        if start < 0 and finish < 0:
            label = _label(name, text)
            self.problem(
                block.line, f"description '{label}' (no answers) is not supported; skipped"
            )
            return
        if start < 0 or finish < start:
            self.problem(
                block.line,
                f"question '{_label(name, text)}' needs one answer block in braces "
                "(write a literal brace as '\\{' or '\\}'); skipped",
            )
            return
        answer = text[start + 1 : finish].strip()
        after = Marked.plain("") if text.endswith_live("}") else Marked.plain(BLANK)
        stem = text[:start] + after + text[finish + 1 :]
        general = ""
        split = answer.rfind("####")
        if split >= 0:
            general, answer = answer[split + 4 :].final(), answer[:split].strip()
        if not answer.text:
            label = _label(name, stem)
            self.problem(block.line, f"essay question '{label}' is not supported; skipped")
            return
        try:
            parts = read_answers(answer)
        except Skip as skip:
            self.problem(block.line, f"question '{_label(name, stem)}': {skip}; skipped")
            return
        self.add(block, name, stem.final(), general, parts)

    def add(
        self, block: _Block, name: str | None, stem: str, general: str, parts: dict[str, Any]
    ) -> None:
        """Add a question, with its id and metadata taken from the block's comments."""
        meta, meta_problems = read_meta(list(block.comments))
        for message in meta_problems:
            self.problem(block.line, message)
        given = slugify(meta.id) if meta.id is not None else ""
        base = given or (slugify(name) if name else "") or f"q{self.count}"
        question_id = self.unique(base)
        if given and question_id != given:
            self.problem(
                block.line, f"question id '{given}' is already used; renamed '{question_id}'"
            )
        question = Question(
            id=question_id,
            text=stem,
            pool=self.pool,
            tags=meta.tags,
            points=meta.points if meta.points is not None else Fraction(1),
            feedback=general,
            line=block.line,
            shuffle=meta.shuffle if meta.shuffle is not None else True,
            case_sensitive=bool(meta.case_sensitive),
            **parts,
        )
        self.questions.append(question)


def parse_gift(text: str, path: str, *, default_pool: str = "imported") -> GiftImport:
    """Read a GIFT file; unsupported or malformed questions become problems. Never raises."""
    reader = _Reader(path, default_pool)
    for block in _blocks(text):
        reader.read(block)
    return GiftImport(tuple(reader.questions), tuple(reader.problems))


KIND_NAMES = {
    Kind.SINGLE: "single-choice",
    Kind.MULTIPLE: "multiple-choice",
    Kind.TRUE_FALSE: "true/false",
    Kind.SHORT: "short-answer",
    Kind.NUMERICAL: "numerical",
    Kind.MATCHING: "matching",
    Kind.ORDERING: "ordering",
}


def _changes(read: Question, question: Question) -> list[str]:
    """Return the names of the fields that differ, line aside."""
    return [
        f.name
        for f in fields(Question)
        if f.name != "line" and getattr(read, f.name) != getattr(question, f.name)
    ]


def dump_gift(questions: Sequence[Question]) -> GiftExport:
    """Write questions as GIFT; report those GIFT cannot carry instead of writing them wrong.

    Each question is read back after writing: one that would come back as another kind, or
    not at all, is skipped; one that comes back with other changes is written and reported.
    ``$CATEGORY:`` lines carry the pools.
    """
    parts: list[str] = []
    skipped: list[str] = []
    problems: list[str] = []
    pool: str | None = None
    for question in questions:
        name = f"{KIND_NAMES[question.kind]} question '{question.id}'"
        try:
            block = write_question(question)
        except Unwritable as reason:
            skipped.append(question.id)
            problems.append(f"{name} {reason}; skipped")
            continue
        category = f"{CATEGORY} {' '.join(question.pool.split())}"
        check = parse_gift(f"{category}\n\n{block}\n", "", default_pool=question.pool)
        read = check.questions[0] if check.questions else None
        if read is None or read.kind != question.kind:
            if read is not None:
                why = f"it would read back as a {KIND_NAMES[read.kind]} question"
            else:
                why = "; ".join(p.message.removesuffix("; skipped") for p in check.problems)
            skipped.append(question.id)
            problems.append(f"{name} cannot be written as GIFT ({why}); skipped")
            continue
        if changed := _changes(read, question):
            problems.append(
                f"{name} changes when read back from GIFT ({', '.join(changed)}); written anyway"
            )
        if question.pool != pool:
            parts.append(category)
            pool = question.pool
        parts.append(block)
    text = "\n\n".join(parts) + "\n" if parts else ""
    return GiftExport(text, tuple(skipped), tuple(problems))
