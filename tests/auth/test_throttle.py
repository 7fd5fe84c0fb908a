"""Login throttling policy: table-driven over the window and both limits."""

from datetime import UTC, datetime, timedelta

import pytest

from lms.auth.throttle import Limits, decide

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
LIMITS = Limits(window=timedelta(minutes=15), per_account=3, per_address=5)


def ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


@pytest.mark.parametrize(
    ("account", "address", "allowed", "retry_minutes"),
    [
        ([], [], True, 0),
        (ago(1, 2), ago(1, 2), True, 0),  # under both limits
        (ago(1, 2, 3), ago(1, 2, 3), False, 12),  # account limit reached; oldest left at +12
        (ago(1, 2, 15), ago(1, 2, 15), True, 0),  # a failure exactly one window old has expired
        (ago(1, 2, 14.5), ago(1, 2, 14.5), False, 0.5),
        (ago(1, 2, 3, 4, 5), ago(1, 2, 3, 4, 5), False, 12),  # lock lifts as the 3rd newest ages
        ([], ago(1, 2, 3, 4, 5), False, 10),  # address limit (spraying many accounts)
        ([], ago(1, 2, 3, 4, 20), True, 0),
        (ago(10, 11, 12), ago(1, 2, 3, 4, 5), False, 10),  # the longer wait wins
    ],
)
def test_decide(account, address, allowed, retry_minutes):
    verdict = decide(account, address, NOW, LIMITS)
    assert verdict.allowed is allowed
    assert verdict.retry_after == timedelta(minutes=retry_minutes)
