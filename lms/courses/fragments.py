"""The learner-independent parts of the module page, rendered once per module version.

The module body is rendered at sync time; its objectives, sources and table of contents are
templated once per process and version here, so a page view renders only what depends on
the learner (progress, place, forms) and does not even read the body from the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, url_for
from markupsafe import Markup

from lms.courses.queries import ModuleReading, ModuleText, module_body
from lms.extensions import db

#: Enough for every module of a state's curriculum; cleared, not evicted, if ever exceeded.
_LIMIT = 1024


@dataclass(frozen=True)
class Fragments:
    text: Markup  #: objectives, the body and the sources
    toc: Markup  #: the "On this page" navigation
    course_url: str
    pause_url: str
    complete_url: str
    #: The pause forms' ``<option>`` list, rendered once for each section that can be the
    #: selected one (key: the section's id; None: the start of the module, nothing selected).
    pause_options: Mapping[str | None, Markup]
    #: Every heading of the table of contents by id (the first one if an id repeats).
    headings: Mapping[str, Mapping[str, Any]]

    def options(self, selected: str | None) -> Markup:
        """Return the pause forms' options with ``selected`` (a section id) selected."""
        found = self.pause_options.get(selected)
        return self.pause_options[None] if found is None else found


def module_fragments(module: ModuleText) -> Fragments | None:
    """Return the module's pre-rendered fragments, rendering them on first use.

    None if the module no longer exists. On a miss the body is read with its version and
    cached under that version, so a content sync between the page's statements and this one
    cannot put a newer body under an older version.
    """
    cache: dict[tuple[int, int], Fragments] = current_app.extensions.setdefault(
        "lms.module_fragments", {}
    )
    found = cache.get((module.id, module.version))
    if found is None:
        body = module_body(db.session, module.id)
        if body is None:
            return None
        if len(cache) >= _LIMIT:
            cache.clear()
        sections = [entry for entry in body.toc if entry["level"] == 2]
        headings: dict[str, Mapping[str, Any]] = {}
        for entry in body.toc:
            headings.setdefault(entry["id"], entry)
        found = cache[(body.id, body.version)] = Fragments(
            Markup(render_template("courses/_module_text.html", m=body)),
            Markup(render_template("courses/_module_toc.html", m=body)),
            url_for("courses.course", course_slug=module.course.slug),
            url_for("courses.pause", course_slug=module.course.slug, module_slug=module.slug),
            url_for("courses.complete", course_slug=module.course.slug, module_slug=module.slug),
            {
                selected: Markup(
                    render_template(
                        "courses/_pause_options.html", sections=sections, selected=selected
                    )
                )
                for selected in [None, *(entry["id"] for entry in sections)]
            },
            headings,
        )
    return found


@dataclass(frozen=True)
class PageLinks:
    """The module page's links that depend on its neighbours and knowledge check."""

    previous: str | None
    next: str | None
    check: str | None


def page_links(page: ModuleReading) -> PageLinks:
    """Return the URLs of the page's neighbours and knowledge check.

    ``url_for`` costs several microseconds a call; the URLs only depend on slugs, which are
    the cache key, so a cached entry can never be stale.
    """
    cache: dict[tuple[str, str | None, str | None, str | None], PageLinks] = (
        current_app.extensions.setdefault("lms.module_page_links", {})
    )
    course = page.module.course.slug
    previous = page.previous.slug if page.previous else None
    following = page.next.slug if page.next else None
    key = (course, previous, following, page.check_quiz)
    found = cache.get(key)
    if found is None:
        if len(cache) >= _LIMIT:
            cache.clear()

        def module_url(slug: str | None) -> str | None:
            if slug is None:
                return None
            return url_for("courses.module", course_slug=course, module_slug=slug)

        check = page.check_quiz
        found = cache[key] = PageLinks(
            module_url(previous),
            module_url(following),
            url_for("assessments.overview", course_slug=course, quiz_slug=check) if check else None,
        )
    return found
