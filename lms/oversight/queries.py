"""Read side of oversight: requirements and a learner's compliance with each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, or_, select, true
from sqlalchemy.orm import Session

from lms.auth.models import Agency, Discipline, User
from lms.certificates.models import Certificate
from lms.courses.models import Course, Enrollment
from lms.courses.requirements import RequirementSpec
from lms.oversight import compliance
from lms.oversight.filters import Filters, Known, codes_for
from lms.oversight.models import (
    CreditStatus,
    ExternalCredit,
    ExternalCreditFile,
    LearnerStanding,
    Requirement,
    Standing,
)


def status_code(today: date, to: Callable[[str], object] | None = None) -> ColumnElement[Any]:
    """Return SQL for a standing's status code on ``today`` (mirrors ``compliance.status_on``).

    Only comparisons of stored dates with bound dates, so SQLite and PostgreSQL agree; a test
    checks it against the pure function over generated snapshots on both. With ``to``, each
    code is replaced by ``to(code)`` in the same expression (a rank, say), which costs one
    evaluation per row where a CASE over this CASE would cost one per code.
    """
    s = Standing
    out = to or (lambda code: code)
    met = s.lapses_on > today
    days = {b: today + timedelta(days=b) for b in compliance.BUCKETS}

    def bucket(prefix: str) -> ColumnElement[str]:
        return case(
            *((s.due_on <= days[b], out(f"{prefix}_{b}")) for b in compliance.BUCKETS[:-1]),
            else_=out(f"{prefix}_{compliance.BUCKETS[-1]}"),
        )

    return case(
        (and_(met, or_(s.due_on.is_(None), s.due_on > days[90])), out("compliant")),
        (met, bucket("renew")),
        (and_(s.due_on < today, s.lapses_on.is_(None)), out("overdue")),
        (s.due_on < today, out("expired")),
        (s.due_on <= days[90], bucket("due")),
        (s.busy_until > today, out("in_progress")),
        else_=out("not_started"),
    )


def known(db: Session, agency_id: int | None = None) -> Known:
    """Return the values filters may take (with ``agency_id``: that agency's only). Two queries."""
    agencies = db.execute(
        select(Agency.id, Agency.type, Agency.region, Agency.county).where(
            true() if agency_id is None else Agency.id == agency_id
        )
    ).all()
    return Known(
        agency_types={str(a.type) for a in agencies},
        regions={a.region for a in agencies},
        counties={a.county for a in agencies},
        disciplines=set(db.scalars(select(Discipline.slug))),
        requirements=set(db.scalars(select(Requirement.key).where(Requirement.active))),
        agencies={a.id for a in agencies},
    )


def conditions(
    filters: Filters, today: date, s: type[Standing] | type[LearnerStanding] = Standing
) -> list[ColumnElement[bool]]:
    """Return WHERE conditions on ``standings`` for ``filters`` (agency ones by sub-select).

    With ``s`` the learner standings, only the agency and discipline filters apply (a
    requirement or status filter is about one requirement: the caller must not pass one).
    """
    found: list[ColumnElement[bool]] = []
    on_agency = [
        column == value
        for column, value in (
            (Agency.type, filters.agency_type),
            (Agency.region, filters.region),
            (Agency.county, filters.county),
        )
        if value is not None
    ]
    if on_agency:
        found.append(s.agency_id.in_(select(Agency.id).where(*on_agency)))
    if filters.agency is not None:
        found.append(s.agency_id == filters.agency)
    if filters.discipline is not None:
        wanted = select(Discipline.id).where(Discipline.slug == filters.discipline)
        found.append(s.discipline_id == wanted.scalar_subquery())
    if s is LearnerStanding:
        if filters.requirement is not None or filters.status is not None:
            raise ValueError("learner standings span requirements and statuses")
        return found
    if filters.requirement is not None:
        wanted = select(Requirement.id).where(Requirement.key == filters.requirement)
        found.append(s.requirement_id == wanted.scalar_subquery())
    if filters.status is not None:
        found.append(status_code(today).in_(sorted(codes_for(filters.status))))  # type: ignore[union-attr]
    return found


def spec_of(row: Requirement) -> RequirementSpec:
    """Return the pure core's view of a stored requirement."""
    return RequirementSpec(
        id=row.key,
        name=row.name,
        citation=row.citation,
        disciplines=tuple(row.disciplines),
        agency_types=tuple(row.agency_types),
        courses=tuple(row.courses),
        initial_deadline_days=row.initial_deadline_days,
        effective_date=row.effective_date,
        existing_staff_deadline_days=row.existing_staff_deadline_days,
        renewal_months=row.renewal_months,
    )


@dataclass(frozen=True)
class RequirementStanding:
    """One requirement as it stands for one learner."""

    requirement: Requirement
    result: compliance.Compliance
    #: Titles of the courses that satisfy it, in the requirement's order.
    course_titles: tuple[str, ...]


def learner_facts(db: Session, user: User) -> compliance.Learner:
    """Return what the pure core needs to know about the learner (one query)."""
    facts = db.execute(
        select(Discipline.slug, Agency.type)
        .select_from(User)
        .outerjoin(Discipline, Discipline.id == User.discipline_id)
        .outerjoin(Agency, Agency.id == User.agency_id)
        .where(User.id == user.id)
    ).one()
    return compliance.Learner(facts[0], str(facts[1]) if facts[1] else None, user.employment_start)


def applicable_requirements(db: Session, user: User) -> list[Requirement]:
    """Return the active requirements that cover the learner, by name."""
    learner = learner_facts(db, user)
    rows = db.scalars(select(Requirement).where(Requirement.active).order_by(Requirement.name))
    return [row for row in rows if compliance.applies(spec_of(row), learner)]


def approved_credits(db: Session, user_id: int) -> list[compliance.Credit]:
    """Return one pure credit per requirement named by each of the learner's approvals."""
    rows = db.execute(
        select(ExternalCredit.requirement_keys, ExternalCredit.valid_until).where(
            ExternalCredit.user_id == user_id, ExternalCredit.status == CreditStatus.APPROVED
        )
    )
    return [compliance.Credit(key, until) for keys, until in rows for key in keys]


def learner_standing(db: Session, user: User, today: date) -> list[RequirementStanding]:
    """Return the learner's compliance with every active requirement that covers them.

    Six queries: requirements, the learner's discipline and agency type, certificates,
    approved external credits, the courses started, course titles. (The state-wide
    dashboards compute the same in bulk.)
    """
    rows = db.scalars(select(Requirement).where(Requirement.active).order_by(Requirement.name))
    learner = learner_facts(db, user)
    held = [
        compliance.Held(slug, cert.issued_at.date(), _day(cert.expires_at), cert.status)
        for cert, slug in db.execute(
            select(Certificate, Course.slug)
            .join(Course, Course.id == Certificate.course_id)
            .where(Certificate.user_id == user.id)
        )
    ]
    credits = approved_credits(db, user.id)
    started = frozenset(
        db.scalars(
            select(Course.slug)
            .join(Enrollment, Enrollment.course_id == Course.id)
            .where(Enrollment.user_id == user.id)
        )
    )
    titles = {slug: title for slug, title in db.execute(select(Course.slug, Course.title))}
    found = []
    for row in rows:
        spec = spec_of(row)
        if compliance.applies(spec, learner):
            result = compliance.classify(spec, learner, held, credits, started, today)
            names = tuple(titles.get(slug, slug) for slug in spec.courses)
            found.append(RequirementStanding(row, result, names))
    return found


# -- external credit -------------------------------------------------------------------------


def requirement_names(db: Session) -> dict[str, str]:
    """Return every requirement's name by key (retired ones too: old claims still name them)."""
    return {key: name for key, name in db.execute(select(Requirement.key, Requirement.name))}


def credits_of(db: Session, user_id: int) -> list[ExternalCredit]:
    """Return the learner's own claims, newest first."""
    return list(
        db.scalars(
            select(ExternalCredit)
            .where(ExternalCredit.user_id == user_id)
            .order_by(ExternalCredit.submitted_at.desc(), ExternalCredit.id.desc())
        )
    )


def credit(db: Session, credit_id: int, user_id: int | None = None) -> ExternalCredit | None:
    """Return a credit; with ``user_id``, only if it is that learner's own."""
    query = select(ExternalCredit).where(ExternalCredit.id == credit_id)
    if user_id is not None:
        query = query.where(ExternalCredit.user_id == user_id)
    return db.scalar(query)


def evidence(db: Session, credit_id: int, user_id: int | None = None) -> ExternalCreditFile | None:
    """Return a credit's evidence file; with ``user_id``, only if the credit is theirs."""
    query = (
        select(ExternalCreditFile)
        .join(ExternalCredit, ExternalCredit.id == ExternalCreditFile.credit_id)
        .where(ExternalCreditFile.credit_id == credit_id)
    )
    if user_id is not None:
        query = query.where(ExternalCredit.user_id == user_id)
    return db.scalar(query)


@dataclass(frozen=True)
class QueueRow:
    credit: ExternalCredit
    learner: str
    agency: str | None


def credit_queue(db: Session, limit: int = 500) -> list[QueueRow]:
    """Return claims for the overseers' queue: pending first (oldest first), then decided."""
    pending_first = case((ExternalCredit.status == CreditStatus.PENDING, 0), else_=1)
    rows = db.execute(
        select(ExternalCredit, User.name, Agency.name)
        .join(User, User.id == ExternalCredit.user_id)
        .outerjoin(Agency, Agency.id == User.agency_id)
        .order_by(
            pending_first,
            case((ExternalCredit.status == CreditStatus.PENDING, ExternalCredit.id), else_=None),
            ExternalCredit.decided_at.desc(),
            ExternalCredit.id.desc(),
        )
        .limit(limit)
    )
    return [QueueRow(c, name, agency) for c, name, agency in rows]


def _day(moment) -> date | None:  # type: ignore[no-untyped-def]
    return moment.date() if moment is not None else None
