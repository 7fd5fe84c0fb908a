"""External credit: learners claim training done elsewhere; overseers approve or reject."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms import clock
from lms.auth.guards import role_required
from lms.auth.models import Role
from lms.downloads import attachment
from lms.extensions import db
from lms.oversight import evidence, queries, services
from lms.oversight.forms import CreditForm, parse_date
from lms.oversight.models import ExternalCreditFile

bp = Blueprint("oversight", __name__)


def _download(found: ExternalCreditFile | None) -> Response:
    if found is None:
        abort(404)
    return attachment(found.body, found.media_type, found.filename)


@bp.get("/credits")
@login_required
def my_credits() -> str:
    return render_template(
        "oversight/my_credits.html",
        credits=queries.credits_of(db.session, current_user.id),
        names=queries.requirement_names(db.session),
    )


@bp.route("/credits/new", methods=["GET", "POST"])
@login_required
def new_credit() -> Response | str | tuple[str, int]:
    form = CreditForm()
    choices = queries.applicable_requirements(db.session, current_user)
    form.requirements.choices = [(r.key, r.name) for r in choices]
    max_bytes = int(current_app.config["CREDIT_MAX_BYTES"])
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("oversight/new_credit.html", form=form, has=bool(choices)), status
    upload = form.evidence.data
    try:
        if upload is None or not getattr(upload, "filename", ""):
            raise evidence.EvidenceError("Choose a file to upload: a PDF, PNG or JPEG.")
        body = upload.stream.read(max_bytes + 1)
        checked = evidence.check(body, upload.filename, max_bytes)
    except evidence.EvidenceError as error:
        form.evidence.errors = [str(error)]
        return render_template("oversight/new_credit.html", form=form, has=True), 400
    credit = services.submit_credit(
        db.session,
        current_user,
        form.requirements.data,
        form.title.data,
        form.provider.data,
        form.completed_on.data,
        form.hours.data,
        checked,
        clock.now(),
    )
    db.session.commit()
    flash(f"Your evidence for {credit.title} was received. An overseer will review it.")
    return redirect(url_for("oversight.my_credits"))


@bp.get("/credits/<int:credit_id>/evidence")
@login_required
def my_evidence(credit_id: int) -> Response:
    """The learner's own file; anyone else's is simply not found."""
    return _download(queries.evidence(db.session, credit_id, current_user.id))


# -- overseers -------------------------------------------------------------------------------


@bp.get("/oversight/credits")
@role_required(Role.OVERSEER)
def queue() -> str:
    return render_template(
        "oversight/queue.html",
        rows=queries.credit_queue(db.session),
        names=queries.requirement_names(db.session),
    )


@bp.get("/oversight/credits/<int:credit_id>")
@role_required(Role.OVERSEER)
def review(credit_id: int) -> tuple[str, int]:
    return _review_page(credit_id)


def _review_page(credit_id: int, error: str | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    credit = queries.credit(db.session, credit_id)
    if credit is None:
        abort(404)
    from lms.auth.models import User

    page = render_template(
        "oversight/review.html",
        credit=credit,
        learner=db.session.get(User, credit.user_id),
        decider=db.session.get(User, credit.decided_by_id) if credit.decided_by_id else None,
        file=queries.evidence(db.session, credit_id),
        names=queries.requirement_names(db.session),
        error=error,
        form=request.form if error else {},
    )
    return page, status


@bp.get("/oversight/credits/<int:credit_id>/evidence")
@role_required(Role.OVERSEER)
def evidence_file(credit_id: int) -> Response:
    return _download(queries.evidence(db.session, credit_id))


@bp.post("/oversight/credits/<int:credit_id>")
@role_required(Role.OVERSEER)
def decide(credit_id: int) -> Response | tuple[str, int]:
    credit = queries.credit(db.session, credit_id)
    if credit is None:
        abort(404)
    action = request.form.get("action", "")
    note = request.form.get("note", "")[:2000]
    try:
        if action == "approve":
            until = parse_date(request.form.get("valid_until", ""))
            keys = request.form.getlist("requirements")
            services.approve_credit(
                db.session, credit, keys, until, note, current_user, clock.now()
            )
        elif action == "reject":
            services.reject_credit(db.session, credit, note, current_user, clock.now())
        else:
            raise services.DecisionError("Choose approve or reject.")
    except services.DecisionError as error:
        db.session.rollback()
        return _review_page(credit_id, str(error), 400)
    db.session.commit()
    flash(f"External credit {credit.id}: {credit.status}.")
    return redirect(url_for("oversight.review", credit_id=credit.id))
