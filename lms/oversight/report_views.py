"""The annual report to the legislature: an on-screen preview, and the PDF and CSV downloads.

Only ``year`` may be given; anything else, or a year that cannot be reported on, is a 400 that
says why. Each download is written to the audit trail (who, when, parameters, data hash) and
committed before the file is sent.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from lms import clock
from lms.auth.guards import role_required
from lms.auth.models import Role
from lms.downloads import attachment
from lms.extensions import db
from lms.oversight import annual
from lms.oversight.report import Report

bp = Blueprint("report", __name__)

PDF_MEDIA_TYPE = "application/pdf"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def _year() -> int:
    """Return the requested year (default: the last full year), or abort with a 400."""
    unknown = sorted(set(request.args) - {"year"})
    if unknown:
        abort(400, description=f"Unknown parameter: {', '.join(unknown)}. Only year is allowed.")
    if len(request.args.getlist("year")) > 1:
        abort(400, description="Give the year once.")
    today = clock.today()
    raw = request.args.get("year", "").strip()
    if not raw:
        return annual.last_full_year(today)
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        abort(400, description="The year must be four digits, for example 2025.")
    year = int(raw)
    try:
        annual.year_period(year, today)
    except annual.BadPeriod as error:
        abort(400, description=str(error))
    return year


def _report(year: int) -> Report:
    start, end = annual.year_period(year, clock.today())
    params = annual.parameters(start, end, clock.today())
    return annual.annual_report(db.session, params, clock.now())


@bp.get("/oversight/report")
@role_required(Role.OVERSEER)
def page() -> str:
    year = _year()
    today = clock.today()
    years = range(today.year, annual.FIRST_YEAR - 1, -1)
    return render_template(
        "oversight/annual_report.html", report=_report(year), year=year, years=years
    )


def _download(form: str, media_type: str) -> Response:
    built = _report(_year())
    body: bytes | str = annual.pdf(built) if form == "pdf" else annual.csv_bytes(built)
    annual.record_generation(db.session, built, form, clock.now(), current_user.id)
    db.session.commit()
    return attachment(body, media_type, annual.filename(built, form))


@bp.get("/oversight/report.pdf")
@role_required(Role.OVERSEER)
def pdf() -> Response:
    return _download("pdf", PDF_MEDIA_TYPE)


@bp.get("/oversight/report.csv")
@role_required(Role.OVERSEER)
def csv() -> Response:
    return _download("csv", CSV_MEDIA_TYPE)
