"""Hash chaining for the audit trail (pure): each entry's hash covers the previous hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def entry_hash(
    prev_hash: str,
    at: datetime,
    actor_id: int | None,
    action: str,
    subject: str,
    data: Mapping[str, Any],
) -> str:
    """Return the hash of one entry, chained to ``prev_hash``."""
    body = json.dumps(
        {
            "prev": prev_hash,
            "at": at.isoformat(),
            "actor": actor_id,
            "action": action,
            "subject": subject,
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    actor_id: int | None
    action: str
    subject: str
    data: Mapping[str, Any]
    prev_hash: str
    hash: str


def first_broken(entries: Iterable[Entry]) -> int | None:
    """Return the id of the first entry whose link or hash does not verify, or None."""
    prev = GENESIS
    for entry in entries:
        expected = entry_hash(
            prev, entry.at, entry.actor_id, entry.action, entry.subject, entry.data
        )
        if entry.prev_hash != prev or entry.hash != expected:
            return entry.id
        prev = entry.hash
    return None
