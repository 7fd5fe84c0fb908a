"""Oversight dashboards: the state (overseers), one agency (overseers, or its coordinator),
a learner's record, and the due-soon and in-breach lists.

Scope is decided once per request by :func:`scope`: overseers and admins see the state, a
coordinator their own agency and nothing else (another agency's pages answer 404, as if they
did not exist), learners nothing (403).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms import clock
from lms.auth.guards import role_required
from lms.auth.models import AgencyType, Role
from lms.extensions import db
from lms.oversight import compliance, dashboard, filters, queries
from lms.oversight.dashboard import LISTS, Names
from lms.oversight.filters import FilterError, Filters, Known
from lms.oversight.rollup import AgencyInfo, Line

bp = Blueprint("dashboard", __name__)


def scope() -> int | None:
    """Return the agency the viewer is confined to (None: the whole state); 403 for learners."""
    if current_user.role in (Role.OVERSEER, Role.ADMIN):
        return None
    if current_user.role == Role.COORDINATOR and current_user.agency_id is not None:
        return int(current_user.agency_id)
    abort(403)


@dataclass(frozen=True)
class Context:
    """What every dashboard page loads first: the request's filters, the values they could
    take, and the agencies and names the page shows (three queries)."""

    filters: Filters
    known: Known
    agencies: dict[int, AgencyInfo]
    names: Names


def load(agency_id: int | None, *extra: str) -> Context:
    """Return the page's context for the state (or one agency), or answer 400 for filters
    that do not parse."""
    found = dashboard.agencies(db.session, agency_id)
    named = dashboard.names(db.session)
    known = dashboard.known_of(found, named)
    try:
        chosen = filters.parse(request.args, known, frozenset({"page", *extra}))
    except FilterError as error:
        abort(400, description=str(error))
    return Context(chosen, known, found, named)


def page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        abort(400, description="The page number must be a whole number from 1.")
    return int(raw)


@bp.get("/oversight")
@role_required(Role.OVERSEER)
def state() -> str:
    c = load(None)
    chosen, today = c.filters, clock.now().date()
    return render_template(
        "oversight/dashboard.html",
        board=dashboard.dashboard(db.session, chosen, today, c.agencies, c.names),
        names=c.names,
        filters=chosen,
        known=c.known,
        soon=dashboard.due_list(db.session, chosen, today, "soon", size=10)[0],
        breach=dashboard.due_list(db.session, chosen, today, "breach", size=10)[0],
        today=today,
    )


@bp.get("/oversight/agencies/<int:agency_id>")
@login_required
def agency(agency_id: int) -> str:
    confined = scope()
    if confined is not None and confined != agency_id:
        abort(404)
    return _agency_page(agency_id)


@bp.get("/agency")
@role_required(Role.COORDINATOR)
def my_agency() -> str | Response:
    confined = scope()
    if confined is None:  # an admin has no agency of their own
        return redirect(url_for("dashboard.state"))
    return _agency_page(confined)


def _agency_page(agency_id: int) -> str:
    c = load(agency_id)
    if agency_id not in c.agencies:
        abort(404)
    chosen, page, today = c.filters, page_number(), clock.now().date()
    board = dashboard.dashboard(db.session, chosen, today, c.agencies, c.names, agency_id)
    learners, total = dashboard.agency_learners(db.session, agency_id, chosen, today, page)
    return render_template(
        "oversight/agency.html",
        agency_id=agency_id,
        info=c.agencies[agency_id],
        board=board,
        names=c.names,
        filters=chosen,
        known=c.known,
        learners=learners,
        total=total,
        page=page,
        pages=max(1, -(-total // dashboard.PAGE)),
        today=today,
        own=current_user.role == Role.COORDINATOR,
    )


@bp.get("/oversight/learners/<int:user_id>")
@login_required
def learner(user_id: int) -> str:
    found = dashboard.learner_in_scope(db.session, user_id, scope())
    if found is None:
        abort(404)
    today = clock.now().date()
    return render_template(
        "oversight/learner.html",
        person=found,
        standing=queries.learner_standing(db.session, found, today),
        record=dashboard.learner_record(db.session, found.id),
        credits=queries.credits_of(db.session, found.id),
        today=today,
    )


@bp.get("/oversight/due")
@login_required
def due() -> str:
    confined = scope()
    which = request.args.get("list", "breach")
    if which not in LISTS:
        abort(400, description="The list must be 'soon' (due within 90 days) or 'breach'.")
    c = load(confined, "list")
    chosen = c.filters if confined is None else replace(c.filters, agency=confined)
    page = page_number()
    today = clock.now().date()
    rows, more = dashboard.due_list(db.session, chosen, today, which, page)
    return render_template(
        "oversight/due.html",
        which=which,
        rows=rows,
        more=more,
        page=page,
        filters=chosen,
        known=c.known,
        names=c.names,
        confined=confined,
        today=today,
    )


@bp.post("/agency/reminders")
@role_required(Role.COORDINATOR)
def send_reminders() -> Response:
    confined = scope()
    if confined is None:
        abort(404)
    from lms.oversight.remind import remind_agency

    summary = remind_agency(db.session, clock.now(), current_user)
    db.session.commit()
    if not summary.planned:
        flash("No one on your staff has anything due within 90 days or overdue: no reminders sent.")
    else:
        flash(
            f"Reminders sent: {summary.sent}. Already reminded in this window: {summary.skipped}."
            + (f" Could not send: {summary.failed}; try again later." if summary.failed else "")
        )
    return redirect(url_for("dashboard.my_agency"))


# -- template helpers (dashboard pages only use them, but macros need them app-wide) ------------

CODE_LABELS = {
    "compliant": "Compliant",
    **{f"renew_{b}": f"Renewal due within {b} days" for b in compliance.BUCKETS},
    **{f"due_{b}": f"Due within {b} days" for b in compliance.BUCKETS},
    "in_progress": "In progress",
    "not_started": "Not started",
    "expired": "Expired",
    "overdue": "Overdue",
}


@bp.app_template_global()
def code_label(code: str) -> str:
    return CODE_LABELS[code]


@bp.app_template_global()
def code_status(code: str) -> compliance.Status:
    return compliance.CODES[code][0]


@bp.app_template_global()
def result_code(result: compliance.Compliance) -> str:
    return compliance.code_of(result)


@bp.app_template_global()
def type_label(value: str) -> str:
    return AgencyType(value).label


@bp.app_template_global()
def type_options(known: Known) -> list[tuple[str, str]]:
    return sorted(((t, type_label(t)) for t in known.agency_types), key=lambda o: o[1])


@bp.app_template_global()
def discipline_options(names: Names, known: Known) -> list[tuple[str, str]]:
    return sorted(
        ((slug, names.discipline_slugs.get(slug, slug)) for slug in known.disciplines),
        key=lambda o: o[1],
    )


@bp.app_template_global()
def requirement_options(names: Names) -> list[tuple[str, str]]:
    return [(names.requirement_keys[i], name) for i, name in names.requirements.items()]


@bp.app_template_global()
def status_options() -> list[tuple[str, str]]:
    return [("breach", "Overdue or expired"), *((s.value, s.label) for s in compliance.ORDER)]


@bp.app_template_global()
def filter_summary(chosen: Filters, names: Names) -> str:
    """Return the active filters in words."""
    by_key = {k: names.requirements[i] for i, k in names.requirement_keys.items()}
    parts = []
    for name, value in chosen.as_dict().items():
        if value is None:
            continue
        if name == "agency_type":
            value = type_label(str(value))
        elif name == "discipline":
            value = names.discipline_slugs.get(str(value), value)
        elif name == "requirement":
            value = by_key.get(str(value), value)
        elif name == "status":
            value = dict(status_options()).get(str(value), value)
        parts.append(f"{name.replace('_', ' ')} {value}")
    return ", ".join(parts)


@bp.app_template_global()
def agency_link(chosen: Filters) -> Callable[[Line], str]:
    """Return a function giving an agency line's drill-down link, keeping the filters that
    still apply inside one agency."""
    keep = {k: v for k, v in chosen.query().items() if k in ("discipline", "requirement")}

    def link(line: Line) -> str:
        return url_for("dashboard.agency", agency_id=line.key, **keep)

    return link


@bp.app_template_global()
def missing_titles(standing: queries.RequirementStanding) -> list[str]:
    titles = dict(zip(standing.requirement.courses, standing.course_titles, strict=False))
    return [titles.get(slug, slug) for slug in standing.result.missing]


@bp.app_template_filter("pair")
def pair(value: str) -> tuple[str, str]:
    return (value, value)
