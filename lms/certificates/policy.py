"""Certificate rules (pure): eligibility, expiry, public status, renewal and status changes.

Nothing here reads the clock or the database: callers pass ``now`` and plain facts.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    """What the verify page says about a certificate."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    SUPERSEDED = "superseded"


class Action(StrEnum):
    REVOKE = "revoke"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"


#: Public reason categories per action. The label is shown on the public verify page; the
#: free-text note an overseer adds stays internal (it may name people or circumstances).
REASONS: dict[Action, dict[str, str]] = {
    Action.REVOKE: {
        "issued_in_error": "Issued in error",
        "assessment_integrity": "Assessment integrity",
        "identity": "Identity could not be confirmed",
        "administrative": "Administrative decision",
    },
    Action.SUSPEND: {
        "under_review": "Under review",
        "administrative": "Administrative decision",
    },
    Action.REINSTATE: {
        "review_complete": "Review complete",
        "suspended_in_error": "Suspended in error",
    },
}

#: Stored status after each action, and the stored statuses it may start from.
_TRANSITIONS: dict[Action, tuple[frozenset[str], str]] = {
    Action.REVOKE: (frozenset({"active", "suspended"}), "revoked"),
    Action.SUSPEND: (frozenset({"active"}), "suspended"),
    Action.REINSTATE: (frozenset({"suspended"}), "active"),
}


@dataclass(frozen=True)
class Progress:
    """A learner's standing in one course and cycle."""

    modules_total: int
    modules_done: int
    has_final: bool
    final_passed: bool


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    missing: tuple[str, ...] = ()


def eligibility(progress: Progress) -> Eligibility:
    """A certificate is due when every module is complete and the final quiz is passed."""
    missing = []
    if progress.modules_total == 0:
        missing.append("The course has no modules yet.")
    elif progress.modules_done < progress.modules_total:
        left = progress.modules_total - progress.modules_done
        missing.append(f"{left} module{'s' if left != 1 else ''} still to complete.")
    if progress.has_final and not progress.final_passed:
        missing.append("Pass the final assessment.")
    return Eligibility(not missing, tuple(missing))


def add_months(moment: datetime, months: int) -> datetime:
    """Return ``moment`` plus calendar months, clamping the day (31 Jan + 1 month = 28/29 Feb)."""
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expiry(issued_at: datetime, validity_months: int) -> datetime | None:
    """Return when a certificate issued at ``issued_at`` expires (None: it never does)."""
    return add_months(issued_at, validity_months) if validity_months > 0 else None


def public_status(
    stored: str, expires_at: datetime | None, superseded: bool, now: datetime
) -> Status:
    """Return the status shown to the public. Revocation and suspension outrank the dates."""
    if stored == "revoked":
        return Status.REVOKED
    if stored == "suspended":
        return Status.SUSPENDED
    if superseded:
        return Status.SUPERSEDED
    if expires_at is not None and now >= expires_at:
        return Status.EXPIRED
    return Status.VALID


class Renewal(StrEnum):
    """Where a learner stands on renewing their latest certificate of a course."""

    NOT_DUE = "not_due"  #: valid, and the recertification window has not opened
    OPEN = "open"  #: the window is open: the learner may recertify now
    EXPIRED = "expired"  #: expired without renewal: recertify now
    NONE = "none"  #: never expires, or cannot be renewed (revoked, suspended, superseded)


def window_opens(expires_at: datetime, window_days: int) -> datetime:
    """Return when recertification opens for a certificate expiring at ``expires_at``."""
    return expires_at - timedelta(days=max(0, window_days))


def renewal(
    stored: str, expires_at: datetime | None, superseded: bool, window_days: int, now: datetime
) -> Renewal:
    """Decide whether the learner may start a new certification cycle now.

    A revoked or suspended certificate is not renewed by the learner: the oversight body
    decides. A superseded one already has its successor.
    """
    if stored != "active" or superseded or expires_at is None:
        return Renewal.NONE
    if now >= expires_at:
        return Renewal.EXPIRED
    if now >= window_opens(expires_at, window_days):
        return Renewal.OPEN
    return Renewal.NOT_DUE


class TransitionError(ValueError):
    """A status change that the rules do not allow; the message is shown to the overseer."""


def transition(stored: str, action: Action, reason: str) -> str:
    """Return the stored status after ``action``, or raise TransitionError with a reason."""
    allowed_from, after = _TRANSITIONS[action]
    if reason not in REASONS[action]:
        raise TransitionError("Choose a reason from the list.")
    if stored not in allowed_from:
        if stored == "revoked":
            raise TransitionError("A revoked certificate stays revoked; issue a new one instead.")
        raise TransitionError(f"A certificate that is {stored} cannot be given '{action}'.")
    return after
