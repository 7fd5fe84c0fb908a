"""Sending reminders through a real (local) SMTP server: once per window, own agency only,
failures retried, dry runs harmless, every run audited; and the ``lms reminders send`` CLI."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, func, select

from lms import clock
from lms.audit.models import AuditEvent
from lms.auth.models import Role
from lms.extensions import db
from lms.oversight.models import ReminderLog, Requirement, Standing
from lms.oversight.remind import remind_agency, send_reminders
from tests.conftest import PG_URL, make_user

NOW = datetime(2026, 12, 10, 6, 0, tzinfo=UTC)  # a Thursday
TODAY = NOW.date()


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what it receives and can refuse some recipients."""

    received: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self) -> list[str]:
        return sorted(str(m["To"]) for m in self.received)

    def clear(self) -> None:
        self.received.clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    yield handler
    controller.stop()


def _requirement(key: str) -> int:
    return db.session.scalar(select(Requirement.id).where(Requirement.key == key))


def stand(user, key: str, due_on: date, lapses_on: date | None = None) -> None:
    """Give ``user`` a standing on requirement ``key`` (replacing any)."""
    db.session.execute(
        delete(Standing).where(
            Standing.user_id == user.id, Standing.requirement_id == _requirement(key)
        )
    )
    db.session.add(
        Standing(
            user_id=user.id,
            requirement_id=_requirement(key),
            agency_id=user.agency_id,
            discipline_id=user.discipline_id,
            due_on=due_on,
            lapses_on=lapses_on,
            busy_until=None,
            computed_on=TODAY,
        )
    )
    db.session.commit()


@pytest.fixture
def due(world):
    """Learner: two requirements due in 10 days; Fred (other agency): one past due;
    the coordinator: compliant; nobody else has a standing."""
    db.session.execute(delete(Standing))
    stand(world.learner, "core-response", TODAY + timedelta(days=10))
    stand(world.learner, "identification", TODAY + timedelta(days=10))
    stand(world.fred, "core-response", TODAY - timedelta(days=3))
    stand(world.coordinator, "core-response", TODAY + timedelta(days=400), date(2028, 1, 1))
    return world


def run(now: datetime = NOW, **kwargs):
    summary = send_reminders(db.session, now, **kwargs)
    db.session.commit()  # the boundary commits the audit entry
    return summary


def _logs() -> list[tuple[int, str, str, str]]:
    rows = db.session.execute(
        select(ReminderLog.recipient_id, ReminderLog.kind, ReminderLog.subject, ReminderLog.window)
    )
    return sorted(tuple(r) for r in rows)


def _audits() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reminders.send")))


def test_due_learners_get_one_email_per_requirement_and_coordinators_a_digest(inbox, due):
    summary = run()
    assert (summary.planned, summary.sent, summary.skipped, summary.failed) == (4, 4, 0, 0)
    assert inbox.to() == [
        "coordinator@example.org",
        "fred@example.org",
        "learner@example.org",
        "learner@example.org",
    ]
    learner_mail = [m for m in inbox.received if m["To"] == "learner@example.org"]
    assert {m["Subject"] for m in learner_mail} == {"Harbor: a reminder about your training"}
    body = learner_mail[0].get_content()
    assert "December 20, 2026" in body
    assert "https://harbor.example.gov/certificates" in body
    assert "https://harbor.example.gov/support" in body
    assert _logs() == [
        (due.learner.id, "learner", "core-response", "due_30:2026-12-20"),
        (due.learner.id, "learner", "identification", "due_30:2026-12-20"),
        (due.coordinator.id, "digest", str(due.agency.id), "2026-W50"),
        (due.fred.id, "learner", "core-response", "overdue:2026-12-07:w0"),
    ]


def test_the_digest_lists_only_the_coordinators_own_agency(inbox, due):
    olive = make_user("olive", Role.COORDINATOR, due.other_agency, "juvenile-justice")
    db.session.commit()
    run()
    digests = {str(m["To"]): m.get_content() for m in inbox.received if "summary" in m["Subject"]}
    assert set(digests) == {"coordinator@example.org", "olive@example.org"}
    assert "Learner" in digests["coordinator@example.org"]
    assert "Fred" not in digests["coordinator@example.org"]
    assert "Fred" in digests["olive@example.org"]
    assert "Learner" not in digests["olive@example.org"]
    assert "Harbor City Police Department" in digests["coordinator@example.org"]
    assert olive.id in {r for (r, kind, *_) in _logs() if kind == "digest"}


def test_a_rerun_in_the_same_window_sends_nothing(inbox, due):
    run()
    inbox.clear()
    again = run(NOW + timedelta(hours=6))
    assert (again.sent, again.skipped, again.failed) == (0, 4, 0)
    assert inbox.received == []
    # the next day: still the same windows
    assert run(NOW + timedelta(days=1)).sent == 0
    assert inbox.received == []


def test_a_new_bucket_or_week_sends_again(inbox, due):
    stand(due.learner, "identification", TODAY + timedelta(days=45))  # due_60 today
    run()
    inbox.clear()
    # 16 days later: identification enters the 30-day bucket, core-response is past due,
    # Fred is in his third week past due, and it is a new week for the digest.
    later = run(NOW + timedelta(days=16))
    assert (later.sent, later.skipped) == (4, 0)
    assert inbox.to() == [
        "coordinator@example.org",
        "fred@example.org",
        "learner@example.org",
        "learner@example.org",
    ]
    windows = {w for (_, _, _, w) in _logs()}
    assert {"due_60:2027-01-24", "due_30:2027-01-24", "overdue:2026-12-20:w0"} <= windows
    assert {"overdue:2026-12-07:w0", "overdue:2026-12-07:w2", "2026-W52"} <= windows


def test_inactive_users_get_nothing_and_are_left_out_of_digests(inbox, due):
    due.learner.active = False
    db.session.commit()
    summary = run()
    assert inbox.to() == ["fred@example.org"]  # and no digest: nobody active is due at PD
    assert summary.sent == 1


def test_a_coordinator_reminds_only_their_own_agency(inbox, due):
    summary = remind_agency(db.session, NOW, due.coordinator)
    db.session.commit()
    assert inbox.to() == [
        "coordinator@example.org",
        "learner@example.org",
        "learner@example.org",
    ]
    assert summary.agency_id == due.agency.id
    (audit,) = _audits()
    assert audit.actor_id == due.coordinator.id
    assert audit.subject == f"agency:{due.agency.id}"
    assert audit.data["trigger"] == "user"
    # the cron run later that day does not repeat what the button sent
    inbox.clear()
    run()
    assert inbox.to() == ["fred@example.org"]


def test_a_coordinator_without_an_agency_is_refused(inbox, due):
    due.coordinator.agency_id = None
    with pytest.raises(ValueError, match="without an agency"):
        remind_agency(db.session, NOW, due.coordinator)
    assert inbox.received == []


def test_a_failed_send_leaves_no_claim_and_is_retried(inbox, due):
    inbox.refuse.add("fred@example.org")
    first = run()
    assert (first.sent, first.failed) == (3, 1)
    assert due.fred.id not in {r for (r, *_) in _logs()}
    inbox.refuse.clear()
    inbox.clear()
    second = run(NOW + timedelta(hours=1))
    assert (second.sent, second.skipped, second.failed) == (1, 3, 0)
    assert inbox.to() == ["fred@example.org"]


def test_with_the_mail_server_down_nothing_is_claimed(app, due):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_USE_TLS=False)
    summary = run()
    assert (summary.sent, summary.failed) == (0, 4)
    assert _logs() == []
    assert _audits()[0].data["failed"] == 4


def test_a_message_claimed_by_a_concurrent_run_is_skipped(inbox, due):
    db.session.add(
        ReminderLog(
            recipient_id=due.fred.id,
            kind="learner",
            subject="core-response",
            window="overdue:2026-12-07:w0",
            sent_at=NOW,
        )
    )
    db.session.commit()
    summary = run()
    assert (summary.sent, summary.skipped) == (3, 1)
    assert "fred@example.org" not in inbox.to()


def test_a_dry_run_sends_and_records_nothing(inbox, due):
    summary = run(dry_run=True)
    assert (summary.planned, summary.sent, summary.dry_run) == (4, 4, True)
    assert "would send 4" in summary.line()
    assert inbox.received == []
    assert _logs() == []
    assert _audits() == []


def test_every_run_is_audited_with_its_counts(inbox, due):
    run()
    run(NOW + timedelta(hours=1))
    first, second = _audits()
    assert first.actor_id is None
    assert first.subject == "reminders"
    assert first.data == {
        "planned": 4,
        "sent": 4,
        "skipped": 0,
        "failed": 0,
        "agency_id": None,
        "trigger": "cli",
    }
    assert (second.data["sent"], second.data["skipped"]) == (0, 4)


def test_nothing_is_sent_to_anyone_not_yet_due(inbox, world):
    db.session.execute(delete(Standing))
    stand(world.learner, "core-response", TODAY + timedelta(days=91))
    stand(world.fred, "core-response", TODAY + timedelta(days=120), date(2027, 6, 1))
    summary = run()
    assert summary.planned == 0
    assert inbox.received == []


# -- CLI -------------------------------------------------------------------------------------


@pytest.fixture
def cli(app, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["reminders", "send", *args])


def test_cli_sends_and_prints_one_line(cli, inbox, due):
    result = cli()
    assert result.exit_code == 0, result.output
    assert result.output == (
        "reminders (all agencies): 4 planned, sent 4, already sent 0, failed 0\n"
    )
    assert len(inbox.received) == 4
    assert cli().output.endswith("sent 0, already sent 4, failed 0\n")


def test_cli_dry_run_and_agency(cli, inbox, due):
    result = cli("--dry-run", "--agency", str(due.other_agency.id))
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output and "would send 1" in result.output
    assert inbox.received == [] and _logs() == []
    assert cli("--agency", "999").exit_code == 2


def test_cli_exits_non_zero_when_a_send_fails(cli, inbox, due):
    inbox.refuse.add("learner@example.org")
    result = cli()
    assert result.exit_code == 1
    assert "failed 2" in result.output
    inbox.refuse.clear()
    assert cli().exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(ReminderLog)) == 4


def test_an_unreachable_mail_server_is_not_tried_for_every_message(app, due):
    calls = []

    def refuse(to: str, subject: str, body: str) -> None:
        calls.append(to)
        raise ConnectionRefusedError(111, "Connection refused")

    summary = run(send=refuse)
    assert (summary.sent, summary.failed) == (0, 4)
    assert len(calls) == 3  # then the rest is left for the next run
    assert _logs() == []


@pytest.mark.skipif(not PG_URL, reason="concurrent sessions need a real database server")
def test_two_runs_at_once_send_each_message_once(app, due):
    import threading
    import time

    sent: list[str] = []
    start = threading.Barrier(2)
    summaries = []

    def slow(to: str, subject: str, body: str) -> None:
        time.sleep(0.05)  # let the other run catch up
        sent.append(to)

    def worker() -> None:
        with app.app_context():
            start.wait()
            summaries.append(run(send=slow))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(sent) == 4 and len(set(sent)) == 3  # the learner has two
    assert sorted((s.sent, s.skipped) for s in summaries) == sorted(
        (s.sent, 4 - s.sent) for s in summaries
    )
    assert sum(s.sent for s in summaries) == 4
