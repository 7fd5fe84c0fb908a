"""Login throttling policy (pure): how many recent failures lock an account or an address.

Locks are temporary and expire on their own, so an attacker cannot lock a person out for
long (ASVS 6.1.1 asks to avoid malicious lockout); the per-address limit stops a single
source from spraying many accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limits:
    window: timedelta
    per_account: int
    per_address: int


@dataclass(frozen=True)
class Throttle:
    allowed: bool
    retry_after: timedelta = timedelta(0)


def decide(
    account_failures: list[datetime],
    address_failures: list[datetime],
    now: datetime,
    limits: Limits,
) -> Throttle:
    """Decide whether a login may be tried now, given recent failure times (oldest first).

    A limit is reached when the window holds ``limit`` failures; the lock lifts when the
    oldest counted failure leaves the window.
    """
    waits = []
    for failures, limit in (
        (account_failures, limits.per_account),
        (address_failures, limits.per_address),
    ):
        recent = sorted(t for t in failures if now - t < limits.window)
        if len(recent) >= limit:
            waits.append(recent[len(recent) - limit] + limits.window - now)
    if not waits:
        return Throttle(True)
    return Throttle(False, max(waits))
