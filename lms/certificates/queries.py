"""Read side of certificates: a learner's own, public verification, status lists, search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from lms.audit.models import AuditEvent
from lms.auth.models import User
from lms.certificates import policy
from lms.certificates.models import Certificate, CertificateFile
from lms.courses.models import Course


@dataclass(frozen=True)
class Held:
    """One of a learner's certificates with what the pages show about it."""

    cert: Certificate
    course_slug: str
    status: policy.Status
    renewal: policy.Renewal
    window_opens: datetime | None


def held(db: Session, user_id: int, window_days: int, now: datetime) -> list[Held]:
    """Return the learner's certificates, newest first, with status and renewal state."""
    rows = db.execute(
        select(Certificate, Course.slug)
        .join(Course, Course.id == Certificate.course_id)
        .where(Certificate.user_id == user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ).all()
    found = []
    for cert, slug in rows:
        superseded = cert.superseded_by_id is not None
        status = policy.public_status(cert.status, cert.expires_at, superseded, now)
        renewal = policy.renewal(cert.status, cert.expires_at, superseded, window_days, now)
        opens = policy.window_opens(cert.expires_at, window_days) if cert.expires_at else None
        found.append(Held(cert, slug, status, renewal, opens))
    return found


def own(db: Session, serial: str, user_id: int) -> Certificate | None:
    """Return the learner's own certificate by serial; anyone else's is not found."""
    return db.scalar(
        select(Certificate).where(Certificate.serial == serial, Certificate.user_id == user_id)
    )


#: Built once: a download is one indexed lookup that checks ownership in the same statement.
_OWN_PDF = (
    select(CertificateFile.pdf, Certificate.pdf_sha256)
    .join(Certificate, Certificate.id == CertificateFile.certificate_id)
    .where(Certificate.serial == bindparam("serial"), Certificate.user_id == bindparam("user"))
)


def own_pdf(db: Session, serial: str, user_id: int) -> tuple[bytes, str] | None:
    """Return the stored PDF and its sha256 if ``serial`` is the learner's own; else None."""
    row = db.execute(_OWN_PDF, {"serial": serial, "user": user_id}).first()
    return (row[0], row[1]) if row else None


def by_code(db: Session, code: str) -> Certificate | None:
    return db.scalar(select(Certificate).where(Certificate.code == code))


def by_serial(db: Session, serial: str) -> Certificate | None:
    return db.scalar(select(Certificate).where(Certificate.serial == serial))


def status_positions(db: Session, purpose: str, number: int) -> set[int]:
    """Return the positions set in a status list: revoked, or currently suspended."""
    stored = "revoked" if purpose == "revocation" else "suspended"
    return set(
        db.scalars(
            select(Certificate.status_index).where(
                Certificate.status_list == number, Certificate.status == stored
            )
        )
    )


def list_exists(db: Session, number: int) -> bool:
    return (
        db.scalar(select(Certificate.id).where(Certificate.status_list == number).limit(1))
        is not None
    )


def search(db: Session, text: str, limit: int = 50) -> list[Certificate]:
    """Find certificates by serial, verification code, or learner name or email."""
    from lms.certificates.codes import normalise_code, parse_serial

    text = text.strip()
    if not text:
        return []
    clauses = []
    if serial := parse_serial(text):
        clauses.append(Certificate.serial == serial)
    if code := normalise_code(text):
        clauses.append(Certificate.code == code)
    pattern = f"%{text.lower()}%"
    users = select(User.id).where(or_(User.email.ilike(pattern), User.name.ilike(pattern)))
    clauses.append(Certificate.user_id.in_(users))
    return list(
        db.scalars(
            select(Certificate)
            .where(or_(*clauses))
            .order_by(Certificate.issued_at.desc())
            .limit(limit)
        )
    )


def history(db: Session, serial: str) -> list[AuditEvent]:
    """Return the audit events about one certificate, oldest first."""
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject == f"certificate:{serial}")
            .order_by(AuditEvent.id)
        )
    )
