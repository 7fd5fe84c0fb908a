"""A learner's transcript PDF: every certificate and the training hours that count."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.certificates import document, policy, queries
from lms.certificates.web import issuer_for

#: Revoked and suspended certificates are listed, but their hours do not count.
COUNTED = {policy.Status.VALID, policy.Status.EXPIRED, policy.Status.SUPERSEDED}


def transcript_document(
    db: Session, user: User, issuing_body: str, window_days: int, now: datetime
) -> document.TranscriptDocument:
    """Return the primitives of a learner's transcript, oldest certificate first."""
    held = list(reversed(queries.held(db, user.id, window_days, now)))
    rows = tuple(
        document.TranscriptRow(
            course_title=h.cert.course_title,
            serial=h.cert.serial,
            issued_on=h.cert.issued_at.date(),
            hours=h.cert.hours,
            status=str(h.status).capitalize(),
            expires_on=h.cert.expires_at.date() if h.cert.expires_at else None,
        )
        for h in held
    )
    total = sum((h.cert.hours for h in held if h.status in COUNTED), Decimal(0))
    return document.TranscriptDocument(
        learner_name=user.name,
        issuing_body=issuing_body,
        generated_on=now.date(),
        rows=rows,
        total_hours=total,
        agency_name=user.agency.name if user.agency else None,
    )


def render_for(db: Session, user: User, now: datetime) -> bytes:
    """Render the signed-in learner's transcript (made on demand: it changes over time)."""
    from lms.certificates import pdf

    issuer = issuer_for(db)
    window = int(current_app.config["RECERT_WINDOW_DAYS"])
    return pdf.render_transcript(transcript_document(db, user, issuer.name, window, now))
