"""Keep the ``standings`` table in step with the facts behind it.

A standing is the pure core's :class:`~lms.oversight.compliance.Snapshot` of one learner and one
requirement that covers them. It holds for every later day until a fact changes, so it is
rebuilt only when one does: the services that create a user, move them to another agency,
enrol them, issue, revoke, suspend or reinstate a certificate, or approve a credit call
:func:`refresh_learner`, and a requirements sync (or ``lms compliance refresh``) rebuilds
every learner. Each learner's snapshots are also combined into one ``learner_standings`` row
(:class:`~lms.oversight.urgency.LearnerSnapshot`). ``lms compliance check`` compares both
tables with a fresh computation and reports any drift.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.orm import Session

from lms.auth.models import Agency, Discipline, User
from lms.certificates.models import Certificate
from lms.courses.models import Course, Enrollment
from lms.courses.requirements import RequirementSpec
from lms.oversight import compliance, urgency
from lms.oversight.models import (
    CreditStatus,
    ExternalCredit,
    LearnerStanding,
    Requirement,
    Standing,
)

#: Learners rebuilt per batch: bounds memory and statement size on a state-wide rebuild.
BATCH = 2000


@dataclass(frozen=True)
class Row:
    """One standing as stored (also what :func:`check` compares)."""

    user_id: int
    requirement_id: int
    agency_id: int | None
    discipline_id: int | None
    snapshot: compliance.Snapshot


def refresh(db: Session, today: date, user_ids: Collection[int] | None = None) -> int:
    """Rebuild the standings of ``user_ids`` (every user when None); return the rows written."""
    requirements = _requirements(db)
    written = 0
    for where in _batches(db, user_ids):
        rows = list(_compute(db, requirements, where, today))
        for table in (Standing, LearnerStanding):
            db.execute(
                delete(table).where(_user_filter(table.user_id, where)),
                execution_options={"synchronize_session": False},
            )
        if rows:
            db.execute(
                insert(LearnerStanding), [_learner_values(r, today) for r in _learners(rows)]
            )
            db.execute(
                insert(Standing),
                [
                    {
                        "user_id": r.user_id,
                        "requirement_id": r.requirement_id,
                        "agency_id": r.agency_id,
                        "discipline_id": r.discipline_id,
                        "due_on": r.snapshot.due_on,
                        "lapses_on": r.snapshot.lapses_on,
                        "busy_until": r.snapshot.busy_until,
                        "computed_on": today,
                    }
                    for r in rows
                ],
            )
        written += len(rows)
    return written


def _learners(rows: list[Row]) -> list[tuple[Row, urgency.LearnerSnapshot]]:
    """Group a batch's rows (in learner order) into one combined snapshot per learner."""
    found = []
    for _, group in groupby(rows, key=lambda r: r.user_id):
        mine = list(group)
        found.append((mine[0], urgency.learner_snapshot(r.snapshot for r in mine)))
    return found


def _learner_values(pair: tuple[Row, urgency.LearnerSnapshot], today: date) -> dict[str, Any]:
    first, snap = pair
    return {
        "user_id": first.user_id,
        "agency_id": first.agency_id,
        "discipline_id": first.discipline_id,
        "due_on": snap.due_on,
        "overdue_after": snap.overdue_after,
        "idle_from": snap.idle_from,
        "unmet_from": snap.unmet_from,
        "computed_on": today,
    }


def compute(db: Session, today: date, user_ids: Collection[int] | None = None) -> Iterator[Row]:
    """Yield fresh standings as of ``today`` without storing them (every user when None).

    For reports on a past day: the facts as they stand now (revocations included), with only
    certificates issued by ``today`` counted. Batched like :func:`refresh`.
    """
    requirements = _requirements(db)
    for where in _batches(db, user_ids):
        yield from _compute(db, requirements, where, today)


def refresh_learner(db: Session, user_id: int, now: datetime) -> None:
    """Rebuild one learner's standings after a service changed a fact about them."""
    refresh(db, now.date(), (user_id,))


def check(db: Session, today: date) -> list[str]:
    """Return a line per standing that differs from a fresh computation (empty: in step)."""
    requirements = _requirements(db)
    problems: list[str] = []
    for where in _batches(db, None):
        fresh = {(r.user_id, r.requirement_id): r for r in _compute(db, requirements, where, today)}
        stored = {
            (s.user_id, s.requirement_id): Row(
                s.user_id,
                s.requirement_id,
                s.agency_id,
                s.discipline_id,
                compliance.Snapshot(s.due_on, s.lapses_on, s.busy_until),
            )
            for s in db.scalars(select(Standing).where(_user_filter(Standing.user_id, where)))
        }
        for key in sorted(fresh.keys() | stored.keys()):
            if fresh.get(key) != stored.get(key):
                problems.append(
                    f"user {key[0]}, requirement {key[1]}: stored {stored.get(key)}, "
                    f"expected {fresh.get(key)}"
                )
        rows = sorted(fresh.values(), key=lambda r: r.user_id)
        expected = {r.user_id: (r.agency_id, r.discipline_id, snap) for r, snap in _learners(rows)}
        found = {
            s.user_id: (
                s.agency_id,
                s.discipline_id,
                urgency.LearnerSnapshot(s.due_on, s.overdue_after, s.idle_from, s.unmet_from),
            )
            for s in db.scalars(
                select(LearnerStanding).where(_user_filter(LearnerStanding.user_id, where))
            )
        }
        for user_id in sorted(expected.keys() | found.keys()):
            if expected.get(user_id) != found.get(user_id):
                problems.append(
                    f"user {user_id} (combined): stored {found.get(user_id)}, "
                    f"expected {expected.get(user_id)}"
                )
    return problems


# -- internals ----------------------------------------------------------------------------------

#: A batch of learners: an explicit id list, or an inclusive id range.
_Where = tuple[int, ...] | range


def _batches(db: Session, user_ids: Collection[int] | None) -> Iterator[_Where]:
    if user_ids is not None:
        ids = sorted(set(user_ids))
        for start in range(0, len(ids), BATCH):
            yield tuple(ids[start : start + BATCH])
        return
    low, high = db.execute(select(func.min(User.id), func.max(User.id))).one()
    if low is None:
        return
    for start in range(low, high + 1, BATCH):
        yield range(start, min(start + BATCH, high + 1))


def _user_filter(column: ColumnElement[int], where: _Where) -> ColumnElement[bool]:
    if isinstance(where, range):
        return column.between(where.start, where.stop - 1)
    return column.in_(where)


def _requirements(db: Session) -> list[tuple[int, RequirementSpec]]:
    from lms.oversight.queries import spec_of  # queries imports this module's table

    rows = db.scalars(select(Requirement).where(Requirement.active).order_by(Requirement.id))
    return [(row.id, spec_of(row)) for row in rows]


def _compute(
    db: Session, requirements: list[tuple[int, RequirementSpec]], where: _Where, today: date
) -> Iterator[Row]:
    if not requirements:
        return
    learners = db.execute(
        select(
            User.id,
            User.agency_id,
            User.discipline_id,
            Discipline.slug,
            Agency.type,
            User.employment_start,
        )
        .outerjoin(Discipline, Discipline.id == User.discipline_id)
        .outerjoin(Agency, Agency.id == User.agency_id)
        .where(_user_filter(User.id, where), User.active)
    ).all()
    if not learners:
        return
    held: dict[int, list[compliance.Held]] = defaultdict(list)
    for user_id, slug, issued, expires, status in db.execute(
        select(
            Certificate.user_id,
            Course.slug,
            Certificate.issued_at,
            Certificate.expires_at,
            Certificate.status,
        )
        .join(Course, Course.id == Certificate.course_id)
        .where(_user_filter(Certificate.user_id, where))
    ):
        held[user_id].append(
            compliance.Held(slug, issued.date(), expires.date() if expires else None, status)
        )
    credits: dict[int, list[compliance.Credit]] = defaultdict(list)
    for user_id, keys, until in db.execute(
        select(ExternalCredit.user_id, ExternalCredit.requirement_keys, ExternalCredit.valid_until)
        .where(_user_filter(ExternalCredit.user_id, where))
        .where(ExternalCredit.status == CreditStatus.APPROVED)
    ):
        credits[user_id].extend(compliance.Credit(key, until) for key in keys)
    started: dict[int, set[str]] = defaultdict(set)
    for user_id, slug in db.execute(
        select(Enrollment.user_id, Course.slug)
        .join(Course, Course.id == Enrollment.course_id)
        .where(_user_filter(Enrollment.user_id, where))
    ):
        started[user_id].add(slug)

    for user_id, agency_id, discipline_id, slug, agency_type, start in learners:
        learner = compliance.Learner(slug, str(agency_type) if agency_type else None, start)
        for requirement_id, spec in requirements:
            if compliance.applies(spec, learner):
                snap = compliance.snapshot(
                    spec, learner, held[user_id], credits[user_id], started[user_id], today
                )
                yield Row(user_id, requirement_id, agency_id, discipline_id, snap)
