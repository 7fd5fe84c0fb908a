"""The audit trail: one row per consequential action, each carrying the previous row's hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    #: None for the system (a CLI run without a named user, a scheduled job).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: A dotted verb, e.g. "quiz.rescore", "role.change", "certificate.revoke".
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: What it was done to, e.g. "question:foundations/tvpa-minor-consent".
    subject: Mapped[str] = mapped_column(String(200), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: sha256 over prev_hash and this row's canonical content; see lms/audit/chain.py.
    hash: Mapped[str] = mapped_column(String(64), unique=True)
