"""Reading the audit trail: the whole chain streamed for verification, and filtered pages of
it, newest first, for overseers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.audit.chain import Entry
from lms.audit.models import AuditEvent
from lms.auth.models import User

#: Rows fetched per round trip while verifying: memory stays bounded however long the chain.
VERIFY_BATCH = 1000
PAGE_SIZE = 50


def chain_entries(db: Session, batch: int = VERIFY_BATCH) -> Iterator[Entry]:
    """Yield every entry in id order, streamed ``batch`` rows at a time (plain columns, no
    ORM identity map, so nothing accumulates in the session)."""
    statement = (
        select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.actor_id,
            AuditEvent.action,
            AuditEvent.subject,
            AuditEvent.data,
            AuditEvent.prev_hash,
            AuditEvent.hash,
        )
        .order_by(AuditEvent.id)
        .execution_options(yield_per=batch)
    )
    for row in db.execute(statement):
        yield Entry(*row)


# -- browsing ---------------------------------------------------------------------------------

#: The query parameters the browse page understands, in the order the page lists them.
ALLOWED = ("action", "subject", "actor", "from", "to", "before")
_ACTION = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.?")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
SYSTEM = "system"


class BadFilter(ValueError):
    """The page's query string cannot be used; ``problems`` says why: (the filter it is
    about, or None for an unknown or repeated name; the message), one per problem."""

    def __init__(self, problems: Sequence[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = tuple(problems)

    @property
    def fields(self) -> frozenset[str]:
        """The filters whose values are at fault."""
        return frozenset(name for name, _ in self.problems if name)


@dataclass(frozen=True)
class Filters:
    """What to show. ``action`` ending in "." is a prefix ("certificate." matches every
    certificate event); ``actor`` is an email, or "system" for events without one."""

    action: str = ""
    subject: str = ""
    actor: str = ""
    start: date | None = None
    end: date | None = None
    before: int | None = None

    def params(self, before: int | None = None) -> dict[str, str | int]:
        """The query string for these filters (without ``before`` unless given)."""
        out: dict[str, str | int] = {}
        for key, value in (("action", self.action), ("subject", self.subject),
                           ("actor", self.actor)):  # fmt: skip
            if value:
                out[key] = value
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        if before is not None:
            out["before"] = before
        return out

    @property
    def active(self) -> bool:
        return bool(self.action or self.subject or self.actor or self.start or self.end)


def parse_filters(args: Mapping[str, Sequence[str]]) -> Filters:
    """Read the filters from query parameters (name -> every value given); raise
    ``BadFilter`` for an unknown name, a repeated one, or a malformed value. Empty values
    (a filter form's blank fields) mean "any"."""
    problems: list[tuple[str | None, str]] = []
    values: dict[str, str] = {}
    for name in args:
        given = list(args[name])
        if name not in ALLOWED:
            problems.append((None, f"Unknown filter {name[:40]!r}."))
        elif len(given) > 1:
            problems.append((None, f"Give {name} only once."))
        else:
            values[name] = given[0].strip() if given else ""
    action = values.get("action", "")
    if action and (len(action) > 64 or not _ACTION.fullmatch(action)):
        problems.append(
            (
                "action",
                "Action must be an action such as certificate.revoke, or a prefix ending in a "
                "dot such as certificate.",
            )
        )
    subject = values.get("subject", "")
    if len(subject) > 200:
        problems.append(("subject", "Subject must be at most 200 characters."))
    actor = values.get("actor", "").lower()
    if actor and actor != SYSTEM and (len(actor) > 254 or not _EMAIL.fullmatch(actor)):
        problems.append(("actor", "Actor must be an email address, or system."))
    start = _date(values.get("from", ""), "from", problems)
    end = _date(values.get("to", ""), "to", problems)
    if start and end and start > end:
        problems.append(("from", "From must not be after to."))
    before = None
    raw = values.get("before", "")
    if raw:
        if raw.isdigit() and 0 < len(raw) <= 18:
            before = int(raw)
        else:
            problems.append(("before", "Before must be an entry number (a whole number)."))
    if problems:
        raise BadFilter(problems)
    return Filters(action, subject, actor, start, end, before)


def _date(raw: str, name: str, problems: list[tuple[str | None, str]]) -> date | None:
    if not raw:
        return None
    try:
        if _DATE.fullmatch(raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    problems.append(
        (name, f"{name.title()} must be a date written YYYY-MM-DD, for example 2026-11-30.")
    )
    return None


@dataclass(frozen=True)
class Row:
    """One entry as the browse page shows it (``actor_email`` None: the system)."""

    id: int
    at: datetime
    actor_name: str | None
    actor_email: str | None
    action: str
    subject: str
    data: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Page:
    rows: tuple[Row, ...]
    #: The ``before`` of the next (older) page, or None on the last page.
    older: int | None


def page(db: Session, filters: Filters, size: int = PAGE_SIZE) -> Page:
    """Return one page of entries, newest first: one statement, actors joined in."""
    statement = (
        select(
            AuditEvent.id,
            AuditEvent.at,
            User.name,
            User.email,
            AuditEvent.action,
            AuditEvent.subject,
            AuditEvent.data,
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.id.desc())
        .limit(size + 1)
    )
    if filters.action.endswith("."):
        statement = statement.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    elif filters.action:
        statement = statement.where(AuditEvent.action == filters.action)
    if filters.subject:
        statement = statement.where(AuditEvent.subject == filters.subject)
    if filters.actor == SYSTEM:
        statement = statement.where(AuditEvent.actor_id.is_(None))
    elif filters.actor:
        statement = statement.where(User.email == filters.actor)
    if filters.start:
        statement = statement.where(AuditEvent.at >= _midnight(filters.start))
    if filters.end:
        statement = statement.where(AuditEvent.at < _midnight(filters.end + timedelta(days=1)))
    if filters.before is not None:
        statement = statement.where(AuditEvent.id < filters.before)
    found = db.execute(statement).all()
    rows = tuple(
        Row(id_, at, name, email, action, subject, compact(data))
        for id_, at, name, email, action, subject, data in found[:size]
    )
    return Page(rows, rows[-1].id if len(found) > size else None)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def compact(data: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """An entry's data as (key, text) pairs, keys sorted: text as is, other values as
    compact JSON, nothing (None) as a dash."""
    pairs = []
    for key in sorted(data or {}):
        value = data[key]  # type: ignore[index]
        if value is None:
            text = "–"
        elif isinstance(value, str):
            text = value
        else:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
        pairs.append((str(key), text))
    return tuple(pairs)
