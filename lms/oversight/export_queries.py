"""Read side of the compliance exports: one row per learner and requirement, streamed.

The rows come from ``standings`` (one narrow row per learner x requirement) joined to the
names people read; today's status is computed in SQL by :func:`queries.status_code`, and the
filters are the dashboards' own (:func:`queries.conditions`), so an export holds exactly what
the page showed. Rows are fetched ``YIELD_PER`` at a time (a server-side cursor on PostgreSQL),
so a state-wide export never holds the whole result in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from lms.auth.models import Agency, AgencyType, Discipline, User
from lms.oversight.exports import ExportRow
from lms.oversight.filters import Filters
from lms.oversight.models import Requirement, Standing
from lms.oversight.queries import conditions, status_code

#: Rows fetched per round trip while streaming.
YIELD_PER = 2000
_TYPE_LABELS = {t.value: t.label for t in AgencyType}


def _rows_query(filters: Filters, today: date) -> Select[tuple]:  # type: ignore[type-arg]
    s = Standing
    return (
        select(
            User.name,
            User.email,
            Agency.name,
            Agency.type,
            Agency.county,
            Agency.region,
            Discipline.name,
            Requirement.name,
            status_code(today),
            s.due_on,
            s.lapses_on,
        )
        .select_from(s)
        .join(User, User.id == s.user_id)
        .join(Requirement, Requirement.id == s.requirement_id)
        .outerjoin(Agency, Agency.id == s.agency_id)
        .outerjoin(Discipline, Discipline.id == s.discipline_id)
        .where(*conditions(filters, today))
        .order_by(
            s.agency_id.is_(None),  # learners without an agency last, on every backend
            Agency.name,
            s.agency_id,
            User.name,
            s.user_id,
            Requirement.name,
            s.requirement_id,
        )
    )


def count(db: Session, filters: Filters, today: date) -> int:
    """Return how many rows :func:`rows` would yield (one query)."""
    query = select(func.count()).select_from(Standing).where(*conditions(filters, today))
    return db.scalar(query) or 0


def rows(db: Session, filters: Filters, today: date) -> Iterator[ExportRow]:
    """Yield the export rows for ``filters``, by agency, learner and requirement (one query).

    A generator: the query runs on the first ``next()``, and the cursor is closed when the
    generator finishes or is closed (a download the browser abandoned).
    """
    result = db.execute(_rows_query(filters, today), execution_options={"yield_per": YIELD_PER})
    try:
        for row in result:
            kind = row[3]
            yield ExportRow(
                row[0],
                row[1],
                row[2],
                None if kind is None else _TYPE_LABELS.get(str(kind), str(kind)),
                *row[4:],
            )
    finally:
        result.close()


def streamed_rows(engine: Engine, filters: Filters, today: date) -> Iterator[ExportRow]:
    """Yield :func:`rows` from a session of their own, closed when the generator ends.

    A streamed response is read after its view has returned and the request's session has
    been closed, so the stream must not borrow it (nor need a request context to find one).
    """
    with Session(engine) as session:
        yield from rows(session, filters, today)
