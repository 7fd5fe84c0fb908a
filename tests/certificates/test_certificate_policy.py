"""Certificate rules: eligibility, expiry, public status, renewal window, status changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms.certificates.policy import (
    REASONS,
    Action,
    Progress,
    Renewal,
    Status,
    TransitionError,
    add_months,
    eligibility,
    expiry,
    public_status,
    renewal,
    transition,
)

T0 = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("progress", "eligible", "missing"),
    [
        (Progress(5, 5, True, True), True, 0),
        (Progress(5, 5, False, False), True, 0),  # no final quiz: modules are enough
        (Progress(5, 4, True, True), False, 1),
        (Progress(5, 5, True, False), False, 1),
        (Progress(5, 0, True, False), False, 2),
        (Progress(0, 0, False, False), False, 1),  # an empty course certifies nothing
    ],
)
def test_eligibility(progress, eligible, missing):
    result = eligibility(progress)
    assert result.eligible is eligible
    assert len(result.missing) == missing


def test_eligibility_says_how_many_modules_are_left():
    assert eligibility(Progress(5, 3, True, True)).missing == ("2 modules still to complete.",)
    assert eligibility(Progress(5, 4, True, True)).missing == ("1 module still to complete.",)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2027, 1, 31, tzinfo=UTC), 13, datetime(2028, 2, 29, tzinfo=UTC)),  # leap year
        (datetime(2026, 11, 30, tzinfo=UTC), 24, datetime(2028, 11, 30, tzinfo=UTC)),
        (datetime(2026, 12, 15, tzinfo=UTC), 1, datetime(2027, 1, 15, tzinfo=UTC)),
    ],
)
def test_add_months_clamps_the_day(start, months, end):
    assert add_months(start, months) == end


def test_expiry():
    assert expiry(T0, 24) == datetime(2028, 1, 31, 12, 0, tzinfo=UTC)
    assert expiry(T0, 0) is None


EXPIRES = datetime(2028, 1, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("stored", "expires", "superseded", "now", "status"),
    [
        ("active", EXPIRES, False, EXPIRES - timedelta(seconds=1), Status.VALID),
        ("active", EXPIRES, False, EXPIRES, Status.EXPIRED),  # expiry is exclusive
        ("active", None, False, EXPIRES + timedelta(days=9999), Status.VALID),
        ("active", EXPIRES, True, EXPIRES - timedelta(days=1), Status.SUPERSEDED),
        ("active", EXPIRES, True, EXPIRES + timedelta(days=1), Status.SUPERSEDED),
        ("revoked", EXPIRES, True, EXPIRES + timedelta(days=1), Status.REVOKED),
        ("suspended", EXPIRES, False, EXPIRES + timedelta(days=1), Status.SUSPENDED),
        ("revoked", EXPIRES, False, EXPIRES - timedelta(days=1), Status.REVOKED),
    ],
)
def test_public_status(stored, expires, superseded, now, status):
    assert public_status(stored, expires, superseded, now) == status


@pytest.mark.parametrize(
    ("stored", "expires", "superseded", "now", "state"),
    [
        ("active", EXPIRES, False, EXPIRES - timedelta(days=91), Renewal.NOT_DUE),
        ("active", EXPIRES, False, EXPIRES - timedelta(days=90), Renewal.OPEN),  # window opens
        ("active", EXPIRES, False, EXPIRES - timedelta(seconds=1), Renewal.OPEN),
        ("active", EXPIRES, False, EXPIRES, Renewal.EXPIRED),
        ("active", None, False, EXPIRES, Renewal.NONE),
        ("active", EXPIRES, True, EXPIRES, Renewal.NONE),
        ("revoked", EXPIRES, False, EXPIRES, Renewal.NONE),
        ("suspended", EXPIRES, False, EXPIRES - timedelta(days=1), Renewal.NONE),
    ],
)
def test_renewal(stored, expires, superseded, now, state):
    assert renewal(stored, expires, superseded, 90, now) == state


@pytest.mark.parametrize(
    ("stored", "action", "after"),
    [
        ("active", Action.REVOKE, "revoked"),
        ("suspended", Action.REVOKE, "revoked"),
        ("active", Action.SUSPEND, "suspended"),
        ("suspended", Action.REINSTATE, "active"),
    ],
)
def test_allowed_transitions(stored, action, after):
    reason = next(iter(REASONS[action]))
    assert transition(stored, action, reason) == after


@pytest.mark.parametrize(
    ("stored", "action"),
    [
        ("revoked", Action.REVOKE),
        ("revoked", Action.REINSTATE),
        ("revoked", Action.SUSPEND),
        ("active", Action.REINSTATE),
        ("suspended", Action.SUSPEND),
    ],
)
def test_refused_transitions(stored, action):
    with pytest.raises(TransitionError):
        transition(stored, action, next(iter(REASONS[action])))


def test_a_reason_must_come_from_the_list():
    with pytest.raises(TransitionError, match="reason"):
        transition("active", Action.REVOKE, "because I said so")
