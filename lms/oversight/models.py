"""Statutory training requirements, snapshotted from ``content/requirements.yml``.

Like courses, a requirement lives in git and the database holds versions of it: a change
bumps ``version`` and is written to the audit trail; a requirement removed from content is
retired (``active`` False), never deleted, so past reports can still name it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, String, Text
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
