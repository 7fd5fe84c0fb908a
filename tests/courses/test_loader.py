"""Tests for lms.courses.loader against fixture trees and small temporary trees."""

from __future__ import annotations

import os
import pickle
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from lms.courses.loader import check_tree, load_tree, parse_front_matter, substitute
from lms.courses.spec import ContentError, ContentTree, FrozenMap, Problem

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"

# (file relative to the broken tree, line, a substring of the message)
EXPECTED_BROKEN = [
    ("site.yml", 3, "variable name '1bad'"),
    ("site.yml", 4, "variable 'year' must be one line of text"),
    ("site.yml", 5, "unknown key 'colour'"),
    ("site.yml", 9, "'support[0].url' must be an http:// or https:// URL"),
    ("site.yml", 10, "missing required key 'support[1].contact'"),
    ("disciplines.yml", 3, "'disciplines[1].slug' must be lowercase"),
    ("disciplines.yml", 5, "discipline 'police' is listed twice"),
    ("alpha/course.md", 3, "'title' must be non-empty text"),
    ("alpha/course.md", 5, "unknown discipline 'nurses'"),
    ("alpha/course.md", 6, "'hours' must be a number greater than 0"),
    ("alpha/course.md", 7, "'version' must be non-empty text; put it in quotes"),
    ("alpha/course.md", 9, "unknown key 'colour'"),
    ("alpha/course.md", 11, "undefined variable 'nope'"),
    ("alpha/course.md", 13, "unknown callout 'warning'"),
    ("alpha/01-one.md", 3, "'objectives' must be a list of one or more items"),
    ("alpha/01-one.md", 4, "'minutes' must be a whole number greater than 0"),
    ("alpha/01-one.md", 5, "undefined variable 'stat_name' (did you mean 'state_name'?)"),
    ("alpha/01-one.md", 8, "'sources[0].url' must be an http:// or https:// URL"),
    ("alpha/01-one.md", 11, "unknown key 'sources[1].year'"),
    ("alpha/01-one.md", 13, "use ## for sections; the page supplies the title"),
    ("alpha/01-one.md", 15, "undefined variable 'stat_name'"),
    ("alpha/002-twice.md", 1, "missing front matter"),
    ("alpha/02-two.md", 1, "position 2 is already used by 002-twice.md"),
    ("alpha/3-bad-name.md", 1, "module files are named NN-slug.md"),
    ("beta/course.md", 4, "invalid YAML"),
    ("gamma/course.md", 1, "course has no modules"),
    ("gamma/course.md", 2, "course slug 'alpha' is already used by"),
    ("delta/course.md", 1, "missing course.md"),
    ("zeta/01-latin1.md", 1, "not UTF-8"),
    ("zeta/02-Bad_Slug.md", 1, "module slug 'Bad_Slug'"),
    ("zeta/03-dupkey.md", 3, "duplicate key 'title'"),
    ("zeta/03-dupkey.md", 9, "images are not supported"),
    ("zeta/03-dupkey.md", 11, "':::' without a callout name"),
    ("zeta/04-open.md", 1, "front matter is not closed"),
    ("zeta/05-empty.md", 5, "module has no content"),
]


def _rel(problem: Problem, root: Path) -> str:
    return Path(problem.path).relative_to(root).as_posix()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the valid fixture tree."""
    return Path(shutil.copytree(VALID, tmp_path / "content"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _hashes(tree: ContentTree) -> dict[str, str]:
    found = {"tree": tree.content_hash}
    for course in tree.courses:
        found[course.slug] = course.content_hash
        found.update({f"{course.slug}/{m.slug}": m.content_hash for m in course.modules})
    return found


# --- the valid tree ------------------------------------------------------------------------


def test_valid_tree_has_no_problems() -> None:
    assert check_tree(VALID) == []


def test_valid_tree_loads() -> None:
    tree = load_tree(VALID)
    assert tree.site.variables["state_name"] == "Example State"
    assert isinstance(tree.site.variables, FrozenMap)
    assert [s.name for s in tree.site.support] == [
        "988 Suicide & Crisis Lifeline",
        "Employee Assistance Programme",
    ]
    assert tree.site.support[0].url == "https://988lifeline.org/"
    assert tree.site.support[1].url is None
    assert [d.slug for d in tree.disciplines] == ["law-enforcement", "child-welfare"]

    (course,) = tree.courses
    assert course.slug == "first-contact"
    assert course.title == "First contact"
    assert course.disciplines == ("law-enforcement", "child-welfare")
    assert course.hours == Decimal("1.5")
    assert course.version == "2026.1"
    assert course.validity_months == 24
    assert course.path == os.path.join(str(VALID), "first-contact")
    assert "Example State" in course.overview_html
    assert '<h2 id="how-it-works">' in course.overview_html
    assert [(m.position, m.slug) for m in course.modules] == [
        (1, "before-you-begin"),
        (2, "what-you-may-see"),
    ]
    assert tree.course("first-contact") is course
    assert tree.course("nope") is None


def test_valid_modules_are_rendered() -> None:
    first, second = load_tree(VALID).courses[0].modules
    assert first.title == "Before you begin"
    assert first.objectives == ("Say why the words we use matter", "Find support for yourself")
    assert first.minutes == 10
    assert first.content_note is None
    assert first.sources == ()
    assert "provided in Example State." in first.html
    assert "{{ not_a_variable }}" in first.html  # \{{ escapes
    assert "call 1-800-555-0100." in first.html  # {{hotline}} without spaces
    assert 'class="callout callout-key-point"' in first.html
    assert 'class="footnote-ref"' in first.html
    assert [t.id for t in first.toc] == ["looking-after-yourself"]
    assert first.words > 20
    assert first.path == os.path.join(str(VALID), "first-contact", "01-before-you-begin.md")

    assert second.content_note == (
        "This module describes the ways adults exploit young people in Example State."
    )
    assert [(s.title, s.url) for s in second.sources] == [
        ("National Human Trafficking Hotline", "https://humantraffickinghotline.org/")
    ]
    assert [(t.id, t.level) for t in second.toc] == [("indicators", 2), ("indicators-2", 3)]
    assert 'aria-label="In practice: At the scene"' in second.html


def test_tree_is_frozen_and_hashable() -> None:
    tree = load_tree(VALID)
    assert hash(tree) == hash(load_tree(VALID))
    with pytest.raises(AttributeError):
        tree.courses[0].title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        tree.site.variables["state_name"] = "x"  # type: ignore[index]


def test_ignored_directories_and_files(content: Path) -> None:
    # The fixture already holds style/, .drafts/, notes/ and README.md; more junk is fine too.
    (content / "first-contact" / "quiz.md").write_text("not checked yet", encoding="utf-8")
    (content / "first-contact" / "notes.txt").write_text("x", encoding="utf-8")
    assert check_tree(content) == []


# --- the broken tree -----------------------------------------------------------------------


def test_broken_tree_reports_every_problem_with_file_and_line() -> None:
    problems = check_tree(BROKEN)
    found = {(_rel(p, BROKEN), p.line) for p in problems}
    expected = {(path, line) for path, line, _ in EXPECTED_BROKEN}
    assert found == expected
    for path, line, fragment in EXPECTED_BROKEN:
        messages = [p.message for p in problems if (_rel(p, BROKEN), p.line) == (path, line)]
        assert any(fragment in m for m in messages), (path, line, fragment, messages)


def test_broken_tree_does_not_pile_up_noise() -> None:
    messages = [str(p) for p in check_tree(BROKEN)]
    # No "missing key" noise for files whose front matter could not be read at all.
    for name in ("beta/course.md", "alpha/002-twice.md", "zeta/04-open.md"):
        assert not [m for m in messages if name in m and "missing required key" in m]
    # An h1 in a course overview is demoted silently; ignored directories stay ignored.
    assert not [m for m in messages if "zeta/course.md" in m]
    assert not [m for m in messages if "/style/" in m or "/.hidden/" in m or "epsilon" in m]


def test_load_tree_raises_with_the_same_problems() -> None:
    with pytest.raises(ContentError) as caught:
        load_tree(BROKEN)
    assert list(caught.value.problems) == check_tree(BROKEN)
    assert str(caught.value).splitlines() == [str(p) for p in check_tree(BROKEN)]


def test_problems_are_sorted_and_unique() -> None:
    problems = check_tree(BROKEN)
    assert problems == sorted(problems)
    assert len(problems) == len(set(problems))
    assert check_tree(BROKEN) == problems  # deterministic between runs


def test_problem_formatting_and_order() -> None:
    a = Problem("content/a.md", 12, "undefined variable 'x'")
    b = Problem("content/a.md", 3, "z")
    assert str(a) == "content/a.md:12: undefined variable 'x'"
    assert sorted([a, b]) == [b, a]
    error = ContentError([a, b])
    assert error.problems == (b, a)
    assert str(error) == "content/a.md:3: z\ncontent/a.md:12: undefined variable 'x'"
    assert pickle.loads(pickle.dumps(error)).problems == error.problems


def test_paths_keep_the_form_the_caller_passed(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _edit(content / "first-contact" / "01-before-you-begin.md", "{{hotline}}", "{{ hotlin }}")
    monkeypatch.chdir(content.parent)
    (problem,) = check_tree(Path("content"))
    assert str(problem) == (
        "content/first-contact/01-before-you-begin.md:16: "
        "undefined variable 'hotlin' (did you mean 'hotline'?)"
    )


@pytest.mark.parametrize(
    ("remove", "path", "fragment"),
    [
        ("site.yml", "site.yml", "missing site.yml"),
        ("disciplines.yml", "disciplines.yml", "missing disciplines.yml"),
        ("first-contact/course.md", "first-contact/course.md", "missing course.md"),
    ],
)
def test_missing_files(content: Path, remove: str, path: str, fragment: str) -> None:
    (content / remove).unlink()
    problems = check_tree(content)
    assert [(_rel(p, content), p.line) for p in problems] == [(path, 1)]
    assert fragment in problems[0].message


def test_missing_root(tmp_path: Path) -> None:
    problems = check_tree(tmp_path / "nowhere")
    assert [p.message for p in problems] == ["content directory not found"]


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "fragment"),
    [
        ("course.md", "hours: 1.5", "hours: true", 8, "'hours' must be a number"),
        ("course.md", "hours: 1.5", "hours: .nan", 8, "'hours' must be a number"),
        ("course.md", "validity_months: 24", "validity_months: 1.5", 10, "whole number"),
        ("course.md", "slug: first-contact", "slug: First Contact", 2, "lowercase"),
        ("course.md", "title: First contact\n", "", 1, "missing required key 'title'"),
        ("course.md", "summary: How", "summary:\n  - How", 4, "'summary' must be non-empty"),
        ("course.md", "  - child-welfare", "  - child-welfare\n  - law-enforcement", 8, "twice"),
        ("course.md", "  - child-welfare", "  - child-welfar", 7, "did you mean 'child-welfare'"),
        ("course.md", "---\nThis", "colour: red\n---\nThis", 11, "unknown key 'colour'"),
        ("01-before-you-begin.md", "minutes: 10", "minutes: ten", 6, "whole number"),
        ("01-before-you-begin.md", "title: Before you begin\n", "title:\n", 2, "has no value"),
        ("01-before-you-begin.md", "  - Find support for yourself", "  - 42", 5, "objectives[1]"),
        ("02-what-you-may-see.md", "\n## Indicators", "\n# Indicators", 11, "use ##"),
        ("02-what-you-may-see.md", "url: https://h", "url: http://h w", 9, "'sources[0].url'"),
        (
            "02-what-you-may-see.md",
            "title: National Human Trafficking Hotline\n    url: ",
            "",
            8,
            "'sources[0]' must be a set of 'key: value' lines",
        ),
        ("02-what-you-may-see.md", "::: in-practice", "::: in_practice", 17, "unknown callout"),
        ("02-what-you-may-see.md", "{{ state_name }}.", "{{ state name }}.", 6, "'{{' must"),
    ],
)
def test_single_mistakes_are_located(
    content: Path, file: str, old: str, new: str, line: int, fragment: str
) -> None:
    _edit(content / "first-contact" / file, old, new)
    problems = check_tree(content)
    assert [(Path(p.path).name, p.line) for p in problems] == [(file, line)], problems
    assert fragment in problems[0].message


def test_windows_line_endings_and_bom_are_accepted(content: Path) -> None:
    path = content / "first-contact" / "01-before-you-begin.md"
    raw = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + raw.encode("utf-8"))
    assert check_tree(content) == []
    assert _hashes(load_tree(content)) == _hashes(load_tree(VALID))


def test_broken_site_yml_does_not_flood_undefined_variables(content: Path) -> None:
    (content / "site.yml").write_text("variables: [oops\n", encoding="utf-8")
    problems = check_tree(content)
    assert [(Path(p.path).name, p.line) for p in problems] == [("site.yml", 2)]
    assert "invalid YAML" in problems[0].message


# --- hashes and ordering -------------------------------------------------------------------


def test_hashes_are_stable_and_independent_of_location(content: Path) -> None:
    original = _hashes(load_tree(VALID))
    assert _hashes(load_tree(VALID)) == original
    assert _hashes(load_tree(content)) == original
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in original.values())


def test_editing_a_module_body_changes_only_its_hashes(content: Path) -> None:
    before = _hashes(load_tree(content))
    _edit(content / "first-contact" / "02-what-you-may-see.md", "Ask open", "Ask gentle")
    after = _hashes(load_tree(content))
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"tree", "first-contact", "first-contact/what-you-may-see"}


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        # state_name is used by the overview, module 1's body and module 2's content note.
        (
            "state_name: Example State",
            "state_name: Other State",
            {"tree", "first-contact", "first-contact/before-you-begin",
             "first-contact/what-you-may-see"},
        ),
        ('hotline: "1-800-555-0100"', 'hotline: "1-800-555-0199"',
         {"tree", "first-contact", "first-contact/before-you-begin"}),
        ("unused_name: Not used", "unused_name: Still not used", {"tree"}),
        ("contact: Call or text 988", "contact: Text 988", {"tree"}),
    ],
)  # fmt: skip
def test_site_changes_affect_exactly_the_hashes_that_use_them(
    content: Path, old: str, new: str, changed: set[str]
) -> None:
    before = _hashes(load_tree(content))
    _edit(content / "site.yml", old, new)
    after = _hashes(load_tree(content))
    assert {key for key in before if before[key] != after[key]} == changed


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("01-before-you-begin.md", "minutes: 10", "minutes: 11"),
        ("01-before-you-begin.md", "  - Find support", "  - Find help"),
        ("01-before-you-begin.md", "title: Before you begin", "title: Before you start"),
        ("02-what-you-may-see.md", "content_note: This", "content_note: Now this"),
        (
            "02-what-you-may-see.md",
            "url: https://humantraffickinghotline.org/",
            "url: https://x.org/",
        ),
    ],
)
def test_learner_visible_module_fields_change_the_module_hash(
    content: Path, file: str, old: str, new: str
) -> None:
    slug = file[3:-3]
    before = _hashes(load_tree(content))
    _edit(content / "first-contact" / file, old, new)
    assert _hashes(load_tree(content))[f"first-contact/{slug}"] != before[f"first-contact/{slug}"]


def test_course_fields_change_the_course_hash_not_the_modules(content: Path) -> None:
    before = _hashes(load_tree(content))
    _edit(content / "first-contact" / "course.md", 'version: "2026.1"', 'version: "2026.2"')
    after = _hashes(load_tree(content))
    assert {key for key in before if before[key] != after[key]} == {"tree", "first-contact"}


def test_hours_hash_ignores_trailing_zeros(content: Path) -> None:
    before = _hashes(load_tree(content))
    _edit(content / "first-contact" / "course.md", "hours: 1.5", "hours: 1.50")
    assert _hashes(load_tree(content)) == before


def _write_course(directory: Path, slug: str, modules: list[str]) -> None:
    directory.mkdir()
    (directory / "course.md").write_text(
        f"---\nslug: {slug}\ntitle: T\nsummary: S\nhours: 1\nversion: '1'\n"
        "validity_months: 12\n---\nOverview.\n",
        encoding="utf-8",
    )
    for name in modules:
        (directory / name).write_text(
            "---\ntitle: M\nobjectives: [Learn]\nminutes: 5\n---\nBody.\n", encoding="utf-8"
        )


def test_courses_sort_by_slug_and_modules_by_position(content: Path) -> None:
    _write_course(content / "a-dir", "zulu", ["010-ten.md", "02-two.md", "1000-last.md"])
    _write_course(content / "b-dir", "alpha", ["01-only.md"])
    tree = load_tree(content)
    assert [c.slug for c in tree.courses] == ["alpha", "first-contact", "zulu"]
    zulu = tree.course("zulu")
    assert zulu is not None
    assert [(m.position, m.slug) for m in zulu.modules] == [(2, "two"), (10, "ten"), (1000, "last")]
    assert zulu.module("ten") is zulu.modules[1]


# --- pure helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "data", "body", "body_line", "problems"),
    [
        ("---\na: 1\n---\nBody\n", {"a": 1}, "Body\n", 4, []),
        ("---\n---\nBody", {}, "Body", 3, []),
        ("---\r\na: x\r\n---\r\nBody\r\n", {"a": "x"}, "Body\r\n", 4, []),
        ("---  \n# only a comment\n---\n", {}, "", 4, []),
        ("Body only\n", {}, "Body only\n", 1, [(1, "missing front matter")]),
        ("---\na: 1\n", {}, "", 4, [(1, "not closed")]),
        ("---\na: 1\nb: [x\n---\nB", {}, "B", 5, [(3, "invalid YAML")]),
        ("---\na: [x\nb: 1\n---\nB", {}, "B", 5, [(3, "invalid YAML")]),
        ("---\n- a\n- b\n---\n", {}, "", 5, [(2, "must be 'key: value' lines")]),
        ("---\na: 1\na: 2\n---\n", {"a": 2}, "", 5, [(3, "duplicate key 'a'")]),
        ("---\nd: 2026-13-45\n---\n", {}, "", 4, [(1, "invalid YAML")]),
        ("---\na: !!python/name:os.system\n---\n", {}, "", 4, [(2, "invalid YAML")]),
        ("---\nx: \x01\n---\n", {}, "", 4, [(2, "invalid YAML")]),
    ],
)
def test_parse_front_matter(
    text: str, data: dict, body: str, body_line: int, problems: list[tuple[int, str]]
) -> None:
    got_data, got_body, got_line, got_problems = parse_front_matter(text, "x.md")
    assert (got_data, got_body, got_line) == (data, body, body_line)
    assert [(p.path, p.line) for p in got_problems] == [("x.md", line) for line, _ in problems]
    for problem, (_, fragment) in zip(got_problems, problems, strict=True):
        assert fragment in problem.message


VARIABLES = FrozenMap({"state_name": "Example State", "hotline": "988"})


@pytest.mark.parametrize(
    ("text", "result", "issues"),
    [
        ("In {{ state_name }}.", "In Example State.", []),
        ("Call {{hotline}} or {{  hotline  }}", "Call 988 or 988", []),
        ("Literal \\{{ state_name }}", "Literal {{ state_name }}", []),
        ("a\nb {{ nope }}", "a\nb {{ nope }}", [(2, "undefined variable 'nope'")]),
        ("x\n\n{{ stat_name }}", "x\n\n{{ stat_name }}", [(3, "did you mean 'state_name'")]),
        ("{{ two words }}", "{{ two words }}", [(1, "'{{' must start a variable")]),
        ("{{state_name", "{{state_name", [(1, "'{{' must start a variable")]),
        ("no braces } {", "no braces } {", []),
        ("{{ state_name }}{{ hotline }}", "Example State988", []),
    ],
)
def test_substitute(text: str, result: str, issues: list[tuple[int, str]]) -> None:
    got, got_issues = substitute(text, VARIABLES)
    assert got == result
    assert [line for line, _ in got_issues] == [line for line, _ in issues]
    for (_, message), (_, fragment) in zip(got_issues, issues, strict=True):
        assert fragment in message
