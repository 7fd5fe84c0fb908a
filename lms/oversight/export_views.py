"""Compliance exports (CSV, XLSX): state-wide for oversight, one agency for its coordinator.

Filters come from the query string with the dashboards' names (:mod:`lms.oversight.filters`);
an unknown filter or value is a 400 saying what is wrong, never an unfiltered file. Every
export is written to the audit trail (who, when, scope, format, filters, rows) and committed
*before* the first byte is sent; the file is then streamed as it is read, from a database
session of its own (the request's is closed once the view returns).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms import clock
from lms.audit import services as audit
from lms.auth.guards import role_required
from lms.auth.models import Role
from lms.extensions import db
from lms.oversight import export_queries, exports, queries
from lms.oversight.filters import FilterError, parse

bp = Blueprint("exports", __name__)

Writer = Callable[[Sequence[str], Iterable[Sequence[Any]]], Iterator[bytes]]
FORMATS: dict[str, tuple[Writer, str]] = {
    "csv": (exports.csv_chunks, exports.CSV_MEDIA_TYPE),
    "xlsx": (exports.xlsx_chunks, exports.XLSX_MEDIA_TYPE),
}


@bp.get("/oversight/export.csv")
@role_required(Role.OVERSEER)
def state_csv() -> Response:
    return _export("csv", None)


@bp.get("/oversight/export.xlsx")
@role_required(Role.OVERSEER)
def state_xlsx() -> Response:
    return _export("xlsx", None)


@bp.get("/agency/export.csv")
@login_required
def agency_csv() -> Response:
    return _export("csv", _own_agency())


@bp.get("/agency/export.xlsx")
@login_required
def agency_xlsx() -> Response:
    return _export("xlsx", _own_agency())


def _own_agency() -> int:
    """Return the coordinator's agency; anyone else (oversight included) gets 403."""
    if current_user.role != Role.COORDINATOR or current_user.agency_id is None:
        abort(403)
    return int(current_user.agency_id)


def _export(kind: str, agency_id: int | None) -> Response:
    """Parse the filters (a coordinator's agency forced), audit, then stream the file."""
    today = clock.today()
    try:
        filters = parse(request.args, queries.known(db.session, agency_id))
    except FilterError as error:
        abort(400, str(error))
    if agency_id is not None:
        filters = replace(filters, agency=agency_id)
    total = export_queries.count(db.session, filters, today)
    if kind == "xlsx" and total >= exports.XLSX_MAX_ROWS:
        abort(400, f"{total:,} rows do not fit in one XLSX sheet: export CSV, or add filters.")
    scope = "state" if agency_id is None else f"agency:{agency_id}"
    data = {"format": kind, "scope": scope, "filters": filters.as_dict(), "rows": total}
    audit.record(db.session, f"export.{kind}", scope, data, clock.now(), current_user.id)
    db.session.commit()

    writer, media_type = FORMATS[kind]
    rows = exports.table(export_queries.streamed_rows(db.engine, filters, today))
    response = Response(writer(exports.header(), rows), content_type=media_type)
    name = exports.filename("state" if agency_id is None else f"agency-{agency_id}", today, kind)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
