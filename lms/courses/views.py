"""Learner pages: catalogue, course outline, module reading, content note, pause, complete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms import clock
from lms.certificates.web import issue_for_current_user
from lms.courses import queries, services
from lms.courses.fragments import module_fragments, page_links
from lms.courses.models import Module
from lms.extensions import db

bp = Blueprint("courses", __name__, url_prefix="/courses")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every course page needs a signed-in user."""


def _module_or_404(course_slug: str, module_slug: str) -> queries.ModulePage:
    page = queries.module_page(db.session, course_slug, module_slug, current_user.id)
    if page is None:
        abort(404)
    return page


@bp.get("")
def catalogue() -> str:
    rows = queries.catalogue(db.session, current_user.id, current_user.discipline_id)
    return render_template(
        "courses/catalogue.html",
        required=[r for r in rows if r.required],
        optional=[r for r in rows if not r.required],
    )


@bp.get("/<course_slug>")
def course(course_slug: str) -> str:
    outline = queries.course_outline(
        db.session, course_slug, current_user.id, current_user.discipline_id
    )
    if outline is None:
        abort(404)
    from lms.assessments.queries import course_quizzes, standing

    quizzes = [
        standing(db.session, q, current_user.id)
        for q in course_quizzes(db.session, outline.course.id)
    ]
    return render_template("courses/course.html", outline=outline, quizzes=quizzes)


@bp.get("/<course_slug>/resume")
def resume(course_slug: str) -> Response:
    outline = queries.course_outline(
        db.session, course_slug, current_user.id, current_user.discipline_id
    )
    if outline is None:
        abort(404)
    target = outline.resume or (outline.modules[0] if outline.modules else None)
    if target is None:
        return redirect(url_for("courses.course", course_slug=course_slug))
    return redirect(
        url_for(
            "courses.module",
            course_slug=course_slug,
            module_slug=target.slug,
            _anchor=target.last_section,
        )
    )


@bp.get("/<course_slug>/<module_slug>")
def module(course_slug: str, module_slug: str) -> str:
    page = queries.module_reading(db.session, course_slug, module_slug, current_user.id)
    if page is None:
        abort(404)
    if page.module.content_note and (
        page.progress is None or page.progress.note_acknowledged_at is None
    ):
        return render_template("courses/content_note.html", page=page)
    progress = page.progress
    if progress is None or page.last_module_id != page.module.id:
        # First visit, or the resume point moves here: the only writes this page makes.
        row = db.session.get(Module, page.module.id)
        assert row is not None
        progress = services.record_visit(db.session, current_user, row, None, clock.now())
        db.session.commit()
    fragments = module_fragments(page.module)
    if fragments is None:
        abort(404)
    return render_template(
        "courses/module.html",
        page=page,
        progress=progress,
        fragments=fragments,
        urls=page_links(page),
    )


@bp.post("/<course_slug>/<module_slug>/note")
def acknowledge_note(course_slug: str, module_slug: str) -> Response:
    page = _module_or_404(course_slug, module_slug)
    services.acknowledge_note(db.session, current_user, page.module, clock.now())
    db.session.commit()
    return redirect(url_for("courses.module", course_slug=course_slug, module_slug=module_slug))


@bp.post("/<course_slug>/<module_slug>/pause")
def pause(course_slug: str, module_slug: str) -> Response:
    page = _module_or_404(course_slug, module_slug)
    services.pause(db.session, current_user, page.module, request.form.get("section"), clock.now())
    db.session.commit()
    return redirect(url_for("courses.paused", course_slug=course_slug, module_slug=module_slug))


@bp.get("/<course_slug>/<module_slug>/paused")
def paused(course_slug: str, module_slug: str) -> str:
    page = _module_or_404(course_slug, module_slug)
    return render_template("courses/paused.html", page=page, site=queries.current_site(db.session))


@bp.post("/<course_slug>/<module_slug>/complete")
def complete(course_slug: str, module_slug: str) -> Response:
    page = _module_or_404(course_slug, module_slug)
    course_done = services.complete_module(db.session, current_user, page.module, clock.now())
    serial = issue_for_current_user(db.session, page.module.course_id) if course_done else None
    db.session.commit()
    if serial:
        flash(f"You have completed the course. Your certificate {serial} is ready.", "success")
        return redirect(url_for("certificates.mine"))
    if course_done:
        flash("You have completed every module in this course.", "success")
        return redirect(url_for("courses.course", course_slug=course_slug))
    flash(f"“{page.module.title}” is marked complete.", "success")
    if page.next is not None:
        return redirect(
            url_for("courses.module", course_slug=course_slug, module_slug=page.next.slug)
        )
    return redirect(url_for("courses.course", course_slug=course_slug))
