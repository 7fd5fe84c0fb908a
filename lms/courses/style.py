"""The language linter (pure): stigmatising or victim-blaming terms and the words to use instead.

The term list is content (``content/style/terms.yml``) so a state can extend it. A statute or
data series that uses an old term can be quoted between ``[[quote]]`` and ``[[/quote]]``: the
linter skips the span and the markers are removed before the text is shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lms.courses.frontmatter import Fields, LineMap
from lms.courses.spec import Problem

QUOTE_OPEN, QUOTE_CLOSE = "[[quote]]", "[[/quote]]"
_QUOTED = re.compile(re.escape(QUOTE_OPEN) + r".*?" + re.escape(QUOTE_CLOSE), re.S)
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Term:
    avoid: str
    use: str
    why: str
    case_sensitive: bool
    pattern: re.Pattern[str]


def term(avoid: str, use: str, why: str = "", case_sensitive: bool = False) -> Term:
    """Build a term matched as a whole word or phrase (any run of spaces between words)."""
    words = r"\s+".join(re.escape(w) for w in avoid.split())
    flags = 0 if case_sensitive else re.IGNORECASE
    return Term(avoid, use, why, case_sensitive, re.compile(rf"(?<![\w-]){words}(?![\w-])", flags))


def read_terms(data: Any, lines: LineMap, rel: str, problems: list[Problem]) -> tuple[Term, ...]:
    """Read ``terms.yml``: a list of ``{avoid, use, why, case_sensitive}``."""
    root = Fields({}, lines, rel, problems)
    terms = []
    for item in root.each([] if data is None else data, (), "terms", "terms"):
        item.unknown(("avoid", "use", "why", "case_sensitive"))
        avoid, use = item.text("avoid"), item.text("use")
        why = item.text("why", required=False) or ""
        sensitive = item.data.get("case_sensitive", False)
        if not isinstance(sensitive, bool):
            item.problem("case_sensitive", "'case_sensitive' must be true or false")
            sensitive = False
        if avoid and use:
            terms.append(term(avoid, use, why, sensitive))
    return tuple(terms)


def _blank(match: re.Match[str]) -> str:
    """Keep line numbers: replace a skipped span by its newlines only."""
    return "\n" * match.group(0).count("\n")


def lint(text: str, terms: Sequence[Term]) -> list[tuple[int, str]]:
    """Return ``(line, message)`` for every avoided term outside quotes and links."""
    if not terms:
        return []
    visible = _URL.sub(" ", _QUOTED.sub(_blank, text))
    found = []
    for number, line in enumerate(visible.split("\n"), start=1):
        for t in terms:
            for match in t.pattern.finditer(line):
                found.append((number, f'use "{t.use}" instead of "{match.group(0)}"'))
    return found


def strip_quote_markers(text: str) -> str:
    """Remove the quote markers, keeping what they enclose."""
    return text.replace(QUOTE_OPEN, "").replace(QUOTE_CLOSE, "")
