"""Attempt rules: availability, deadlines with extra time, grading methods, reveal settings."""

from datetime import UTC, datetime, timedelta
from fractions import Fraction as F

import pytest

from lms.assessments.policy import (
    GRACE,
    PastAttempt,
    availability,
    deadline,
    is_late,
    quiz_grade,
    reveals,
)
from lms.assessments.spec import Grading, QuizSettings, Reveal

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def done(number: int, minutes_ago: float, score: str = "1/2") -> PastAttempt:
    return PastAttempt(number, NOW - timedelta(minutes=minutes_ago), F(score), F(score) >= F(4, 5))


@pytest.mark.parametrize(
    ("settings", "past", "can", "left", "available_at"),
    [
        (QuizSettings(), [], True, None, None),
        (QuizSettings(attempts=3), [done(1, 90), done(2, 60)], True, 1, None),
        (QuizSettings(attempts=2), [done(1, 90), done(2, 60)], False, 0, None),
        (QuizSettings(attempts=3), [PastAttempt(1, None, None, None)], False, 2, None),
        (
            QuizSettings(cooldown_minutes=30),
            [done(1, 10)],
            False,
            None,
            NOW + timedelta(minutes=20),
        ),
        (QuizSettings(cooldown_minutes=30), [done(1, 30)], True, None, None),  # boundary: ready
        (
            QuizSettings(cooldown_minutes=30),
            [done(1, 45), done(2, 5)],
            False,
            None,
            NOW + timedelta(minutes=25),
        ),  # the latest attempt counts
    ],
    ids=[
        "first",
        "one-left",
        "none-left",
        "in-progress",
        "cooldown",
        "cooldown-over",
        "cooldown-latest",
    ],
)
def test_availability(settings, past, can, left, available_at):
    verdict = availability(settings, past, NOW)
    assert verdict.can_start is can
    assert verdict.attempts_left == left
    assert verdict.available_at == available_at
    assert bool(verdict.reason) is (not can)


@pytest.mark.parametrize(
    ("limit", "extra", "expected"),
    [
        (None, 0, None),
        (30, 0, 30 * 60),
        (30, 50, 45 * 60),
        (25, 25, int(31.25 * 60)),
        (20, -10, 20 * 60),
    ],
)
def test_deadline_with_extra_time(limit, extra, expected):
    result = deadline(QuizSettings(time_limit_minutes=limit), NOW, extra)
    assert result == (None if expected is None else NOW + timedelta(seconds=expected))


def test_lateness_has_a_grace_period():
    end = NOW
    assert not is_late(None, NOW + timedelta(days=1))
    assert not is_late(end, end + GRACE)
    assert is_late(end, end + GRACE + timedelta(microseconds=1))


@pytest.mark.parametrize(
    ("method", "scores", "expected"),
    [
        (Grading.HIGHEST, ["1/2", "4/5", "3/5"], "4/5"),
        (Grading.LAST, ["1/2", "4/5", "3/5"], "3/5"),
        (Grading.FIRST, ["1/2", "4/5", "3/5"], "1/2"),
        (Grading.AVERAGE, ["1/2", "4/5", "3/5"], "19/30"),
        (Grading.AVERAGE, ["1/3", "1/3", "1/3"], "1/3"),  # exact: no 0.3333 drift
        (Grading.HIGHEST, [], None),
    ],
)
def test_quiz_grade(method, scores, expected):
    result = quiz_grade(method, [F(s) for s in scores])
    assert result == (None if expected is None else F(expected))


@pytest.mark.parametrize(
    ("when", "passed", "left", "shown"),
    [
        (Reveal.AFTER_SUBMIT, False, 2, True),
        (Reveal.AFTER_PASS, False, 0, False),
        (Reveal.AFTER_PASS, True, 2, True),
        (Reveal.AFTER_LAST_ATTEMPT, False, 1, False),
        (Reveal.AFTER_LAST_ATTEMPT, False, 0, True),
        (Reveal.AFTER_LAST_ATTEMPT, False, None, False),  # unlimited attempts never run out
        (Reveal.AFTER_LAST_ATTEMPT, True, 1, True),
        (Reveal.NEVER, True, 0, False),
    ],
)
def test_reveals(when, passed, left, shown):
    assert reveals(when, passed_quiz=passed, attempts_left=left) is shown
