"""Fixtures for certificate tests: a learner who has finished Foundations, and time travel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

import pytest
from sqlalchemy import select

from lms import clock
from lms.assessments.models import Attempt, Quiz, QuizVersion
from lms.auth.models import User
from lms.certificates.models import Certificate
from lms.courses import services as course_services
from lms.courses.models import Course, Module
from lms.extensions import db


def finish_modules(user: User, slug: str = "foundations", now: datetime | None = None) -> Course:
    """Complete every module of a course for ``user`` (as the module pages would)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    for module in db.session.scalars(
        select(Module).where(Module.course_id == course.id, Module.active).order_by(Module.position)
    ):
        course_services.complete_module(db.session, user, module, now or clock.now())
    db.session.commit()
    return course


def record_final(
    user: User, score: Fraction, slug: str = "foundations", at: datetime | None = None
) -> Attempt:
    """Record a submitted final attempt with ``score`` (scoring has its own tests)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == "final"))
    version = db.session.scalar(
        select(QuizVersion).where(
            QuizVersion.quiz_id == quiz.id, QuizVersion.version == quiz.version
        )
    )
    number = 1 + len(
        list(
            db.session.scalars(
                select(Attempt.id).where(Attempt.user_id == user.id, Attempt.quiz_id == quiz.id)
            )
        )
    )
    when = at or clock.now()
    attempt = Attempt(
        user_id=user.id,
        quiz_id=quiz.id,
        quiz_version_id=version.id,
        number=number,
        status="submitted",
        started_at=when - timedelta(minutes=10),
        submitted_at=when,
        score=score,
        passed=score >= Fraction(4, 5),
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


def certificates_of(user: User) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)
        )
    )


@dataclass
class Clock:
    """Move the app's clock (every view and service reads ``lms.clock.now``)."""

    monkeypatch: pytest.MonkeyPatch
    real: Callable[[], datetime]
    offset: timedelta = timedelta(0)

    def travel(self, delta: timedelta) -> datetime:
        self.offset += delta
        self.monkeypatch.setattr(clock, "now", lambda: self.real() + self.offset)
        return clock.now()


@pytest.fixture
def time_machine(monkeypatch):
    return Clock(monkeypatch, clock.now)
