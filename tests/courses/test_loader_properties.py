"""Property-based tests for the pure content helpers (front matter, variables, rendering)."""

from __future__ import annotations

from html.parser import HTMLParser

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.courses.loader import parse_front_matter, substitute
from lms.courses.markdown import render_markdown
from lms.courses.spec import Problem

FAST = settings(
    max_examples=100,
    deadline=None,
    database=None,  # keep the work tree free of .hypothesis/
    suppress_health_check=[HealthCheck.too_slow],
)

# Characters that matter to YAML and markdown, to reach the interesting parsers quickly.
YAML_ALPHABET = st.sampled_from(list("-:[]{}&*!|>'\"#%@`,?~\\ \n\ta1.") + ["---", "\n---\n"])
MARKDOWN_PIECES = st.sampled_from(
    [
        "\n", "\n\n", " ", "#", "## ", "*", "_", "`", "```", "~~", "|", "---", "- ", "1. ",
        "> ", "[", "]", "(", ")", "!", "<", ">", ":::", "::: key-point", "::: in-practice x",
        "[^1]", "[^1]: ", "^[", "\\", "&", "&#106;", "\"", "'", "=", "<script>", "</script>",
        "javascript:", "JaVaScRiPt:", "vbscript:", "data:", " onerror=", " onclick=",
        "<img src=x", "alert(1)", "http://x.example", "word", ": ", "\t", "    ",
    ]
)  # fmt: skip
markdown_text = st.one_of(st.text(), st.lists(MARKDOWN_PIECES, max_size=40).map("".join))
yaml_text = st.lists(YAML_ALPHABET, max_size=60).map("".join)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@FAST
@given(st.one_of(st.text(), yaml_text, st.builds("---\n{}\n---\n{}".format, yaml_text, st.text())))
def test_parse_front_matter_never_raises(text: str) -> None:
    data, body, body_line, problems = parse_front_matter(text, "f.md")
    assert isinstance(data, dict)
    assert isinstance(body, str)
    assert body_line >= 1
    assert all(isinstance(p, Problem) and p.path == "f.md" and p.line >= 1 for p in problems)
    if problems and not data:
        assert body in ("", text) or text.endswith(body)


keys = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
values = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)


@FAST
@given(st.dictionaries(keys, values, max_size=8), st.text())
def test_front_matter_round_trip(data: dict[str, str], body: str) -> None:
    text = "---\n" + yaml.safe_dump(data) + "---\n" + body
    parsed, parsed_body, body_line, problems = parse_front_matter(text, "f.md")
    assert problems == []
    assert parsed == data
    assert parsed_body == body
    assert text.split("\n")[body_line - 2] == "---"


variable_names = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)
variables = st.dictionaries(variable_names, st.text(max_size=20), max_size=5)


@FAST
@given(st.text().filter(lambda t: "{{" not in t), variables)
def test_text_without_braces_is_unchanged(text: str, names: dict[str, str]) -> None:
    assert substitute(text, names) == (text, [])


@FAST
@given(
    st.lists(st.one_of(st.text().filter(lambda t: "{" not in t and "\\" not in t), variable_names)),
    variables,
)
def test_defined_variables_are_replaced(parts: list[str], names: dict[str, str]) -> None:
    template = "".join(f"{{{{ {p} }}}}" if p in names else p for p in parts)
    expected = "".join(names.get(p, p) for p in parts)
    assert substitute(template, names) == (expected, [])


@FAST
@given(markdown_text)
def test_render_markdown_is_always_safe(text: str) -> None:
    rendered = render_markdown(text)
    assert "<script" not in rendered.html.lower()
    parser = _Tags()
    parser.feed(rendered.html)
    parser.close()
    for tag, attrs in parser.found:
        assert tag not in {"script", "style", "img", "iframe", "object", "svg"}
        for name, value in attrs:
            assert not name.lower().startswith("on"), (tag, name)
            assert name != "style"
            squashed = "".join((value or "").split()).lower()
            assert not squashed.startswith(("javascript:", "vbscript:", "data:")), value
    ids = [t.id for t in rendered.toc]
    assert len(ids) == len(set(ids))
    assert rendered.words >= 0
