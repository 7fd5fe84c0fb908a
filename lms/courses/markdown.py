"""Render course markdown to sanitised HTML, with a table of contents and word count.

One module-level :class:`MarkdownIt` instance is shared by every call. Rendering happens
when content is synchronised, never per request, and the result is always passed through
an ``nh3`` allowlist, so nothing an author writes can reach the page as script or style.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

#: Callout container names and their default titles.
CALLOUTS: dict[str, str] = {
    "key-point": "Key point",
    "in-practice": "In practice",
    "content-note": "Content note",
}
H1_MESSAGE = "use ## for sections; the page supplies the title"
_REL = "noopener noreferrer"
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?\d+")
#: Ids the page templates put around rendered content; a heading never takes one of these.
RESERVED_IDS = frozenset({
    "main", "module-title", "objectives-heading", "toc-heading", "sources-heading",
    "finish-heading", "note-heading", "support-heading", "modules-heading", "about-heading",
    "required-heading", "optional-heading", "change-password", "pause-section-end",
    "pause-section-aside", "quizzes-heading", "history-heading", "timer", "confirm",
    "gain-heading", "items-heading", "items-caption", "due-heading", "change-heading",
    "results-heading", "code", "code-hint", "q", "requirements-heading",
    "filters-heading", "entries-heading", "entries-caption", "audit-action", "audit-subject",
    "audit-actor", "audit-from", "audit-to", "audit-action-hint", "audit-subject-hint",
    "audit-actor-hint", "credits-heading", "queue-heading", "decide-heading", "approve-until",
    "approve-until-hint", "approve-note", "reject-note", "credit-requirements-error",
    "requirements",
    "agency-heading", "certificates-caption", "certificates-heading", "county-heading",
    "courses-heading", "due-caption", "headline-heading", "learners-caption",
    "learners-heading", "lists-heading", "report-facts-heading", "requirements-caption", "year",
    "discipline-heading",
})  # fmt: skip


@dataclass(frozen=True)
class TocEntry:
    """One heading in a rendered document's table of contents."""

    id: str
    title: str
    level: int  # h2 = 2, h3 = 3


@dataclass(frozen=True)
class Rendered:
    """Sanitised HTML plus the facts the page needs about it."""

    html: str
    toc: tuple[TocEntry, ...]
    words: int


@dataclass(frozen=True)
class Issue:
    """Something in the markdown the author should fix; ``line`` is 1-based in the text."""

    line: int
    kind: str  # "container", "h1" or "image"
    message: str


def _callout_name(params: str) -> str:
    return params.strip().split(" ", 1)[0] if params.strip() else ""


def _render_callout(self: Any, tokens: Sequence[Token], idx: int, _options: Any, _env: Any) -> str:
    token = tokens[idx]
    if token.nesting == -1:
        return "</aside>\n"
    name, _, custom = token.info.strip().partition(" ")
    default = CALLOUTS[name]
    title = custom.strip() or default
    label = f"{default}: {title}" if custom.strip() else default
    return (
        f'<aside class="callout callout-{name}" aria-label="{html.escape(label)}">\n'
        f'<p class="callout-title">{html.escape(title)}</p>\n'
    )


def _render_nothing(self: Any, tokens: Sequence[Token], idx: int, _options: Any, _env: Any) -> str:
    return ""


def _render_footnote_anchor(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    if tokens[idx].meta["subId"] > 0:
        ident += ":" + str(tokens[idx].meta["subId"])
    return (
        f' <a href="#fnref{ident}" class="footnote-backref" '
        f'aria-label="Back to reference {ident}">\u21a9\ufe0e</a>'
    )


def _render_footnote_block_open(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    return (
        '<hr class="footnotes-sep">\n<section class="footnotes" aria-label="Footnotes">\n'
        '<ol class="footnotes-list">\n'
    )


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(deflist_plugin)
    for name in CALLOUTS:
        container_plugin(md, name, render=_render_callout)
    # Catch-all so that a misspelt callout is reported instead of printed as text.
    container_plugin(
        md,
        "unknown",
        validate=lambda params, *_: _callout_name(params) not in CALLOUTS,
        render=_render_nothing,
    )
    md.add_render_rule("footnote_anchor", _render_footnote_anchor)
    md.add_render_rule("footnote_block_open", _render_footnote_block_open)
    return md


_MD = _build()

_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "code", "pre",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "aside", "section",
    "sup", "hr", "br", "del", "dl", "dt", "dd",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title", "id", "aria-label"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "li": {"id"},
    "ol": {"start"},
    "aside": {"aria-label"},
    "section": {"aria-label"},
}
_ALIGN = {"align-left", "align-center", "align-right"}
_CLASSES = {
    "aside": {"callout", *(f"callout-{name}" for name in CALLOUTS)},
    "p": {"callout-title"},
    "th": _ALIGN,
    "td": _ALIGN,
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
    "hr": {"footnotes-sep"},
}


def sanitise(fragment: str) -> str:
    """Clean an HTML fragment with the course-content allowlist."""
    return nh3.clean(
        fragment,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        tag_attribute_values={"a": {"rel": {_REL}}},
        link_rel=None,
        url_schemes={"http", "https", "mailto", "tel"},
    )


def slugify(text: str) -> str:
    """Turn heading text into an ASCII, lowercase, hyphenated id ("section" if empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "section"


def _inline_text(token: Token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _unique(slug: str, used: set[str]) -> str:
    if _FOOTNOTE_ID.fullmatch(slug):
        slug = f"section-{slug}"
    candidate, n = slug, 1
    while candidate in used:
        n += 1
        candidate = f"{slug}-{n}"
    used.add(candidate)
    return candidate


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 1


def _process(tokens: list[Token]) -> tuple[list[TocEntry], list[str], list[Issue]]:
    """Adjust tokens in place; return the toc, the text pieces and any issues."""
    toc: list[TocEntry] = []
    text: list[str] = []
    issues: list[Issue] = []
    used: set[str] = set(RESERVED_IDS)
    block_line = 1
    for idx, token in enumerate(tokens):
        if token.map:
            block_line = _line(token)
        if token.type == "heading_open":
            level = int(token.tag[1])
            if level == 1:
                issues.append(Issue(_line(token), "h1", H1_MESSAGE))
            level = min(max(level, 2), 4)
            token.tag = tokens[idx + 2].tag = f"h{level}"
            title = _inline_text(tokens[idx + 1]).strip()
            ident = _unique(slugify(title), used)
            token.attrSet("id", ident)
            if level <= 3:
                toc.append(TocEntry(ident, title, level))
        elif token.type in ("th_open", "td_open"):
            style = str(token.attrs.pop("style", ""))
            if style.startswith("text-align:"):
                token.attrSet("class", "align-" + style.removeprefix("text-align:"))
        elif token.type == "container_unknown_open":
            name = _callout_name(token.info)
            known = ", ".join(f"'::: {n}'" for n in CALLOUTS)
            what = f"unknown callout '{name}'" if name else "':::' without a callout name"
            issues.append(Issue(_line(token), "container", f"{what}; use one of {known}"))
        elif token.type in ("fence", "code_block"):
            text.append(token.content)
        elif token.type == "inline":
            text.append(_inline_text(token))
            line = block_line
            for child in token.children or ():
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                elif child.type == "image":
                    msg = "images are not supported; describe the picture in words"
                    issues.append(Issue(line, "image", msg))
                elif child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    if href.startswith(("http://", "https://")):
                        child.attrSet("rel", _REL)
                elif child.type in ("s_open", "s_close"):
                    child.tag = "del"
    return toc, text, issues


def render_checked(text: str) -> tuple[Rendered, tuple[Issue, ...]]:
    """Render markdown and also return the issues an author should fix, in line order."""
    env: dict[str, Any] = {}
    tokens = _MD.parse(text, env)
    toc, pieces, issues = _process(tokens)
    raw = _MD.renderer.render(tokens, _MD.options, env)
    words = len(" ".join(pieces).split())
    ordered = tuple(sorted(issues, key=lambda issue: issue.line))
    return Rendered(html=sanitise(raw), toc=tuple(toc), words=words), ordered


def render_markdown(text: str) -> Rendered:
    """Render markdown to sanitised HTML with a table of contents and word count."""
    return render_checked(text)[0]


def render_inline(text: str) -> str:
    """Render one line of markdown (emphasis, code, links) to sanitised HTML, without a <p>."""
    return sanitise(_MD.renderInline(text))


def unknown_containers(text: str) -> list[tuple[int, str]]:
    """List ``(line, message)`` for every unknown or unnamed ``:::`` callout."""
    return [(i.line, i.message) for i in render_checked(text)[1] if i.kind == "container"]
