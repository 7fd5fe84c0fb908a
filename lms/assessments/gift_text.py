"""Text-level helpers shared by the GIFT reader and writer (``gift.py``, ``gift_export.py``).

GIFT escapes its control characters with a backslash. Moodle swaps escaped characters for
placeholders before parsing; here :class:`Marked` keeps a parallel mask of which characters
were escaped, so every search ignores them and no placeholder can collide with real text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

#: What PHP's ``trim()`` strips, and so what Moodle strips from lines and texts.
WS = " \t\n\r\x00\x0b"
#: Characters a backslash escapes (besides ``\\`` and ``\n``).
ESCAPABLE = frozenset(":#=~{}")
#: Text-format markers that may open any text: ``[html]``, ``[markdown]``...
FORMATS = frozenset({"html", "moodle", "plain", "markdown"})
#: Moodle's weight prefix, ``%50%``, ``%-100%``, ``%33.33333%`` (any digit run is accepted).
WEIGHT = re.compile(r"%(-*)(\d+(?:\.\d*)?)%")
#: A plain decimal number as Moodle's ``is_numeric`` accepts it (exponent kept small).
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?")
#: A weight within this of a fraction with a denominator of 12 or less is that fraction.
SNAP = Fraction(1, 10_000)
SLUG_CHARS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Marked:
    """Text read from a GIFT file; ``escaped`` holds "1" for each escaped character."""

    text: str
    escaped: str

    @classmethod
    def read(cls, raw: str) -> Marked:
        """Resolve the escapes ``\\\\ \\: \\# \\= \\{ \\} \\~ \\n``; other backslashes stay."""
        chars: list[str] = []
        marks: list[str] = []
        i = 0
        while i < len(raw):
            char, follow = raw[i], raw[i + 1 : i + 2]
            if char == "\\" and (follow == "\\" or follow in ESCAPABLE or follow == "n"):
                chars.append("\n" if follow == "n" else follow)
                marks.append("1")
                i += 2
            else:
                chars.append(char)
                marks.append("0")
                i += 1
        return cls("".join(chars), "".join(marks))

    @classmethod
    def plain(cls, text: str) -> Marked:
        """Return text with no escaped characters."""
        return cls(text, "0" * len(text))

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, key: slice) -> Marked:
        return Marked(self.text[key], self.escaped[key])

    def __add__(self, other: Marked) -> Marked:
        return Marked(self.text + other.text, self.escaped + other.escaped)

    def _live(self, at: int, size: int) -> bool:
        """Return whether no character of ``text[at:at + size]`` was escaped."""
        return "1" not in self.escaped[at : at + size]

    def find(self, sub: str, start: int = 0) -> int:
        """Return the index of the first unescaped ``sub`` from ``start``, or -1."""
        at = self.text.find(sub, start)
        while at >= 0 and not self._live(at, len(sub)):
            at = self.text.find(sub, at + 1)
        return at

    def rfind(self, sub: str) -> int:
        """Return the index of the last unescaped ``sub``, or -1."""
        at = self.text.rfind(sub)
        while at >= 0 and not self._live(at, len(sub)):
            at = self.text.rfind(sub, 0, at + len(sub) - 1)
        return at

    def startswith(self, prefix: str) -> bool:
        """Return whether the text starts with an unescaped ``prefix``."""
        return self.text.startswith(prefix) and self._live(0, len(prefix))

    def endswith_live(self, char: str) -> bool:
        """Return whether the last character is an unescaped ``char``."""
        return self.text.endswith(char) and self.escaped[-1:] == "0"

    def strip(self) -> Marked:
        """Strip unescaped whitespace from both ends (escaped newlines stay, as in Moodle)."""
        start, end = 0, len(self.text)
        while start < end and self.text[start] in WS and self.escaped[start] == "0":
            start += 1
        while end > start and self.text[end - 1] in WS and self.escaped[end - 1] == "0":
            end -= 1
        return self[start:end]

    def split(self, sep: str, maxsplit: int = -1) -> list[Marked]:
        """Split at unescaped ``sep``, like :meth:`str.split`."""
        parts: list[Marked] = []
        start = 0
        at = self.find(sep)
        while at >= 0 and maxsplit != len(parts):
            parts.append(self[start:at])
            start = at + len(sep)
            at = self.find(sep, start)
        parts.append(self[start:])
        return parts

    def cut(self, sep: str) -> tuple[Marked, Marked]:
        """Split at the first unescaped ``sep``; the second part is empty without one."""
        parts = self.split(sep, 1)
        return parts[0], parts[1] if len(parts) > 1 else Marked.plain("")

    def final(self) -> str:
        """Return the finished text: format marker dropped, fully trimmed (Moodle's rules)."""
        text = self.strip()
        if text.startswith("["):
            end = text.find("]")
            if end > 0 and text.text[1:end] in FORMATS:
                text = text[end + 1 :]
        return text.text.strip(WS)


def has_format_marker(text: str) -> bool:
    """Return whether text opens with something a reader would take for a format marker."""
    end = text.find("]")
    return text.startswith("[") and end > 0 and text[1:end] in FORMATS


def escape(text: str) -> str:
    """Escape text for GIFT, as Moodle's ``repchar`` does (newlines become ``\\n``)."""
    text = text.replace("\\", "\\\\")
    for char in sorted(ESCAPABLE):
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def slugify(text: str) -> str:
    """Return text as a Harbor id: lowercase ASCII letters, digits and single hyphens."""
    text = unicodedata.normalize("NFKD", text.replace("'", "").replace("\u2019", ""))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return SLUG_CHARS.sub("-", text).strip("-")


def weight_from_percent(sign: str, digits: str) -> Fraction:
    """Return a ``%n%`` weight as a Fraction, snapping to simple fractions (33.33333 -> 1/3)."""
    exact = Fraction(Decimal(digits)) / 100 * (-1 if sign else 1)
    simple = exact.limit_denominator(12)
    return simple if abs(exact - simple) <= SNAP else exact


def percent_text(weight: Fraction) -> str:
    """Return a weight as GIFT percent digits: exact when it terminates, else 5 decimals."""
    percent = weight * 100
    denominator = percent.denominator
    for factor in (2, 5):
        while denominator % factor == 0:
            denominator //= factor
    with localcontext() as context:
        context.prec = 60
        value = Decimal(percent.numerator) / Decimal(percent.denominator)
        if denominator != 1:
            value = value.quantize(Decimal("0.00001"))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_number(text: str) -> Decimal | None:
    """Return text as a Decimal when it is a plain decimal number, else None."""
    return Decimal(text) if NUMBER.fullmatch(text) else None


def number_text(value: Decimal) -> str:
    """Return a Decimal in plain notation, as GIFT readers expect."""
    return format(value, "f")


#: Harbor's metadata tokens in a ``//`` comment line before a question; ``[tag:x]`` is Moodle's.
META = re.compile(r"\[(id|tags?|points|shuffle|case-sensitive):((?:\\.|[^\]\\])*)\]")
POINTS = re.compile(r"\d{1,6}(?:\.\d{1,6})?|\d{1,6}/\d{1,6}")
BOOLEANS = {"true": True, "yes": True, "false": False, "no": False}


@dataclass(frozen=True)
class Meta:
    """What a question's comment lines carry for Harbor (None: not given)."""

    id: str | None = None
    tags: tuple[str, ...] = ()
    points: Fraction | None = None
    shuffle: bool | None = None
    case_sensitive: bool | None = None


def _meta_values(value: str, *, commas: bool) -> list[str]:
    """Unescape a metadata value (``\\\\ \\] \\, \\n``), split at unescaped commas if asked."""
    values, current = [], []
    i = 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            follow = value[i + 1]
            current.append("\n" if follow == "n" else follow)
            i += 2
            continue
        if char == "," and commas:
            values.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    values.append("".join(current))
    return [v.strip(WS) for v in values]


def read_meta(comments: list[str]) -> tuple[Meta, list[str]]:
    """Return the metadata in a question's comment lines, and what was wrong with it."""
    found: dict[str, Any] = {}
    tags: list[str] = []
    problems: list[str] = []
    for match in META.finditer("\n".join(comments)):
        key, raw = match.group(1), match.group(2)
        if key in ("tag", "tags"):
            tags.extend(t for t in _meta_values(raw, commas=key == "tags") if t and t not in tags)
            continue
        value = _meta_values(raw, commas=False)[0]
        if key == "id":
            found.setdefault("id", value)
        elif key == "points":
            if POINTS.fullmatch(value) and Fraction(value) > 0:
                found["points"] = Fraction(value)
            else:
                problems.append(f"points '{value}' must be a positive number; using 1")
        elif value.lower() in BOOLEANS:
            found[key.replace("-", "_")] = BOOLEANS[value.lower()]
        else:
            problems.append(f"{key} '{value}' must be true or false; ignored")
    return Meta(tags=tuple(tags), **found), problems  # type: ignore[arg-type]


def _meta_escape(value: str, *, commas: bool = False) -> str:
    """Escape a metadata value: backslash, ``]``, newline, and commas inside tag lists."""
    value = value.replace("\\", "\\\\").replace("]", "\\]").replace("\n", "\\n")
    return value.replace(",", "\\,") if commas else value


def write_meta(
    id: str, tags: tuple[str, ...], points: Fraction, shuffle: bool, case_sensitive: bool
) -> str:
    """Return the comment line that carries what GIFT cannot: id, tags, points, switches."""
    tokens = [f"[id:{_meta_escape(id)}]"]
    if tags:
        tokens.append(f"[tags:{','.join(_meta_escape(t, commas=True) for t in tags)}]")
    if points != 1:
        tokens.append(f"[points:{points}]")
    if not shuffle:
        tokens.append("[shuffle:false]")
    if case_sensitive:
        tokens.append("[case-sensitive:true]")
    return "// " + " ".join(tokens)
