"""Attempt rules (pure): may a learner start an attempt now, the deadline, the quiz grade,
and what the review may show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from lms.assessments.spec import Grading, QuizSettings, Reveal

#: Network and server slack after the deadline before a submission counts as late.
GRACE = timedelta(seconds=30)


@dataclass(frozen=True)
class PastAttempt:
    number: int
    submitted_at: datetime | None  #: None while in progress
    score: Fraction | None
    passed: bool | None


@dataclass(frozen=True)
class Availability:
    can_start: bool
    reason: str = ""
    #: When the next attempt may start (after a cooldown), if that is what stops it.
    available_at: datetime | None = None
    attempts_left: int | None = None  #: None: unlimited


def availability(
    settings: QuizSettings, past: Sequence[PastAttempt], now: datetime
) -> Availability:
    """Decide whether a new attempt may start now."""
    used = len(past)
    left = None if settings.attempts is None else max(0, settings.attempts - used)
    if any(a.submitted_at is None for a in past):
        return Availability(False, "You have an attempt in progress.", attempts_left=left)
    if left == 0:
        return Availability(False, "You have used every attempt allowed.", attempts_left=0)
    finished = [a.submitted_at for a in past if a.submitted_at is not None]
    if finished and settings.cooldown_minutes:
        ready = max(finished) + timedelta(minutes=settings.cooldown_minutes)
        if now < ready:
            return Availability(False, "Take a break before the next attempt.", ready, left)
    return Availability(True, attempts_left=left)


def deadline(
    settings: QuizSettings, started_at: datetime, extra_time_percent: int
) -> datetime | None:
    """Return when an attempt must be submitted (time limit plus the learner's extra time)."""
    if not settings.time_limit_minutes:
        return None
    minutes = Fraction(settings.time_limit_minutes) * (100 + max(0, extra_time_percent)) / 100
    return started_at + timedelta(seconds=int(minutes * 60))


def is_late(deadline_at: datetime | None, now: datetime) -> bool:
    """Return whether ``now`` is past the deadline and its grace period."""
    return deadline_at is not None and now > deadline_at + GRACE


def quiz_grade(method: Grading, scores: Sequence[Fraction]) -> Fraction | None:
    """Return the quiz grade from submitted attempts' scores, oldest first."""
    if not scores:
        return None
    if method == Grading.HIGHEST:
        return max(scores)
    if method == Grading.LAST:
        return scores[-1]
    if method == Grading.FIRST:
        return scores[0]
    return sum(scores, Fraction(0)) / len(scores)


def reveals(when: Reveal, *, passed_quiz: bool, attempts_left: int | None) -> bool:
    """Return whether feedback or answers governed by ``when`` may be shown now."""
    if when == Reveal.AFTER_SUBMIT:
        return True
    if when == Reveal.AFTER_PASS:
        return passed_quiz
    if when == Reveal.AFTER_LAST_ATTEMPT:
        return passed_quiz or attempts_left == 0
    return False
