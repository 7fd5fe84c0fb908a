"""The only place that reads the wall clock; tests replace ``now``."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Return today's date in UTC."""
    return now().date()
