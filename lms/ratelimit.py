"""Fixed-window request counters in the database, shared by every worker process.

Used for public endpoints that must resist automation (certificate verification): an
in-process counter would give each gunicorn worker its own allowance. One UPDATE per request
in the common case; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from lms.db import Base


class RateCounter(Base):
    __tablename__ = "rate_counters"

    #: e.g. "verify:203.0.113.9"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(index=True)
    count: Mapped[int]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  #: seconds until the window resets (0 when allowed)


def window_start(now: datetime, seconds: int) -> datetime:
    """Return the start of the fixed window containing ``now``."""
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def hit(db: Session, key: str, limit: int, seconds: int, now: datetime) -> Decision:
    """Count one request for ``key`` and decide whether it is within ``limit`` per window."""
    start = window_start(now, seconds)
    bumped = db.execute(
        update(RateCounter)
        .where(RateCounter.key == key, RateCounter.window_start == start)
        .values(count=RateCounter.count + 1)
    ).rowcount
    if not bumped:
        # A new window: forget finished windows (this key's and everyone's), then start one.
        db.execute(
            delete(RateCounter).where(
                (RateCounter.key == key)
                | (RateCounter.window_start < start - timedelta(seconds=seconds))
            )
        )
        try:
            with db.begin_nested():
                db.add(RateCounter(key=key, window_start=start, count=1))
                db.flush()
        except IntegrityError:  # another worker started the window first
            db.execute(
                update(RateCounter)
                .where(RateCounter.key == key)
                .values(count=RateCounter.count + 1)
            )
    count = db.scalar(select(RateCounter.count).where(RateCounter.key == key)) or 0
    if count <= limit:
        return Decision(True, 0)
    reset = start + timedelta(seconds=seconds)
    return Decision(False, max(1, int((reset - now).total_seconds())))
