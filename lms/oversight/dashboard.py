"""Read side of the oversight dashboards: a few aggregate queries over ``standings``.

Each page runs a fixed number of statements whatever the size of the state (a test counts
them): the figures come from two GROUP BY queries rolled up in :mod:`lms.oversight.rollup`,
lists are offset-paged, and a learner list fetches one page of learners and then their
standings in one statement. The agencies and names a page loads once also give the values
its filters may take (:func:`known_of`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from lms.auth.models import Agency, AgencyType, Discipline, User
from lms.certificates.models import Certificate
from lms.courses.models import Course, Enrollment
from lms.oversight import compliance, urgency
from lms.oversight.filters import Filters, Known
from lms.oversight.models import LearnerStanding, Requirement, Standing
from lms.oversight.queries import conditions, status_code
from lms.oversight.rollup import AgencyInfo, Board, PairCell, PersonCell, board

#: Learners per page of an agency's list, rows per page of the due lists.
PAGE = 50


def _urgency(today: date) -> ColumnElement[int]:
    """SQL: the position of a standing's status in ``urgency.URGENCY`` (0: most urgent)."""
    ranks = {c: urgency.URGENCY.index(s) for c, (s, _, _) in compliance.CODES.items()}
    return status_code(today, lambda code: literal(ranks[code]))


def _met(today: date) -> ColumnElement[int]:
    return case((Standing.lapses_on > today, 1), else_=0)


def learner_urgency(today: date) -> ColumnElement[int]:
    """SQL mirror of ``urgency.learner_status_on`` over learner standings, as the position
    of the status in ``urgency.URGENCY`` (a test holds the two together)."""
    ls = LearnerStanding
    rank = urgency.URGENCY.index
    Status = compliance.Status
    return case(
        (and_(ls.due_on < today, ls.overdue_after < today), rank(Status.OVERDUE)),
        (ls.due_on < today, rank(Status.EXPIRED)),
        (ls.due_on <= today + timedelta(days=compliance.BUCKETS[-1]), rank(Status.DUE_SOON)),
        (ls.idle_from <= today, rank(Status.NOT_STARTED)),
        (ls.unmet_from <= today, rank(Status.IN_PROGRESS)),
        else_=rank(Status.COMPLIANT),
    )


def learner_all_met(today: date) -> ColumnElement[int]:
    ls = LearnerStanding
    return case((or_(ls.unmet_from.is_(None), ls.unmet_from > today), 1), else_=0)


def pair_cells(db: Session, filters: Filters, today: date) -> list[PairCell]:
    """Return pairs counted by agency, discipline, requirement and status code (one query)."""
    code = status_code(today).label("code")
    rows = db.execute(
        select(
            Standing.agency_id,
            Standing.discipline_id,
            Standing.requirement_id,
            code,
            func.count(),
        )
        .where(*conditions(filters, today))
        .group_by(Standing.agency_id, Standing.discipline_id, Standing.requirement_id, code)
    )
    return [PairCell._make(row) for row in rows]


def person_cells(db: Session, filters: Filters, today: date) -> list[PersonCell]:
    """Return learners counted by agency, discipline, most urgent status and all-met (one
    query): over the learner standings (one row each), or, when a requirement or status
    filter narrows what counts, over their standings grouped per learner."""
    if filters.requirement is not None or filters.status is not None:
        return person_cells_grouped(db, filters, today)
    ls = LearnerStanding
    rank, met = learner_urgency(today).label("u"), learner_all_met(today).label("m")
    rows = db.execute(
        select(ls.agency_id, ls.discipline_id, rank, met, func.count())
        .where(*conditions(filters, today, ls))
        .group_by(ls.agency_id, ls.discipline_id, rank, met)
    )
    return [PersonCell(a, d, urgency.URGENCY[int(u)], bool(m), n) for a, d, u, m, n in rows]


def person_cells_grouped(db: Session, filters: Filters, today: date) -> list[PersonCell]:
    """:func:`person_cells` from the standings, grouped per learner (any filter)."""
    per_user = (
        select(
            Standing.agency_id.label("agency_id"),
            Standing.discipline_id.label("discipline_id"),
            func.min(_urgency(today)).label("urgency"),
            func.min(_met(today)).label("all_met"),
        )
        .where(*conditions(filters, today))
        .group_by(Standing.user_id, Standing.agency_id, Standing.discipline_id)
        .subquery()
    )
    c = per_user.c
    rows = db.execute(
        select(c.agency_id, c.discipline_id, c.urgency, c.all_met, func.count()).group_by(
            c.agency_id, c.discipline_id, c.urgency, c.all_met
        )
    )
    return [PersonCell(a, d, urgency.URGENCY[int(u)], bool(m), n) for a, d, u, m, n in rows]


def agencies(db: Session, agency_id: int | None = None) -> dict[int, AgencyInfo]:
    """Return agencies by id (one, with ``agency_id``)."""
    query = select(Agency.id, Agency.name, Agency.type, Agency.county, Agency.region)
    if agency_id is not None:
        query = query.where(Agency.id == agency_id)
    return {i: AgencyInfo(n, str(t), c, r) for i, n, t, c, r in db.execute(query)}


@dataclass(frozen=True)
class Names:
    disciplines: dict[int, str]
    #: Discipline name by slug (filters name disciplines by slug).
    discipline_slugs: dict[str, str]
    #: Active requirements, by id, in name order.
    requirements: dict[int, str]
    requirement_keys: dict[int, str]


def names(db: Session) -> Names:
    """Return discipline and requirement names (two queries)."""
    found = db.execute(select(Discipline.id, Discipline.slug, Discipline.name)).all()
    disciplines = {i: n for i, _, n in found}
    slugs = {s: n for _, s, n in found}
    rows = db.execute(
        select(Requirement.id, Requirement.name, Requirement.key)
        .where(Requirement.active)
        .order_by(Requirement.name)
    ).all()
    return Names(disciplines, slugs, {i: n for i, n, _ in rows}, {i: k for i, _, k in rows})


def known_of(found: dict[int, AgencyInfo], named: Names) -> Known:
    """Return the values filters may take, from the agencies and names a page has loaded."""
    return Known(
        agency_types={a.type for a in found.values()},
        regions={a.region for a in found.values()},
        counties={a.county for a in found.values()},
        disciplines=set(named.discipline_slugs),
        requirements=set(named.requirement_keys.values()),
        agencies=set(found),
    )


def dashboard(
    db: Session,
    filters: Filters,
    today: date,
    found: dict[int, AgencyInfo],
    named: Names,
    agency_id: int | None = None,
) -> Board:
    """Return the board for the state (or one agency) from ``found`` agencies and ``named``
    disciplines and requirements. Two queries."""
    scoped = filters if agency_id is None else replace(filters, agency=agency_id)
    return board(
        pair_cells(db, scoped, today),
        person_cells(db, scoped, today),
        found,
        named.disciplines,
        named.requirements,
        {t.value: t.label for t in AgencyType},
    )


# -- lists -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueRow:
    user_id: int
    learner: str
    agency_id: int | None
    agency: str | None
    requirement: str
    code: str
    due_on: date | None


#: The two lists and the status codes they show.
LISTS = {
    "soon": {c for c, (s, _, _) in compliance.CODES.items() if s is compliance.Status.DUE_SOON},
    "breach": {"overdue", "expired"},
}


def due_list(
    db: Session, filters: Filters, today: date, which: str, page: int = 1, size: int = PAGE
) -> tuple[list[DueRow], bool]:
    """Return one page of the due-soon or in-breach list, soonest (or longest overdue) first,
    and whether there is a next page. One query."""
    code = status_code(today).label("code")
    window = (  # the due dates that hold these codes, so the due_on index narrows the scan
        and_(
            Standing.due_on >= today,
            Standing.due_on <= today + timedelta(days=compliance.BUCKETS[-1]),
        )
        if which == "soon"
        else Standing.due_on < today
    )
    rows = db.execute(
        select(
            Standing.user_id,
            User.name,
            Standing.agency_id,
            Agency.name,
            Requirement.name,
            code,
            Standing.due_on,
        )
        .join(User, User.id == Standing.user_id)
        .join(Requirement, Requirement.id == Standing.requirement_id)
        .outerjoin(Agency, Agency.id == Standing.agency_id)
        .where(window, code.in_(sorted(LISTS[which])), *conditions(filters, today))
        .order_by(Standing.due_on, User.name, Standing.user_id, Requirement.name)
        .limit(size + 1)
        .offset((page - 1) * size)
    ).all()
    return [DueRow(*row) for row in rows[:size]], len(rows) > size


@dataclass(frozen=True)
class LearnerRow:
    user_id: int
    name: str
    discipline: str | None
    #: Requirement id -> status code (requirements that do not cover the learner are absent).
    codes: dict[int, str]


def agency_learners(
    db: Session, agency_id: int, filters: Filters, today: date, page: int = 1
) -> tuple[list[LearnerRow], int]:
    """Return one page of an agency's learners with their status on each requirement, and
    how many learners match. Three queries (count, page, their standings)."""
    matching = select(Standing.user_id).where(
        Standing.agency_id == agency_id, *conditions(filters, today)
    )
    users = (
        select(User.id)
        .where(User.agency_id == agency_id, User.active, User.id.in_(matching))
        .order_by(User.name, User.id)
    )
    total = db.scalar(select(func.count()).select_from(users.subquery())) or 0
    page_rows = db.execute(
        select(User.id, User.name, Discipline.name)
        .outerjoin(Discipline, Discipline.id == User.discipline_id)
        .where(User.id.in_(users.limit(PAGE).offset((page - 1) * PAGE).scalar_subquery()))
        .order_by(User.name, User.id)
    ).all()
    codes: dict[int, dict[int, str]] = defaultdict(dict)
    ids = [row[0] for row in page_rows]
    if ids:
        for user_id, requirement_id, code in db.execute(
            select(Standing.user_id, Standing.requirement_id, status_code(today)).where(
                Standing.user_id.in_(ids)
            )
        ):
            codes[user_id][requirement_id] = code
    rows = [LearnerRow(i, name, d, codes.get(i, {})) for i, name, d in page_rows]
    return rows, int(total)


def learner_in_scope(db: Session, user_id: int, agency_id: int | None) -> User | None:
    """Return the learner if the viewer may see them (``agency_id`` None: state-wide)."""
    query = select(User).where(User.id == user_id)
    if agency_id is not None:
        query = query.where(User.agency_id == agency_id)
    return db.scalar(query)


@dataclass(frozen=True)
class CertificateLine:
    serial: str
    course: str
    issued_on: date
    expires_on: date | None
    status: str
    superseded: bool


@dataclass(frozen=True)
class CourseLine:
    course: str
    started_on: date
    completed_on: date | None
    cycle: int


@dataclass(frozen=True)
class Record:
    certificates: list[CertificateLine]
    courses: list[CourseLine]


def learner_record(db: Session, user_id: int) -> Record:
    """Return a learner's certificates (newest first) and courses started. Two queries."""
    certificates = [
        CertificateLine(s, c, i.date(), e.date() if e else None, st, sup is not None)
        for s, c, i, e, st, sup in db.execute(
            select(
                Certificate.serial,
                Certificate.course_title,
                Certificate.issued_at,
                Certificate.expires_at,
                Certificate.status,
                Certificate.superseded_by_id,
            )
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    ]
    courses = [
        CourseLine(t, s.date(), c.date() if c else None, cy)
        for t, s, c, cy in db.execute(
            select(Course.title, Enrollment.started_at, Enrollment.completed_at, Enrollment.cycle)
            .join(Course, Course.id == Enrollment.course_id)
            .where(Enrollment.user_id == user_id)
            .order_by(Course.title)
        )
    ]
    return Record(certificates, courses)
