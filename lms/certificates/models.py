"""Certificates: one per learner, course and certification cycle; never deleted.

A certificate row is a record of fact at issuance (name, course version, score, hours and the
requirements it satisfied are copied, not joined), so later edits to a user or course never
rewrite what was certified. Its status changes (revoke, suspend, reinstate) update the row and
are written to the audit trail; the stored PDF and signed credential never change, because the
status is published separately (verify page and Bitstring Status List).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (
        #: Exactly once per learner, course and certification cycle.
        UniqueConstraint("user_id", "course_id", "cycle"),
        #: A status list position is used by one certificate only.
        UniqueConstraint("status_list", "status_index"),
        CheckConstraint("status IN ('active', 'revoked', 'suspended')", name="status_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Readable serial, e.g. HBR-2026-000123 (printed, quoted on the phone).
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    #: Verification code: 80 random bits as 16 Crockford base32 characters, no separators.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    #: The credential's id (urn:uuid:...).
    credential_id: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    cycle: Mapped[int]
    issued_at: Mapped[datetime]
    #: None when the course's certificates do not expire.
    expires_at: Mapped[datetime | None]

    # What was certified, copied at issuance.
    learner_name: Mapped[str] = mapped_column(String(200))
    discipline_name: Mapped[str | None] = mapped_column(String(200))
    course_title: Mapped[str] = mapped_column(String(300))
    course_version: Mapped[str] = mapped_column(String(32))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    quiz_version_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_versions.id"))
    score: Mapped[Fraction | None]
    pass_mark: Mapped[Fraction | None]
    #: [{"id": ..., "name": ...}] of the requirements the course satisfies at issuance.
    requirements: Mapped[list[dict[str, str]]] = mapped_column(JSON)

    status: Mapped[str] = mapped_column(String(16), default="active")
    #: Public reason category (see policy.REASONS); the free-text note stays internal.
    status_reason: Mapped[str | None] = mapped_column(String(32))
    status_note: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None]
    status_changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The next cycle's certificate, once the learner has recertified.
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    #: Bitstring Status List number and a random position in it (the same position is used
    #: in the revocation and the suspension list).
    status_list: Mapped[int]
    status_index: Mapped[int]

    pdf_sha256: Mapped[str] = mapped_column(String(64))
    #: The signed OpenBadgeCredential (eddsa-rdfc-2022 proof) and its VC-JWT form.
    credential: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    credential_jwt: Mapped[str] = mapped_column(Text, deferred=True)


class CertificateFile(Base):
    """The stored PDF bytes, apart from the certificate row so listings stay light."""

    __tablename__ = "certificate_files"

    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime]
