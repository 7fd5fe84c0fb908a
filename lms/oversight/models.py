"""Statutory training requirements, snapshotted from ``content/requirements.yml``.

Like courses, a requirement lives in git and the database holds versions of it: a change
bumps ``version`` and is written to the audit trail; a requirement removed from content is
retired (``active`` False), never deleted, so past reports can still name it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base


class Requirement(Base):
    __tablename__ = "requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The stable id from requirements.yml, e.g. "core-response".
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    #: The statute or rule it implements, as text.
    citation: Mapped[str] = mapped_column(Text)
    #: Discipline slugs and agency types it applies to (a learner is covered if either matches).
    disciplines: Mapped[list[str]] = mapped_column(JSON)
    agency_types: Mapped[list[str]] = mapped_column(JSON)
    #: Course slugs that together satisfy it.
    courses: Mapped[list[str]] = mapped_column(JSON)
    initial_deadline_days: Mapped[int]
    effective_date: Mapped[date]
    existing_staff_deadline_days: Mapped[int]
    #: None: a one-time requirement.
    renewal_months: Mapped[int | None]
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    synced_at: Mapped[datetime]


class CreditStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ExternalCredit(Base):
    """Training done elsewhere, claimed by a learner and decided once by an overseer.

    Never deleted: an approval is the record of why a learner counts as meeting a requirement.
    ``valid_until`` is exclusive, like a certificate's expiry: on that day it no longer counts.
    """

    __tablename__ = "external_credits"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status_valid"),
        CheckConstraint(
            "status != 'approved' OR valid_until IS NOT NULL", name="approval_has_expiry"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Requirement keys claimed by the learner; on approval, those the overseer accepted.
    requirement_keys: Mapped[list[str]] = mapped_column(JSON)
    #: The name of the training taken elsewhere.
    title: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str] = mapped_column(String(300))
    completed_on: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    status: Mapped[str] = mapped_column(String(20), default=CreditStatus.PENDING, index=True)
    submitted_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    #: Set on approval: the first day the credit no longer counts.
    valid_until: Mapped[date | None]


class ExternalCreditFile(Base):
    """The uploaded evidence, apart from the credit row so listings stay light."""

    __tablename__ = "external_credit_files"

    credit_id: Mapped[int] = mapped_column(
        ForeignKey("external_credits.id", ondelete="CASCADE"), primary_key=True
    )
    #: The learner's file name, cleaned; only ever sent back as a download name.
    filename: Mapped[str] = mapped_column(String(200))
    #: Sniffed from the bytes, never taken from the client.
    media_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)


class Standing(Base):
    """A learner's :class:`lms.oversight.compliance.Snapshot` for one requirement that covers them.

    Derived data, rebuilt by :mod:`lms.oversight.standings` whenever a fact behind it changes,
    so the state-wide dashboards aggregate statuses in SQL over one narrow table. Agency and
    discipline are copied from the user so breakdowns need no join through ``users``.
    """

    __tablename__ = "standings"
    __table_args__ = (
        Index("ix_standings_agency_id", "agency_id", "requirement_id"),
        Index("ix_standings_due_on", "due_on"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    requirement_id: Mapped[int] = mapped_column(ForeignKey("requirements.id"), primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    discipline_id: Mapped[int | None] = mapped_column(ForeignKey("disciplines.id"))
    due_on: Mapped[date | None]
    lapses_on: Mapped[date | None]
    busy_until: Mapped[date | None]
    #: The day the snapshot was taken; it holds for every later day until a fact changes.
    computed_on: Mapped[date]


class ReminderLog(Base):
    """One reminder sent: the unique key makes ``lms reminders send`` idempotent.

    ``window`` names what the message was about (for example the status, bucket and due date),
    so the same reminder is not sent twice while nothing has changed.
    """

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("recipient_id", "kind", "subject", "window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: 'learner' (one requirement) or 'digest' (a coordinator's summary).
    kind: Mapped[str] = mapped_column(String(20))
    #: A requirement key for a learner reminder; the agency id for a digest.
    subject: Mapped[str] = mapped_column(String(100))
    window: Mapped[str] = mapped_column(String(100))
    sent_at: Mapped[datetime]


class LearnerStanding(Base):
    """A learner's :class:`lms.oversight.urgency.LearnerSnapshot`: their requirements
    combined, so the dashboards count learners with one row each. Rebuilt with the learner's
    standings (no row when no requirement covers them)."""

    __tablename__ = "learner_standings"
    __table_args__ = (Index("ix_learner_standings_agency_id", "agency_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    discipline_id: Mapped[int | None] = mapped_column(ForeignKey("disciplines.id"))
    due_on: Mapped[date | None]
    overdue_after: Mapped[date | None]
    idle_from: Mapped[date | None]
    unmet_from: Mapped[date | None]
    computed_on: Mapped[date]
