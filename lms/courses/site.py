"""The site-wide files of a content tree: site.yml and disciplines.yml.

Pure: these functions check already-parsed YAML and never touch files, clock or database.
Every problem is appended to the caller's ``problems`` list as ``file:line``.
"""

from __future__ import annotations

from typing import Any

from lms.courses.frontmatter import Fields, LineMap
from lms.courses.spec import DisciplineSpec, Problem, SiteSpec, SupportResource
from lms.courses.variables import read_variables


def read_site(data: dict | None, lines: LineMap, rel: str, problems: list[Problem]) -> SiteSpec:
    """Check site.yml's ``variables`` and ``support`` sections and build the SiteSpec."""
    fields = Fields(data or {}, lines, rel, problems)
    fields.unknown(("variables", "support"))
    raw = fields.get("variables", False)
    if raw is not None and not isinstance(raw, dict):
        fields.problem("variables", "'variables' must be 'name: value' lines")
    variables, found = read_variables(raw if isinstance(raw, dict) else {}, lines, rel)
    problems.extend(found)
    support = []
    for item in fields.items("support", True, "support resources"):
        item.unknown(("name", "contact", "description", "url"))
        name, contact = item.text("name"), item.text("contact")
        description = item.text("description", required=False) or ""
        url = item.url("url", required=False)
        if name and contact:
            support.append(SupportResource(name, contact, description, url))
    return SiteSpec(variables, tuple(support))


def read_disciplines(
    data: Any, lines: LineMap, rel: str, problems: list[Problem]
) -> tuple[DisciplineSpec, ...]:
    """Check disciplines.yml (a list of slug/name/description) and build its specs."""
    root = Fields({}, lines, rel, problems)
    specs, seen = [], {}
    for item in root.each([] if data is None else data, (), "disciplines", "disciplines"):
        item.unknown(("slug", "name", "description"))
        slug, name = item.slug("slug"), item.text("name")
        description = item.text("description", required=False) or ""
        if slug in seen:
            item.problem("slug", f"discipline '{slug}' is listed twice (line {seen[slug]})")
        elif slug and name:
            seen[slug] = lines(*item.prefix, "slug")
            specs.append(DisciplineSpec(slug, name, description))
    return tuple(specs)
