"""Tests for lms.courses.markdown: rendering, ids, callouts, sanitising and word counts."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lms.courses.markdown import (
    CALLOUTS,
    H1_MESSAGE,
    RESERVED_IDS,
    TocEntry,
    render_checked,
    render_markdown,
    sanitise,
    slugify,
    unknown_containers,
)

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:", "#", "/")


class _Collector(HTMLParser):
    """Collect every start tag and its attributes from an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def parse_tags(html: str) -> list[tuple[str, dict[str, str]]]:
    """Return (tag, attributes) for every start tag in ``html``."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def assert_safe(html: str) -> None:
    """Fail if ``html`` could run script: script/style tags, on* handlers, bad URLs."""
    assert "<script" not in html.lower()
    for tag, attrs in parse_tags(html):
        assert tag not in {"script", "style", "iframe", "img", "object", "embed", "svg"}
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name != "style", tag
            if name in {"href", "src"}:
                squashed = "".join(value.split()).lower()
                assert squashed.startswith(SAFE_SCHEMES) or ":" not in squashed, value


def test_table_alignment_uses_classes_not_style() -> None:
    html = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n").html
    cells = [(tag, attrs) for tag, attrs in parse_tags(html) if tag in {"th", "td"}]
    assert [attrs.get("class") for _, attrs in cells] == [
        "align-left",
        "align-center",
        "align-right",
    ] * 2
    assert "style" not in html
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html


def test_strikethrough_renders_as_del() -> None:
    assert render_markdown("~~gone~~").html == "<p><del>gone</del></p>\n"


def test_footnotes_link_both_ways() -> None:
    html = render_markdown("Claim.[^a]\n\n[^a]: Evidence.\n").html
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>' in html
    assert '<section class="footnotes" aria-label="Footnotes">' in html
    assert '<li id="fn1" class="footnote-item">' in html
    assert '<a href="#fnref1" class="footnote-backref"' in html
    assert "Evidence." in html


@pytest.mark.parametrize(
    ("source", "kind", "title", "label"),
    [
        ("::: key-point\nBody\n:::\n", "key-point", "Key point", "Key point"),
        ("::: in-practice\nBody\n:::\n", "in-practice", "In practice", "In practice"),
        ("::: content-note\nBody\n:::\n", "content-note", "Content note", "Content note"),
        (
            "::: in-practice At the scene\nBody\n:::\n",
            "in-practice",
            "At the scene",
            "In practice: At the scene",
        ),
        ("::::key-point\nBody\n::::\n", "key-point", "Key point", "Key point"),
    ],
)
def test_callouts(source: str, kind: str, title: str, label: str) -> None:
    html = render_markdown(source).html
    assert html == (
        f'<aside class="callout callout-{kind}" aria-label="{label}">\n'
        f'<p class="callout-title">{title}</p>\n<p>Body</p>\n</aside>\n'
    )


def test_every_callout_kind_is_covered() -> None:
    assert set(CALLOUTS) == {"key-point", "in-practice", "content-note"}


def test_callout_title_is_escaped() -> None:
    html = render_markdown('::: key-point <b onclick="x">Hi</b>\nBody\n:::\n').html
    assert "<b" not in html
    assert "&lt;b onclick=" in html
    assert_safe(html)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("::: warning\nx\n:::\n", [(1, "unknown callout 'warning'")]),
        ("Text\n\n::: key-points\nx\n:::\n", [(3, "unknown callout 'key-points'")]),
        ("::: key-point\nfine\n:::\n\n:::\n", [(5, "':::' without a callout name")]),
        ("```\n::: warning\n```\n", []),
        ("- item\n\n  ::: nope\n  x\n  :::\n", [(3, "unknown callout 'nope'")]),
    ],
)
def test_unknown_containers(source: str, expected: list[tuple[int, str]]) -> None:
    found = unknown_containers(source)
    assert [line for line, _ in found] == [line for line, _ in expected]
    for (_, message), (_, fragment) in zip(found, expected, strict=True):
        assert fragment in message


def test_unknown_container_content_is_still_rendered() -> None:
    assert render_markdown("::: warning\nKeep me\n:::\n").html == "<p>Keep me</p>\n"


def test_heading_ids_are_unique_and_stable() -> None:
    rendered = render_markdown("## A\n\n## A\n\n### a-2\n\n## Ça va?\n\n## !!!\n\n## fn1\n")
    ids = [attrs["id"] for tag, attrs in parse_tags(rendered.html) if tag in {"h2", "h3"}]
    assert ids == ["a", "a-2", "a-2-2", "ca-va", "section", "section-fn1"]
    assert len(set(ids)) == len(ids)
    assert render_markdown("## A\n\n## A\n").html == render_markdown("## A\n\n## A\n").html


def test_heading_ids_never_clash_with_page_template_ids() -> None:
    rendered = render_markdown("## Main\n\n## Main 2\n\n### TOC heading\n\n## Sources heading\n")
    ids = [entry.id for entry in rendered.toc]
    assert ids == ["main-2", "main-2-2", "toc-heading-2", "sources-heading-2"]
    for reserved in RESERVED_IDS:
        html = render_markdown(f"## {reserved}\n").html
        assert f'id="{reserved}"' not in html
        assert f'<h2 id="{reserved}-2">' in html


def test_reserved_ids_cover_every_fixed_id_in_the_templates() -> None:
    templates = Path(__file__).resolve().parents[2] / "lms" / "templates"
    fixed = set()
    for path in templates.rglob("*.html"):
        fixed.update(re.findall(r'\bid="([^"{]+)"', path.read_text(encoding="utf-8")))
    assert fixed
    assert fixed <= RESERVED_IDS


def test_toc_lists_h2_and_h3_with_plain_text_titles() -> None:
    rendered = render_markdown("## The *law* and `code`\n\n### Detail\n\n#### Too deep\n\nText\n")
    assert rendered.toc == (
        TocEntry(id="the-law-and-code", title="The law and code", level=2),
        TocEntry(id="detail", title="Detail", level=3),
    )
    assert '<h4 id="too-deep">Too deep</h4>' in rendered.html


def test_h1_is_demoted_and_reported() -> None:
    rendered, issues = render_checked("Intro\n\n# Title\n\nText\n")
    assert '<h2 id="title">Title</h2>' in rendered.html
    assert "<h1" not in rendered.html
    assert [(i.line, i.kind, i.message) for i in issues] == [(3, "h1", H1_MESSAGE)]


def test_deep_headings_are_clamped_to_h4() -> None:
    html = render_markdown("###### Small\n").html
    assert html == '<h4 id="small">Small</h4>\n'


def test_images_are_reported_and_dropped() -> None:
    rendered, issues = render_checked("Line one\nline two ![alt](x.png)\n")
    assert "<img" not in rendered.html
    assert [(i.line, i.kind) for i in issues] == [(2, "image")]


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ('<div onclick="alert(1)">x</div>', "<div"),
        ("[x](javascript:alert(1))", 'href="javascript'),
        ("[x](JaVaScRiPt:alert(1))", 'href="javascript'),
        ("[x](vbscript:msgbox(1))", 'href="vbscript'),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data'),
        ("<javascript:alert(1)>", 'href="javascript'),
        ("[x]: javascript:alert(1)\n\n[x]", 'href="javascript'),
        ('[x](https://a.example "t\\" onmouseover=\\"alert(1)")', ' onmouseover="'),
        ("![x](javascript:alert(1))", "<img"),
        ("<style>p{color:red}</style>", "<style"),
        ("<!-- comment -->", "<!--"),
        ("<a href='javascript:alert(1)'>x</a>", "<a href='javascript"),
    ],
)
def test_xss_attempts_are_neutralised(source: str, forbidden: str) -> None:
    html = render_markdown(source).html
    assert forbidden.lower() not in html.lower()
    assert_safe(html)


def test_raw_html_is_shown_as_text() -> None:
    html = render_markdown("<b>bold</b>").html
    assert html == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


@pytest.mark.parametrize(
    ("source", "rel"),
    [
        ("[x](https://example.org)", "noopener noreferrer"),
        ("[x](http://example.org)", "noopener noreferrer"),
        ("<https://example.org>", "noopener noreferrer"),
        ("[x](#section)", None),
        ("[x](/courses/foundations)", None),
        ("[x](mailto:a@example.org)", None),
    ],
)
def test_external_links_get_rel(source: str, rel: str | None) -> None:
    links = [attrs for tag, attrs in parse_tags(render_markdown(source).html) if tag == "a"]
    assert len(links) == 1
    assert links[0].get("rel") == rel


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ('<p style="color:red" class="lead">x</p>', '<p class="">x</p>'),
        (
            '<table><tr><td style="text-align:left" class="align-left x">1</td></tr></table>',
            '<table><tbody><tr><td class="align-left">1</td></tr></tbody></table>',
        ),
        ('<aside class="callout evil" onclick="x">y</aside>', '<aside class="callout">y</aside>'),
        ('<a href="ftp://x.example">x</a>', "<a>x</a>"),
        ('<a href="x" rel="nofollow">x</a>', '<a href="x">x</a>'),
        ("<script>alert(1)</script>ok", "ok"),
        ("<h1 id='x'>T</h1>", "T"),
    ],
)
def test_sanitise_allowlist(dirty: str, clean: str) -> None:
    assert sanitise(dirty) == clean


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("", 0),
        ("One two three.", 3),
        ("**Bo**ld and *it*alic", 3),
        ("## Heading here\n\n- one\n- two\n", 4),
        ("Para one.\n\nPara two.", 4),
        ("```\ncode counts too\n```\n", 3),
        ("Fact.[^1]\n\n[^1]: Source words.\n", 3),
        ("| a b | c |\n|---|---|\n| d | e f |\n", 6),
        ("line\nbreak", 2),
    ],
)
def test_word_count(source: str, words: int) -> None:
    assert render_markdown(source).words == words


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hello, World!", "hello-world"),
        ("  ", "section"),
        ("Über café", "uber-cafe"),
        ("a--b", "a-b"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_golden_document() -> None:
    """Compare one representative document with its reviewed HTML.

    To regenerate on purpose: HARBOR_UPDATE_GOLDEN=1 pytest tests/courses/test_markdown.py,
    then review the diff of the .html file before committing it.
    """
    for source in sorted(GOLDEN.glob("*.md")):
        expected_path = source.with_suffix(".html")
        rendered = render_markdown(source.read_text(encoding="utf-8"))
        if os.environ.get("HARBOR_UPDATE_GOLDEN") == "1":
            expected_path.write_text(rendered.html, encoding="utf-8")
            continue
        assert rendered.html == expected_path.read_text(encoding="utf-8"), source.name
        assert_safe(rendered.html)
    assert list(GOLDEN.glob("*.md")), "no golden documents found"


def test_golden_toc_and_words() -> None:
    rendered = render_markdown((GOLDEN / "representative.md").read_text(encoding="utf-8"))
    assert [(t.id, t.level) for t in rendered.toc] == [
        ("before-you-arrive", 2),
        ("at-the-scene", 2),
        ("at-the-scene-2", 3),
    ]
    assert rendered.words == 116
