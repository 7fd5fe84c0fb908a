"""The learner-independent parts of the module page, rendered once per module version.

The module body is rendered at sync time; its objectives, sources and table of contents are
templated once per process and version here, so a page view renders only what depends on
the learner (progress, place, forms).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, url_for
from markupsafe import Markup

from lms.courses.queries import ModuleText

#: Enough for every module of a state's curriculum; cleared, not evicted, if ever exceeded.
_LIMIT = 1024


@dataclass(frozen=True)
class Fragments:
    text: Markup  #: objectives, the body and the sources
    toc: Markup  #: the "On this page" navigation
    course_url: str
    pause_url: str
    complete_url: str


def module_fragments(module: ModuleText) -> Fragments:
    """Return the module's pre-rendered fragments, rendering them on first use."""
    cache: dict[tuple[int, int], Fragments] = current_app.extensions.setdefault(
        "lms.module_fragments", {}
    )
    key = (module.id, module.version)
    found = cache.get(key)
    if found is None:
        if len(cache) >= _LIMIT:
            cache.clear()
        found = cache[key] = Fragments(
            Markup(render_template("courses/_module_text.html", m=module)),
            Markup(render_template("courses/_module_toc.html", m=module)),
            url_for("courses.course", course_slug=module.course.slug),
            url_for("courses.pause", course_slug=module.course.slug, module_slug=module.slug),
            url_for("courses.complete", course_slug=module.course.slug, module_slug=module.slug),
        )
    return found
