"""The language linter and the reading-level estimate."""

from __future__ import annotations

import shutil

import pytest

from lms.courses.loader import check_tree
from lms.courses.readability import grade, syllables
from lms.courses.style import lint, strip_quote_markers, term
from tests.conftest import CONTENT

TERMS = (
    term("child prostitute", "youth who has experienced commercial sexual exploitation"),
    term("john", "buyer", case_sensitive=True),
    term("at-risk youth", "youth experiencing risk factors"),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No problem here.", []),
        ("A child prostitute.", [(1, '"child prostitute"')]),
        ("A CHILD   Prostitute.", [(1, '"CHILD   Prostitute"')]),  # case and spacing
        ("line one\nthe john left", [(2, '"john"')]),
        ("John Smith, the officer", []),  # case-sensitive term: a name is fine
        ("johnson", []),  # whole words only
        ("at-risk youth", [(1, '"at-risk youth"')]),
        ("non-at-risk youth", []),
        ("see https://example.org/child-prostitute-law", []),  # links are not checked
        ("[[quote]]the child prostitute statute[[/quote]] then", []),
        ("[[quote]]a\nchild prostitute\n[[/quote]]\njohn", [(4, '"john"')]),  # lines kept
    ],
)
def test_lint(text, expected):
    found = lint(text, TERMS)
    assert [(line, message.split(" instead of ")[1]) for line, message in found] == expected
    assert all(message.startswith('use "') for _, message in found)


def test_quote_markers_are_removed_from_what_learners_see():
    assert strip_quote_markers("a [[quote]]b[[/quote]] c") == "a b c"


def test_content_check_reports_terms_with_file_and_line(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    module = next(root.glob("foundations/01-*.md"))
    module.write_text(module.read_text() + "\nWe met a chronic runaway.\n")
    count = module.read_text().count("\n")
    problems = [str(p) for p in check_tree(root)]
    assert problems == [
        f'{module}:{count}: use "young person who has run away several times" '
        'instead of "chronic runaway"'
    ]


def test_the_shipped_curriculum_passes_the_linter():
    assert not [p for p in check_tree(CONTENT) if "instead of" in p.message]


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("cat", 1),
        ("the", 1),
        ("happy", 2),
        ("survivor", 3),
        ("exploitation", 4),
        ("make", 1),
        ("little", 2),
        ("trafficked", 2),
        ("screening", 2),
    ],
)
def test_syllables(word, count):
    assert syllables(word) == count


def test_grade_of_a_worked_example():
    # 2 sentences, 9 words, 12 syllables (per-son, ad-vo-cate):
    # 0.39 * 9/2 + 11.8 * 12/9 - 15.59 = 1.9
    text = "<p>The young person was safe. We called the advocate.</p>"
    assert grade(text) == pytest.approx(0.39 * 9 / 2 + 11.8 * 12 / 9 - 15.59, abs=0.05)
    assert grade("<p></p>") is None
