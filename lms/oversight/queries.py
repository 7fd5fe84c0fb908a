"""Read side of oversight: requirements and a learner's compliance with each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import Agency, Discipline, User
from lms.certificates.models import Certificate
from lms.courses.models import Course, Enrollment
from lms.courses.requirements import RequirementSpec
from lms.oversight import compliance
from lms.oversight.models import Requirement


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
class Standing:
    """One requirement as it stands for one learner."""

    requirement: Requirement
    result: compliance.Compliance
    #: Titles of the courses that satisfy it, in the requirement's order.
    course_titles: tuple[str, ...]


def learner_standing(db: Session, user: User, today: date) -> list[Standing]:
    """Return the learner's compliance with every active requirement that covers them.

    Five queries: requirements, the learner's discipline and agency type, certificates, and
    the courses started, course titles. (The state-wide dashboards compute the same in bulk.)
    """
    rows = db.scalars(select(Requirement).where(Requirement.active).order_by(Requirement.name))
    facts = db.execute(
        select(Discipline.slug, Agency.type)
        .select_from(User)
        .outerjoin(Discipline, Discipline.id == User.discipline_id)
        .outerjoin(Agency, Agency.id == User.agency_id)
        .where(User.id == user.id)
    ).one()
    learner = compliance.Learner(
        facts[0], str(facts[1]) if facts[1] else None, user.employment_start
    )
    held = [
        compliance.Held(slug, cert.issued_at.date(), _day(cert.expires_at), cert.status)
        for cert, slug in db.execute(
            select(Certificate, Course.slug)
            .join(Course, Course.id == Certificate.course_id)
            .where(Certificate.user_id == user.id)
        )
    ]
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
            result = compliance.classify(spec, learner, held, (), started, today)
            names = tuple(titles.get(slug, slug) for slug in spec.courses)
            found.append(Standing(row, result, names))
    return found


def _day(moment) -> date | None:  # type: ignore[no-untyped-def]
    return moment.date() if moment is not None else None
