"""External credit: a learner's claim, an overseer's decision (services flush, views commit)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session

from lms.audit.services import record
from lms.auth.models import User
from lms.oversight.evidence import Evidence
from lms.oversight.models import CreditStatus, ExternalCredit, ExternalCreditFile
from lms.oversight.standings import refresh_learner


class DecisionError(ValueError):
    """The decision cannot be recorded; the message says why."""


def submit_credit(
    db: Session,
    user: User,
    requirement_keys: list[str],
    title: str,
    provider: str,
    completed_on: date,
    hours: Decimal,
    evidence: Evidence,
    now: datetime,
) -> ExternalCredit:
    """Store a learner's claim of external training with its evidence, pending a decision."""
    credit = ExternalCredit(
        user_id=user.id,
        requirement_keys=list(requirement_keys),
        title=title.strip(),
        provider=provider.strip(),
        completed_on=completed_on,
        hours=hours,
        status=CreditStatus.PENDING,
        submitted_at=now,
    )
    db.add(credit)
    db.flush()
    db.add(
        ExternalCreditFile(
            credit_id=credit.id,
            filename=evidence.filename,
            media_type=evidence.media_type,
            size=evidence.size,
            sha256=evidence.sha256,
            body=evidence.body,
        )
    )
    db.flush()
    return credit


def approve_credit(
    db: Session,
    credit: ExternalCredit,
    keys: Collection[str],
    valid_until: date | None,
    note: str,
    overseer: User,
    now: datetime,
) -> None:
    """Approve ``credit`` for ``keys`` (a subset of those claimed) until ``valid_until``."""
    _undecided(db, credit)
    if valid_until is None:
        raise DecisionError("Enter the date until which the credit counts.")
    if valid_until <= credit.completed_on:
        raise DecisionError("The credit must count until a date after the training was completed.")
    chosen = [k for k in credit.requirement_keys if k in set(keys)]
    if not chosen:
        raise DecisionError("Choose at least one of the requirements the learner claimed.")
    credit.requirement_keys = chosen
    _decide(credit, CreditStatus.APPROVED, note, overseer, now)
    credit.valid_until = valid_until
    db.flush()
    data = {"requirements": chosen, "valid_until": valid_until.isoformat(), "note": note}
    record(db, "credit.approve", f"credit:{credit.id}", data, now, overseer.id)
    refresh_learner(db, credit.user_id, now)


def reject_credit(
    db: Session, credit: ExternalCredit, note: str, overseer: User, now: datetime
) -> None:
    """Reject ``credit``; the note, which the learner sees, is required."""
    _undecided(db, credit)
    if not note.strip():
        raise DecisionError("Enter a note saying why the credit is rejected.")
    _decide(credit, CreditStatus.REJECTED, note, overseer, now)
    db.flush()
    record(db, "credit.reject", f"credit:{credit.id}", {"note": note}, now, overseer.id)


def _undecided(db: Session, credit: ExternalCredit) -> None:
    """Claim the pending credit for this decision, or refuse: a decision is final.

    The conditional UPDATE waits for, then sees, a concurrent overseer's decision (row lock on
    PostgreSQL, the write lock on SQLite), so two decisions at once cannot both be recorded.
    """
    claimed = (
        credit.status == CreditStatus.PENDING
        and db.execute(
            update(ExternalCredit)
            .where(ExternalCredit.id == credit.id, ExternalCredit.status == CreditStatus.PENDING)
            .values(status=CreditStatus.PENDING)
        ).rowcount
    )
    if not claimed:
        db.refresh(credit)
        raise DecisionError(f"This credit was already {credit.status}; a decision is final.")


def _decide(
    credit: ExternalCredit, status: CreditStatus, note: str, overseer: User, now: datetime
) -> None:
    credit.status = status
    credit.decided_by_id = overseer.id
    credit.decided_at = now
    credit.decision_note = note.strip() or None
