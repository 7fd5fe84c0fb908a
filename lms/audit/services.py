"""Recording audit events (the only writer of ``audit_events``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.audit.chain import GENESIS, entry_hash
from lms.audit.models import AuditEvent


def record(
    db: Session,
    action: str,
    subject: str,
    data: Mapping[str, Any],
    now: datetime,
    actor_id: int | None = None,
) -> AuditEvent:
    """Append an event chained to the latest one.

    Two writers appending at once would compute the same previous hash; the unique index on
    ``hash`` cannot catch that (their hashes differ), so on PostgreSQL the table is locked
    for the append. The lock is held until the caller's commit.
    """
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

        db.execute(text("LOCK TABLE audit_events IN SHARE ROW EXCLUSIVE MODE"))
    prev = db.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
    clean = _plain(data)
    event = AuditEvent(
        at=now,
        actor_id=actor_id,
        action=action,
        subject=subject,
        data=clean,
        prev_hash=prev,
        hash=entry_hash(prev, now, actor_id, action, subject, clean),
    )
    db.add(event)
    db.flush()
    return event


def _plain(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``data`` as JSON-safe values, so the stored copy hashes as the original did."""
    import json

    return json.loads(json.dumps(dict(data), default=str))
