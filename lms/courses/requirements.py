"""Statutory training requirements as data (``content/requirements.yml``), read and checked.

Pure: the loader calls :func:`read_requirements` with the parsed YAML and the slugs it knows.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date
from typing import Any

from lms.courses.frontmatter import Fields, LineMap
from lms.courses.spec import Problem
from lms.courses.variables import substitute

#: The agency types a requirement may name (lms.auth.models.AgencyType; a test keeps them equal).
AGENCY_TYPES = frozenset({
    "law_enforcement", "child_welfare", "juvenile_justice", "health_care", "education",
    "community_provider", "advocacy", "court", "oversight",
})  # fmt: skip

KEYS = ("id", "name", "citation", "applies_to", "courses", "initial_deadline_days",
        "effective_date", "existing_staff_deadline_days", "renewal_months")  # fmt: skip


@dataclass(frozen=True)
class RequirementSpec:
    id: str
    name: str
    citation: str
    disciplines: tuple[str, ...]
    agency_types: tuple[str, ...]
    courses: tuple[str, ...]
    initial_deadline_days: int
    effective_date: date
    existing_staff_deadline_days: int
    #: None: a one-time requirement.
    renewal_months: int | None


def read_requirements(
    data: Any,
    lines: LineMap,
    rel: str,
    problems: list[Problem],
    *,
    courses: Set[str],
    disciplines: Set[str] | None,
    variables: Mapping[str, str],
) -> tuple[RequirementSpec, ...]:
    """Check requirements.yml and build its specs; every problem is reported with its line."""
    root = Fields({}, lines, rel, problems)
    found: list[RequirementSpec] = []
    seen: set[str] = set()
    for item in root.each([] if data is None else data, (), "requirements", "requirements"):
        item.unknown(KEYS)
        rid, name = item.slug("id"), item.text("name")
        citation = _fill(item.text("citation") or "", variables)
        if rid in seen:
            item.problem("id", f"requirement id '{rid}' is used twice")
        seen.add(rid or "")
        applies = item.data.get("applies_to")
        wanted_disciplines, wanted_types = _applies_to(item, applies, disciplines)
        listed = _slug_list(item, "courses")
        for index, slug in enumerate(listed):
            if slug not in courses:
                problems.append(
                    Problem(rel, lines(*item.prefix, "courses", index), f"unknown course '{slug}'")
                )
        initial = _days(item, "initial_deadline_days")
        existing = _days(item, "existing_staff_deadline_days")
        effective = item.data.get("effective_date")
        if not isinstance(effective, date):
            item.problem("effective_date", "'effective_date' must be a date, e.g. 2026-07-01")
        renewal = item.data.get("renewal_months")
        if renewal is not None and not (isinstance(renewal, int) and renewal > 0):
            item.problem(
                "renewal_months",
                "'renewal_months' must be a whole number above 0, "
                "or left out for a one-time requirement",
            )
        if item.ok and rid and name and listed and isinstance(effective, date):
            found.append(RequirementSpec(
                rid, name, citation, wanted_disciplines, wanted_types, tuple(listed),
                initial, effective, existing, renewal,
            ))  # fmt: skip
    return tuple(found)


def _fill(text: str, variables: Mapping[str, str]) -> str:
    return substitute(text, variables)[0]


def _slug_list(item: Fields, key: str) -> list[str]:
    value = item.data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        item.problem(key, f"'{key}' must be a list of one or more slugs")
        return []
    return [v.strip() for v in value]


def _days(item: Fields, key: str) -> int:
    value = item.data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        item.problem(key, f"'{key}' must be a whole number of days above 0")
        return 0
    return value


def _applies_to(
    item: Fields, applies: Any, known: Set[str] | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(applies, dict) or not (
        applies.get("disciplines") or applies.get("agency_types")
    ):
        item.problem("applies_to", "'applies_to' needs 'disciplines' and/or 'agency_types'")
        return (), ()
    child = Fields(
        applies, item.lines, item.path, item.problems, (*item.prefix, "applies_to"), "applies_to"
    )
    child.unknown(("disciplines", "agency_types"))
    result = []
    for key, allowed in (("disciplines", known), ("agency_types", AGENCY_TYPES)):
        values = applies.get(key) or []
        if not isinstance(values, list):
            child.problem(key, f"'applies_to.{key}' must be a list")
            result.append(())
            continue
        for index, value in enumerate(values):
            if allowed is not None and value not in allowed:
                item.problems.append(
                    Problem(
                        item.path,
                        item.lines(*item.prefix, "applies_to", key, index),
                        f"unknown {key[:-1].replace('_', ' ')} '{value}'",
                    )
                )
                child.ok = item.ok = False
        result.append(tuple(values))
    return result[0], result[1]
