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


@dataclass(frozen=True)
class Break:
    """The first entry that does not verify, and why: its ``prev_hash`` is not the previous
    entry's hash (``link``: an entry before it was deleted, inserted or reordered), or its own
    hash does not match its content (``hash``: the entry itself was altered)."""

    entry: Entry
    link_ok: bool
    hash_ok: bool
    expected_prev: str


@dataclass(frozen=True)
class Verdict:
    """The result of walking a chain: how many entries verified, the last good hash, and
    the first break (None when the chain is intact)."""

    checked: int
    last_hash: str
    broken: Break | None


def verify(entries: Iterable[Entry]) -> Verdict:
    """Walk ``entries`` (in id order) once, holding only the previous hash; stop at the
    first entry whose link or hash does not verify."""
    prev = GENESIS
    checked = 0
    for entry in entries:
        expected = entry_hash(
            entry.prev_hash, entry.at, entry.actor_id, entry.action, entry.subject, entry.data
        )
        link_ok = entry.prev_hash == prev
        hash_ok = entry.hash == expected
        if not (link_ok and hash_ok):
            return Verdict(checked, prev, Break(entry, link_ok, hash_ok, prev))
        prev = entry.hash
        checked += 1
    return Verdict(checked, prev, None)


def first_broken(entries: Iterable[Entry]) -> int | None:
    """Return the id of the first entry whose link or hash does not verify, or None."""
    broken = verify(entries).broken
    return broken.entry.id if broken else None
