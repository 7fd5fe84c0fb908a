"""Certificate pages: a learner's own, downloads, recertification, and oversight actions."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms import clock
from lms.auth.guards import role_required
from lms.auth.models import Role
from lms.certificates import codes, policy, queries, services
from lms.courses.models import Course
from lms.downloads import attachment
from lms.extensions import db

bp = Blueprint("certificates", __name__)


def _own_or_404(serial: str):  # type: ignore[no-untyped-def]
    """Return the signed-in learner's certificate; another learner's is simply not found."""
    cert = queries.own(db.session, serial, current_user.id)
    if cert is None:
        abort(404)
    return cert


@bp.get("/certificates")
@login_required
def mine() -> str:
    from lms.oversight.queries import learner_standing

    window = int(current_app.config["RECERT_WINDOW_DAYS"])
    now = clock.now()
    return render_template(
        "certificates/mine.html",
        held=queries.held(db.session, current_user.id, window, now),
        standing=learner_standing(db.session, current_user, now.date()),
        Renewal=policy.Renewal,
    )


@bp.get("/certificates/<serial>.pdf")
@login_required
def pdf(serial: str) -> Response:
    """The PDF stored at issuance (no re-render); 404 for anyone but its owner."""
    found = queries.own_pdf(db.session, serial, current_user.id)
    if found is None:
        abort(404)
    body, sha256 = found
    response = attachment(body, "application/pdf", f"{serial}.pdf")
    response.headers["ETag"] = f'"{sha256}"'
    return response


@bp.get("/certificates/<serial>/credential.json")
@login_required
def credential(serial: str) -> Response:
    import json

    cert = _own_or_404(serial)
    body = json.dumps(cert.credential, indent=2, ensure_ascii=False)
    return attachment(body, "application/vc+ld+json", f"{cert.serial}-credential.json")


@bp.get("/certificates/<serial>/credential.jwt")
@login_required
def credential_jwt(serial: str) -> Response:
    cert = _own_or_404(serial)
    return attachment(cert.credential_jwt, "application/vc+jwt", f"{cert.serial}-credential.jwt")


@bp.get("/certificates/transcript.pdf")
@login_required
def transcript() -> Response:
    from lms.certificates.transcript import render_for

    body = render_for(db.session, current_user, clock.now())
    return attachment(body, "application/pdf", "harbor-transcript.pdf")


@bp.post("/certificates/recertify/<course_slug>")
@login_required
def recertify(course_slug: str) -> Response:
    from sqlalchemy import select

    course = db.session.scalar(select(Course).where(Course.slug == course_slug, Course.active))
    if course is None:
        abort(404)
    window = int(current_app.config["RECERT_WINDOW_DAYS"])
    if services.start_recertification(db.session, current_user, course, window, clock.now()):
        db.session.commit()
        flash(
            f"Recertification started for {course.title}. Work through the modules again "
            "and pass the final assessment to receive your new certificate."
        )
        return redirect(url_for("courses.course", course_slug=course.slug))
    flash("Recertification for this course is not open yet.")
    return redirect(url_for("certificates.mine"))


# -- oversight -------------------------------------------------------------------------------


@bp.get("/certificates/manage")
@role_required(Role.OVERSEER)
def manage() -> str:
    text = request.args.get("q", "")[:200]
    found = queries.search(db.session, text) if text.strip() else []
    return render_template("certificates/manage.html", q=text, found=found, now=clock.now())


@bp.get("/certificates/manage/<serial>")
@role_required(Role.OVERSEER)
def manage_one(serial: str) -> str:
    return _manage_page(serial)


def _manage_page(serial: str, error: str | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    cert = queries.by_serial(db.session, serial)
    if cert is None:
        abort(404)
    public = policy.public_status(
        cert.status, cert.expires_at, cert.superseded_by_id is not None, clock.now()
    )
    page = render_template(
        "certificates/manage_one.html",
        cert=cert,
        public=public,
        reasons=policy.REASONS,
        history=queries.history(db.session, cert.serial),
        display_code=codes.display_code(cert.code),
        error=error,
    )
    return page, status


@bp.post("/certificates/manage/<serial>")
@role_required(Role.OVERSEER)
def change_status(serial: str) -> Response | tuple[str, int]:
    cert = queries.by_serial(db.session, serial)
    if cert is None:
        abort(404)
    try:
        action = policy.Action(request.form.get("action", ""))
    except ValueError:
        return _manage_page(serial, "Choose revoke, suspend or reinstate.", 400)
    note = request.form.get("note", "")[:2000]
    try:
        services.change_status(
            db.session,
            cert,
            action,
            request.form.get("reason", ""),
            note,
            current_user,
            clock.now(),
        )
    except policy.TransitionError as error:
        db.session.rollback()
        return _manage_page(serial, str(error), 400)
    db.session.commit()
    flash(f"Certificate {cert.serial}: {action} recorded.")
    return redirect(url_for("certificates.manage_one", serial=cert.serial))
