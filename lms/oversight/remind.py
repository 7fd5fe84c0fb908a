"""Send training reminders by email: plan (:mod:`lms.oversight.reminders`), claim, send.

Each message is its own unit of work, so this service commits (unlike most services, which
only flush): a reminder run is a batch job, and one message's fate must not depend on the
next one's. Call it with a session that has nothing else pending.

For every planned message:

1. **Claim** it: insert its (recipient, kind, topic, window) into ``reminder_log`` with
   ``ON CONFLICT DO NOTHING`` and commit. The unique constraint decides: if the row was
   already there (an earlier run, or a concurrent one: on PostgreSQL the second insert waits
   for the first transaction and then skips), the message is counted as skipped.
2. **Send** it over SMTP (:func:`lms.mail.send_mail`), with no transaction open, so a slow
   mail server holds no locks.
3. If sending **fails**, delete the claim and commit, so the next run tries again. After
   a few sends in a row fail because the mail server is unreachable, the rest are left
   unclaimed for the next run (and counted as failed) instead of each waiting to time out.

So a reminder is sent at most once per window. The one gap: if the process dies between the
claim and the send (or the claim cannot be removed after a failure), that window's message
is not sent; the next window's is. Sending twice would be worse than one late reminder.
"""

from __future__ import annotations

import logging
import smtplib
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.audit.services import record
from lms.auth.models import Agency, Role, User
from lms.courses.models import Course
from lms.oversight import reminders
from lms.oversight.models import ReminderLog, Requirement, Standing
from lms.oversight.queries import status_code

log = logging.getLogger(__name__)

#: Existing claims are looked up this many recipients at a time.
CHUNK = 500
#: After this many sends in a row fail because the mail server cannot be reached, the rest
#: are left for the next run rather than each waiting for its own timeout.
GIVE_UP_AFTER = 3
UNREACHABLE = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)

Sender = Callable[[str, str, str], None]


@dataclass(frozen=True)
class Summary:
    """What one run did (with ``dry_run``: what it would have done)."""

    planned: int = 0
    #: Sent (with ``dry_run``: would be sent).
    sent: int = 0
    #: Already sent in their window.
    skipped: int = 0
    #: Sending failed; the claim was removed, so the next run tries again.
    failed: int = 0
    dry_run: bool = False
    agency_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def line(self) -> str:
        """Return a one-line summary for logs."""
        scope = "all agencies" if self.agency_id is None else f"agency {self.agency_id}"
        verb = "would send" if self.dry_run else "sent"
        return (
            f"reminders ({scope}{', dry run' if self.dry_run else ''}): {self.planned} planned, "
            f"{verb} {self.sent}, already sent {self.skipped}, failed {self.failed}"
        )

    def as_dict(self) -> dict[str, int | None]:
        return {
            "planned": self.planned,
            "sent": self.sent,
            "skipped": self.skipped,
            "failed": self.failed,
            "agency_id": self.agency_id,
        }


def send_reminders(
    db: Session,
    now: datetime,
    agency_id: int | None = None,
    dry_run: bool = False,
    actor_id: int | None = None,
    *,
    base_url: str | None = None,
    send: Sender | None = None,
) -> Summary:
    """Send the reminders and coordinator digests due at ``now``; return the counts.

    ``agency_id``: only that agency's staff and its coordinators (a coordinator's "send
    reminders" button); None: every agency. ``actor_id``: who asked (None: cron or the CLI),
    for the audit entry. ``dry_run`` sends nothing and writes nothing. Otherwise it commits
    each claim (see the module docstring) and adds one audit entry, which the caller commits.
    """
    today = now.date()
    if base_url is None:
        from lms.certificates.web import public_base_url

        base_url = public_base_url()
    if send is None:
        from lms.mail import send_mail

        send = send_mail
    site = _site(db, base_url)
    items = due_items(db, today, agency_id)
    messages = reminders.plan(items, coordinators(db, agency_id), today, site)
    done = _claimed(db, messages)
    fresh = [m for m in messages if m.key not in done]
    if dry_run:
        return Summary(len(messages), len(fresh), len(messages) - len(fresh), 0, True, agency_id)
    db.commit()  # start each claim in a transaction of its own
    sent = failed = unreachable = 0
    skipped = len(messages) - len(fresh)
    for index, message in enumerate(fresh):
        if unreachable >= GIVE_UP_AFTER:
            failed += len(fresh) - index  # not claimed: the next run sends them
            log.error("mail server unreachable; %d reminders left for the next run", failed)
            break
        if not _claim(db, message, now):
            skipped += 1
            continue
        try:
            send(message.to, message.subject, message.body)
        except Exception as error:  # any failure: release the claim, carry on with the rest
            log.warning(
                "reminder %s to user %s not sent: %r", message.kind, message.recipient_id, error
            )
            failed += 1
            unreachable = unreachable + 1 if isinstance(error, UNREACHABLE) else 0
            _release(db, message)
        else:
            sent += 1
            unreachable = 0
    summary = Summary(len(messages), sent, skipped, failed, False, agency_id)
    subject = "reminders" if agency_id is None else f"agency:{agency_id}"
    data = {**summary.as_dict(), "trigger": "cli" if actor_id is None else "user"}
    record(db, "reminders.send", subject, data, now, actor_id)
    return summary


def remind_agency(db: Session, now: datetime, coordinator: User) -> Summary:
    """Send the reminders due for the coordinator's own agency (their "send reminders" button).

    Only that agency's staff and coordinators; whatever was already sent in its window (by
    cron or an earlier press) is skipped. Commits each claim like :func:`send_reminders`;
    the caller commits the audit entry.
    """
    if coordinator.agency_id is None:  # never fall through to "every agency"
        raise ValueError("a coordinator without an agency has no staff to remind")
    return send_reminders(db, now, coordinator.agency_id, actor_id=coordinator.id)


def due_items(db: Session, today: date, agency_id: int | None = None) -> list[reminders.DueItem]:
    """Return every active user's standing that may need a reminder ``today`` (two queries)."""
    code = status_code(today)
    query = (
        select(
            Standing.user_id,
            User.email,
            User.name.label("user_name"),
            Standing.agency_id,
            Requirement.key,
            Requirement.name.label("requirement_name"),
            Requirement.courses,
            code.label("code"),
            Standing.due_on,
        )
        .join(User, User.id == Standing.user_id)
        .join(Requirement, Requirement.id == Standing.requirement_id)
        .where(User.active, Requirement.active, code.in_(sorted(reminders.REMINDABLE)))
        .order_by(Standing.user_id, Requirement.key)
    )
    if agency_id is not None:
        query = query.where(Standing.agency_id == agency_id)
    rows = db.execute(query).all()
    titles: dict[str, str] = {}
    if rows:
        titles = {slug: title for slug, title in db.execute(select(Course.slug, Course.title))}
    return [
        reminders.DueItem(
            r.user_id,
            r.email,
            r.user_name,
            r.agency_id,
            r.key,
            r.requirement_name,
            r.code,
            r.due_on,
            tuple(reminders.CourseLink(s, titles[s]) for s in r.courses if s in titles),
        )
        for r in rows
    ]


def coordinators(db: Session, agency_id: int | None = None) -> list[reminders.Coordinator]:
    """Return the active coordinators (of ``agency_id`` only, when given) and their agency."""
    query = (
        select(User.id, User.email, User.name, Agency.id, Agency.name)
        .join(Agency, Agency.id == User.agency_id)
        .where(User.active, User.role == Role.COORDINATOR)
        .order_by(User.id)
    )
    if agency_id is not None:
        query = query.where(User.agency_id == agency_id)
    return [reminders.Coordinator(*row) for row in db.execute(query)]


def _site(db: Session, base_url: str) -> reminders.Site:
    from lms.courses.queries import current_site

    site = current_site(db)
    variables = site.get("variables", {})
    support = tuple(
        reminders.SupportLine(str(s["name"]), str(s["contact"]))
        for s in site.get("support", [])
        if isinstance(s, dict) and s.get("name") and s.get("contact")
    )
    return reminders.Site(
        base_url=base_url.rstrip("/"),
        sender=str(variables.get("oversight_body") or "The Harbor training team"),
        training_contact=variables.get("training_contact") or None,
        support=support,
    )


def _claimed(db: Session, messages: Sequence[reminders.Message]) -> set[tuple[int, str, str, str]]:
    """Return the keys of ``messages`` already in the log (a shortcut; the insert decides)."""
    found: set[tuple[int, str, str, str]] = set()
    ids = sorted({m.recipient_id for m in messages})
    windows = sorted({m.window for m in messages})
    for start in range(0, len(ids), CHUNK):
        rows = db.execute(
            select(ReminderLog.recipient_id, ReminderLog.kind, ReminderLog.subject,
                   ReminderLog.window)
            .where(ReminderLog.recipient_id.in_(ids[start : start + CHUNK]),
                   ReminderLog.window.in_(windows))
        )  # fmt: skip
        found.update((r[0], r[1], r[2], r[3]) for r in rows)
    return found


def _values(message: reminders.Message, now: datetime) -> dict[str, object]:
    return {
        "recipient_id": message.recipient_id,
        "kind": message.kind,
        "subject": message.topic,
        "window": message.window,
        "sent_at": now,
    }


def _claim(db: Session, message: reminders.Message, now: datetime) -> bool:
    """Record ``message`` as sent and commit; return False if it already was."""
    dialect = db.get_bind().dialect.name
    try:
        if dialect in ("postgresql", "sqlite"):
            if dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            statement = insert(ReminderLog).values(**_values(message, now))
            statement = statement.on_conflict_do_nothing().returning(ReminderLog.id)
            claimed = db.connection().execute(statement).first() is not None
        else:  # any other database: let the unique constraint refuse the duplicate
            with db.begin_nested():
                db.add(ReminderLog(**_values(message, now)))
            claimed = True
        db.commit()
    except IntegrityError:
        db.rollback()
        return False
    return claimed


def _release(db: Session, message: reminders.Message) -> None:
    """Remove the claim of a message that could not be sent, so the next run retries it."""
    recipient, kind, topic, window = message.key
    try:
        db.execute(
            delete(ReminderLog).where(
                ReminderLog.recipient_id == recipient,
                ReminderLog.kind == kind,
                ReminderLog.subject == topic,
                ReminderLog.window == window,
            )
        )
        db.commit()
    except Exception:
        db.rollback()
        log.exception("claim of a failed reminder to user %s not released", recipient)
