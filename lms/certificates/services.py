"""Issuing certificates and changing their status (services flush; the caller commits).

Issuance is exactly once per learner, course and cycle: the row is inserted first, inside a
savepoint, so a concurrent second request hits the unique constraint and returns the first
request's certificate instead of issuing another. The PDF and the signed credential are made
once, at issuance, and stored; downloads serve the stored bytes.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.assessments import policy as quiz_policy
from lms.assessments.models import Attempt, Quiz, QuizVersion
from lms.assessments.snapshot import settings_from_data
from lms.audit import services as audit
from lms.auth.models import User
from lms.certificates import codes, policy
from lms.certificates.issuer import Issuer
from lms.certificates.models import Certificate, CertificateFile
from lms.certificates.statuslist import MIN_LIST_BITS, pick_free_index
from lms.courses.models import Course, Enrollment, Module, ModuleProgress
from lms.courses.services import module_completion
from lms.oversight import compliance, standings

#: A status list is filled to half before the next one starts, so a random free position is
#: found in one or two tries and herd privacy stays high.
LIST_FILL = MIN_LIST_BITS // 2


@dataclass(frozen=True)
class CycleFacts:
    """What issuance needs to know about a learner's current cycle in a course."""

    enrollment: Enrollment | None
    progress: policy.Progress
    quiz_version_id: int | None
    score: object | None  #: Fraction | None: the quiz grade
    pass_mark: object | None


def cycle_facts(
    db: Session, user_id: int, course: Course, completion: tuple[int, int] | None = None
) -> CycleFacts:
    """Gather module completion and the final quiz grade for the learner's current cycle.

    ``completion`` is (modules, completed) when the caller has counted them already.
    """
    enrollment = db.scalar(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course.id)
    )
    total, done = completion or module_completion(db, user_id, course.id)
    final = db.scalar(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == "final", Quiz.active)
    )
    score = pass_mark = version_id = None
    passed = False
    if final is not None:
        version = db.scalar(
            select(QuizVersion).where(
                QuizVersion.quiz_id == final.id, QuizVersion.version == final.version
            )
        )
        settings = settings_from_data(version.settings) if version else None
        query = select(Attempt).where(
            Attempt.quiz_id == final.id,
            Attempt.user_id == user_id,
            Attempt.status == "submitted",
            Attempt.score.is_not(None),
        )
        if enrollment is not None and enrollment.cycle_started_at is not None:
            query = query.where(Attempt.started_at >= enrollment.cycle_started_at)
        attempts = list(db.scalars(query.order_by(Attempt.number)))
        if settings is not None and attempts:
            score = quiz_policy.quiz_grade(settings.grading, [a.score for a in attempts])
            pass_mark = settings.pass_mark
            passed = score is not None and score >= settings.pass_mark
            chosen = [a for a in attempts if a.passed] or attempts
            version_id = chosen[-1].quiz_version_id
    progress = policy.Progress(total, done, final is not None, passed)
    return CycleFacts(enrollment, progress, version_id, score, pass_mark)


def issue_if_eligible(
    db: Session, user: User, course: Course, issuer: Issuer, now: datetime
) -> Certificate | None:
    """Issue the learner's certificate for the current cycle if it is due; else return None.

    Returns the existing certificate when this cycle's is already issued (a repeated or
    concurrent call issues nothing more).
    """
    total, done = module_completion(db, user.id, course.id)
    if not total or done < total:
        return None  # the common case after a knowledge check or a module: two counts only
    facts = cycle_facts(db, user.id, course, (total, done))
    if not policy.eligibility(facts.progress).eligible:
        return None
    cycle = facts.enrollment.cycle if facts.enrollment else 1
    existing = _certificate(db, user.id, course.id, cycle)
    if existing is not None:
        return existing
    cert = _claim(db, user, course, cycle, facts, issuer, now)
    if cert.pdf_sha256:  # another request issued it while we were deciding
        return cert
    _render_and_sign(db, cert, course, user.email, issuer, now)
    previous = db.scalar(
        select(Certificate).where(
            Certificate.user_id == user.id,
            Certificate.course_id == course.id,
            Certificate.cycle < cycle,
            Certificate.superseded_by_id.is_(None),
        )
    )
    if previous is not None:
        previous.superseded_by_id = cert.id
    audit.record(
        db,
        "certificate.issue",
        f"certificate:{cert.serial}",
        {"user": user.id, "course": course.slug, "cycle": cycle, "version": course.version},
        now,
        actor_id=None,
    )
    db.flush()
    standings.refresh_learner(db, user.id, now)
    return cert


def _certificate(db: Session, user_id: int, course_id: int, cycle: int) -> Certificate | None:
    return db.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            Certificate.cycle == cycle,
        )
    )


def _claim(
    db: Session,
    user: User,
    course: Course,
    cycle: int,
    facts: CycleFacts,
    issuer: Issuer,
    now: datetime,
) -> Certificate:
    """Insert the certificate row (unique per learner, course, cycle) and give it a serial."""
    rng = random.SystemRandom()
    list_no = _current_list(db)
    for _ in range(8):
        code = codes.encode_code(secrets.token_bytes(10))
        cert = Certificate(
            serial=f"PENDING-{code}",
            code=code,
            credential_id=f"urn:uuid:{uuid.uuid4()}",
            user_id=user.id,
            course_id=course.id,
            cycle=cycle,
            issued_at=now,
            expires_at=policy.expiry(now, course.validity_months),
            learner_name=user.name,
            discipline_name=user.discipline.name if user.discipline else None,
            course_title=course.title,
            course_version=course.version,
            hours=course.hours,
            quiz_version_id=facts.quiz_version_id,
            score=facts.score,
            pass_mark=facts.pass_mark,
            requirements=issuer.requirements_for(course.slug, _learner(user)),
            status="active",
            status_list=list_no,
            status_index=pick_free_index(set(), MIN_LIST_BITS, rng),
            pdf_sha256="",
            credential={},
            credential_jwt="",
        )
        try:
            with db.begin_nested():
                db.add(cert)
                db.flush()
        except IntegrityError:
            existing = _certificate(db, user.id, course.id, cycle)
            if existing is not None:
                return existing
            continue  # a status position or code collided: draw again
        cert.serial = codes.make_serial(now.year, cert.id)
        db.flush()
        return cert
    raise RuntimeError("could not allocate a certificate status position")


def _current_list(db: Session) -> int:
    latest = db.scalar(select(func.max(Certificate.status_list))) or 1
    used = db.scalar(select(func.count()).where(Certificate.status_list == latest)) or 0
    return latest + 1 if used >= LIST_FILL else latest


def _learner(user: User) -> compliance.Learner:
    """The learner as the requirements' coverage rule sees them."""
    return compliance.Learner(
        user.discipline.slug if user.discipline else None,
        str(user.agency.type) if user.agency else None,
        user.employment_start,
    )


def _render_and_sign(
    db: Session, cert: Certificate, course: Course, email: str, issuer: Issuer, now: datetime
) -> None:
    pdf = issuer.render_pdf(cert)
    cert.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    db.add(CertificateFile(certificate_id=cert.id, pdf=pdf, rendered_at=now))
    cert.credential, cert.credential_jwt = issuer.sign_credential(cert, course, email, now)


def regenerate_pdf(db: Session, cert: Certificate, issuer: Issuer, now: datetime) -> bool:
    """Re-render a certificate's PDF (e.g. after a template fix); return whether it changed."""
    pdf = issuer.render_pdf(cert)
    digest = hashlib.sha256(pdf).hexdigest()
    stored = db.get(CertificateFile, cert.id)
    if stored is None:
        stored = CertificateFile(certificate_id=cert.id, pdf=pdf, rendered_at=now)
        db.add(stored)
    changed = digest != cert.pdf_sha256
    stored.pdf, stored.rendered_at, cert.pdf_sha256 = pdf, now, digest
    audit.record(
        db, "certificate.regenerate", f"certificate:{cert.serial}", {"sha256": digest}, now
    )
    db.flush()
    return changed


def change_status(
    db: Session,
    cert: Certificate,
    action: policy.Action,
    reason: str,
    note: str,
    actor: User,
    now: datetime,
) -> None:
    """Revoke, suspend or reinstate (never delete); raises policy.TransitionError if not allowed."""
    before = cert.status
    cert.status = policy.transition(cert.status, action, reason)
    cert.status_reason = reason
    cert.status_note = note.strip() or None
    cert.status_changed_at = now
    cert.status_changed_by = actor.id
    audit.record(
        db,
        f"certificate.{action}",
        f"certificate:{cert.serial}",
        {"from": before, "to": cert.status, "reason": reason, "note": cert.status_note or ""},
        now,
        actor_id=actor.id,
    )
    db.flush()
    standings.refresh_learner(db, cert.user_id, now)


def start_recertification(
    db: Session, user: User, course: Course, window_days: int, now: datetime
) -> bool:
    """Open the next certification cycle if the latest certificate may be renewed now.

    Module completions are cleared for the new cycle (the certificates keep the history) and
    only quiz attempts started from now on count towards it.
    """
    latest = db.scalar(
        select(Certificate)
        .where(Certificate.user_id == user.id, Certificate.course_id == course.id)
        .order_by(Certificate.cycle.desc())
        .limit(1)
    )
    if latest is None:
        return False
    state = policy.renewal(
        latest.status, latest.expires_at, latest.superseded_by_id is not None, window_days, now
    )
    if state not in (policy.Renewal.OPEN, policy.Renewal.EXPIRED):
        return False
    enrollment = db.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    )
    if enrollment is None or enrollment.cycle != latest.cycle:
        return False  # already in a newer cycle
    enrollment.cycle += 1
    enrollment.cycle_started_at = now
    enrollment.completed_at = None
    module_ids = select(Module.id).where(Module.course_id == course.id)
    for progress in db.scalars(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user.id, ModuleProgress.module_id.in_(module_ids)
        )
    ):
        progress.completed_at = None
        progress.completed_version = None
        progress.last_section = None
    audit.record(
        db,
        "certificate.recertify",
        f"user:{user.id}",
        {"course": course.slug, "cycle": enrollment.cycle, "previous": latest.serial},
        now,
        actor_id=user.id,
    )
    db.flush()
    return True
