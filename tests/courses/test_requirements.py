"""requirements.yml: read, checked against courses and disciplines, agreeing with course.md."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from lms.auth.models import AgencyType
from lms.courses.loader import check_tree, load_tree
from lms.courses.requirements import AGENCY_TYPES
from tests.conftest import CONTENT

VALID = Path(__file__).parent / "fixtures" / "valid"

GOOD = """\
- id: first-contact-training
  name: First contact training
  citation: "EXAMPLE: {{ state_name }} Code 1.2.3"
  applies_to:
    disciplines: [law-enforcement, child-welfare]
    agency_types: [law_enforcement]
  courses: [first-contact]
  initial_deadline_days: 90
  effective_date: 2026-07-01
  existing_staff_deadline_days: 180
  renewal_months: 24
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(VALID, root)
    return root


def test_agency_types_match_the_model():
    assert {t.value for t in AgencyType} == AGENCY_TYPES


def test_shipped_requirements_load():
    tree = load_tree(CONTENT)
    ids = [r.id for r in tree.requirements]
    assert "core-response" in ids and len(ids) == len(set(ids))
    core = next(r for r in tree.requirements if r.id == "core-response")
    assert "foundations" in core.courses and core.renewal_months == 24
    assert "{{" not in core.citation  # variables filled in


def test_valid_requirements(tree):
    (tree / "requirements.yml").write_text(GOOD)
    loaded = load_tree(tree)
    (requirement,) = loaded.requirements
    assert requirement.courses == ("first-contact",)
    assert requirement.effective_date == date(2026, 7, 1)
    assert requirement.agency_types == ("law_enforcement",)
    assert "EXAMPLE:" in requirement.citation and "{{" not in requirement.citation


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (
            ("courses: [first-contact]", "courses: [first-contact, nope]"),
            7,
            "unknown course 'nope'",
        ),
        (("child-welfare]", "child-welfare, pilots]"), 5, "unknown discipline 'pilots'"),
        (("[law_enforcement]", "[police]"), 6, "unknown agency type 'police'"),
        (("2026-07-01", "soon"), 9, "must be a date"),
        (("initial_deadline_days: 90", "initial_deadline_days: -1"), 8, "days above 0"),
        (("renewal_months: 24", "renewal_months: 0"), 11, "renewal_months"),
        (
            ("  name: First contact training\n", "  name: First contact training\n  owner: x\n"),
            3,
            "unknown key 'requirements[0].owner'",
        ),
    ],
)
def test_problems_have_file_and_line(tree, change, line, message):
    (tree / "requirements.yml").write_text(GOOD.replace(*change))
    problems = [p for p in check_tree(tree) if p.path.endswith("requirements.yml")]
    assert [(p.line, message in p.message) for p in problems] == [(line, True)], problems


def test_duplicate_ids(tree):
    (tree / "requirements.yml").write_text(GOOD + GOOD)
    assert any("used twice" in p.message for p in check_tree(tree))


def test_course_disciplines_must_agree_with_requirements(tree):
    text = GOOD.replace("[law-enforcement, child-welfare]", "[law-enforcement]")
    (tree / "requirements.yml").write_text(text)
    problems = check_tree(tree)
    assert any(
        p.path.endswith("first-contact/course.md") and "differ" in p.message for p in problems
    ), problems


def test_a_second_site_file_switches_every_variable():
    """A state localises by swapping one file: the example state's words all disappear."""
    lakeshore = load_tree(CONTENT, "sites/lakeshore.yml")
    default = curriculum_text(load_tree(CONTENT))
    localised = curriculum_text(lakeshore)
    assert "Example State" in default and "Example State" not in localised
    assert "Lakeshore" in localised
    assert lakeshore.site.variables["state_name"] == "Lakeshore"


def curriculum_text(tree) -> str:
    return " ".join(m.html for c in tree.courses for m in c.modules)
