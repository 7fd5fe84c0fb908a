"""The learner's path through a course over HTTP: catalogue, content note, pause, resume,
completion, and what other learners can and cannot see."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.courses.models import Enrollment, Module, ModuleProgress
from lms.extensions import db
from tests.conftest import login, post

COURSE = "/courses/foundations"
PLAIN = f"{COURSE}/trauma-informed-approach"  # no content note
NOTED = f"{COURSE}/how-exploitation-happens"  # opens with a content note


def _module(slug: str) -> Module:
    return db.session.scalars(select(Module).where(Module.slug == slug)).one()


def _progress_percent(html: str) -> int:
    return int(re.search(r'<progress max="100" value="(\d+)"', html).group(1))


def test_catalogue_lists_required_and_optional_by_discipline(client, world):
    from lms.auth.models import Discipline

    login(client, world.learner)
    html = client.get("/courses").get_data(as_text=True)
    required = html.split('id="optional-heading"')[0]
    assert "Foundations" in required and "Required for your discipline" in required
    # The same course is optional for a discipline it does not name.
    course = world.learner  # noqa: F841 - the persona's discipline is law enforcement
    from lms.courses.models import Course

    foundations = db.session.scalars(select(Course).where(Course.slug == "foundations")).one()
    foundations.disciplines = [d for d in foundations.disciplines if d.slug != "law-enforcement"]
    db.session.commit()
    html = client.get("/courses").get_data(as_text=True)
    optional = html.split('id="optional-heading"')[1]
    assert "Foundations" in optional
    assert db.session.scalar(select(Discipline).where(Discipline.slug == "law-enforcement"))


def test_content_note_gates_a_sensitive_module(client, world):
    login(client, world.learner)
    first = client.get(NOTED).get_data(as_text=True)
    assert "Before you start" in first and "Continue to the module" in first
    assert 'id="toc-heading"' not in first  # the module body is not shown yet
    assert post(client, f"{NOTED}/note").status_code == 302
    page = client.get(NOTED).get_data(as_text=True)
    assert 'id="toc-heading"' in page and "Before you start" not in page
    assert "Content note" in page  # still available as a reminder
    # The gate is per learner.
    other = client.application.test_client()
    login(other, world.fred)
    assert "Before you start" in other.get(NOTED).get_data(as_text=True)


def test_module_page_has_toc_objectives_sources_and_support(client, world):
    login(client, world.learner)
    html = client.get(PLAIN).get_data(as_text=True)
    module = _module("trauma-informed-approach")
    for entry in module.toc:
        assert f'href="#{entry["id"]}"' in html and f'id="{entry["id"]}"' in html
    for objective in module.objectives:
        assert objective.replace("'", "&#39;") in html or objective in html
    assert 'id="sources-heading"' in html
    assert html.count('href="/support"') >= 2
    assert 'class="skip-link" href="#main"' in html


def test_pause_keeps_the_place_and_resume_returns_to_it(client, world):
    login(client, world.learner)
    client.get(PLAIN)
    section = _module("trauma-informed-approach").toc[1]["id"]
    response = post(client, f"{PLAIN}/pause", {"section": section})
    assert response.headers["Location"] == f"{PLAIN}/paused"
    paused = client.get(f"{PLAIN}/paused").get_data(as_text=True)
    assert "Your place is saved" in paused and "988" in paused
    resume = client.get(f"{COURSE}/resume")
    assert resume.headers["Location"] == f"{PLAIN}#{section}"
    page = client.get(PLAIN).get_data(as_text=True)
    assert "Welcome back" in page and f'value="{section}" selected' in page


def test_pause_ignores_an_unknown_section(client, world):
    login(client, world.learner)
    post(client, f"{PLAIN}/pause", {"section": "<script>alert(1)</script>"})
    progress = db.session.scalars(select(ModuleProgress)).one()
    assert progress.last_section is None


def _slugs() -> list[str]:
    return list(
        db.session.scalars(
            select(Module.slug)
            .join(Module.course)
            .where(Module.active, Module.course.has(slug="foundations"))
            .order_by(Module.position)
        )
    )


def test_completing_modules_moves_the_progress_bar(client, world):
    login(client, world.learner)
    slugs = _slugs()
    n = len(slugs)
    assert _progress_percent(client.get(COURSE).get_data(as_text=True)) == 0
    response = post(client, f"{PLAIN}/complete")
    assert response.status_code == 302
    html = client.get(COURSE).get_data(as_text=True)
    assert _progress_percent(html) == round(100 / n) and f"1 of {n} modules complete" in html
    post(client, f"{PLAIN}/complete")  # twice is still once
    assert f"1 of {n} modules complete" in client.get(COURSE).get_data(as_text=True)
    for slug in slugs:
        post(client, f"{COURSE}/{slug}/complete")
    html = client.get(COURSE).get_data(as_text=True)
    assert _progress_percent(html) == 100
    enrollment = db.session.scalars(select(Enrollment)).one()
    assert enrollment.completed_at is not None
    catalogue = client.get("/courses").get_data(as_text=True)
    assert "100% complete" in catalogue


def test_progress_is_private_to_each_learner(client, world):
    login(client, world.learner)
    post(client, f"{PLAIN}/complete")
    other = client.application.test_client()
    login(other, world.fred)
    html = other.get(COURSE).get_data(as_text=True)
    assert f"0 of {len(_slugs())} modules complete" in html
    assert world.learner.name not in html


def test_unknown_course_or_module_is_404(client, world):
    login(client, world.learner)
    for url in ("/courses/nope", f"{COURSE}/nope", f"{COURSE}/nope/complete", "/courses/x/y/z"):
        response = client.get(url) if not url.endswith("complete") else post(client, url)
        assert response.status_code in (404, 405), url
    assert post(client, f"{COURSE}/nope/complete").status_code == 404


def test_retired_module_is_404_but_progress_is_kept(client, world):
    login(client, world.learner)
    post(client, f"{PLAIN}/complete")
    module = _module("trauma-informed-approach")
    module.active = False
    db.session.commit()
    assert client.get(PLAIN).status_code == 404
    assert f"0 of {len(_slugs())} modules complete" in client.get(COURSE).get_data(as_text=True)
    assert db.session.scalars(select(ModuleProgress)).one().completed_at is not None


def test_re_reading_a_module_is_three_statements_and_follows_new_versions(
    client, world, count_queries
):
    login(client, world.learner)
    client.get(PLAIN)  # the first visit writes the progress and enrollment rows
    with count_queries() as statements:
        html = client.get(PLAIN).get_data(as_text=True)
    # The session and its user; the module with the learner's progress; its neighbours. The
    # body (text, objectives, sources, contents) is rendered once per version, not read.
    assert statements[0] == 3
    module = _module("trauma-informed-approach")
    assert module.toc[0]["title"] in html
    module.html = module.html.replace("</p>", " Added in a revision.</p>", 1)
    module.toc = [{**module.toc[0], "title": "A retitled section"}, *module.toc[1:]]
    module.version += 1
    db.session.commit()
    html = client.get(PLAIN).get_data(as_text=True)
    assert "Added in a revision." in html and "A retitled section" in html
