"""``lms audit verify``: the whole chain walked in id order, streamed; the first broken entry
reported (its id, time, action, subject, and whether its link or its own hash is wrong)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from lms.audit import chain, queries
from lms.audit.chain import GENESIS, Entry, entry_hash
from lms.audit.models import AuditEvent
from lms.audit.services import record
from lms.extensions import db

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def verify(app, *args: str):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


@pytest.fixture
def trail(app) -> list[Entry]:
    """Six entries of the kinds recorded today, by the system (no users needed), as plain
    values (tests delete rows under the session's feet)."""
    made = [
        record(db.session, "certificate.issue", "certificate:HBR-2026-000001",
               {"user": 1, "course": "foundations", "cycle": 1}, T0),
        record(db.session, "quiz.rescore", "question:foundations/q1",
               {"attempts": 3, "key": ["a", "c"]}, T0 + timedelta(minutes=1)),
        record(db.session, "certificate.suspend", "certificate:HBR-2026-000001",
               {"reason": "under_review", "note": None}, T0 + timedelta(minutes=2)),
        record(db.session, "certificate.reinstate", "certificate:HBR-2026-000001",
               {"reason": "suspended_in_error"}, T0 + timedelta(minutes=3)),
        record(db.session, "requirement.change", "requirement:annual-refresher",
               {"version": 2, "months": 12}, T0 + timedelta(minutes=4)),
        record(db.session, "certificate.revoke", "certificate:HBR-2026-000001",
               {"reason": "issued_in_error", "note": "Wrong learner, é"}, T0 + timedelta(hours=1)),
    ]  # fmt: skip
    db.session.commit()
    return [Entry(e.id, e.at, e.actor_id, e.action, e.subject, e.data, e.prev_hash, e.hash)
            for e in made]  # fmt: skip


def _sql(statement: str, **params: object) -> None:
    """Tamper as someone with database access would: raw SQL, committed."""
    db.session.execute(text(statement), params)
    db.session.commit()
    db.session.expire_all()


def test_an_empty_trail_is_intact(app):
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"OK: 0 entries, chain intact (last hash {GENESIS})."


def test_an_intact_chain_verifies_and_names_its_last_hash(app, trail):
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"OK: 6 entries, chain intact (last hash {trail[-1].hash})."


def test_small_batches_stream_the_same_chain(app, trail):
    """The walk is streamed in batches; a batch smaller than the trail changes nothing."""
    result = verify(app, "--batch", "2")
    assert result.exit_code == 0, result.output
    assert "OK: 6 entries" in result.output


def test_altered_data_breaks_that_entrys_own_hash(app, trail):
    target = trail[2]
    _sql(
        "UPDATE audit_events SET data = :data WHERE id = :id",
        data='{"reason": "personal_request", "note": null}',
        id=target.id,
    )
    result = verify(app)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        f"BROKEN at entry {target.id} (2026-11-02T09:32:00+00:00, certificate.suspend "
        "certificate:HBR-2026-000001), after 2 good entries:"
    )
    assert any(line.startswith("  hash wrong:") for line in lines)
    assert not any(line.startswith("  link wrong:") for line in lines)


def test_an_altered_subject_or_time_is_caught_too(app, trail):
    _sql("UPDATE audit_events SET subject = 'certificate:HBR-2026-000999' WHERE id = :id",
         id=trail[4].id)  # fmt: skip
    result = verify(app)
    assert result.exit_code == 1 and f"BROKEN at entry {trail[4].id} " in result.output


def test_a_rehashed_alteration_breaks_the_next_link(app, trail):
    """Someone who alters an entry and recomputes its hash still breaks the next entry's link."""
    target = trail[1]
    forged = entry_hash(target.prev_hash, target.at, None, target.action, target.subject, {})
    _sql("UPDATE audit_events SET data = '{}', hash = :h WHERE id = :id", h=forged, id=target.id)
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at entry {trail[2].id} " in result.output
    assert "  link wrong:" in result.output and "  hash wrong:" not in result.output


def test_a_deleted_middle_entry_breaks_the_next_link(app, trail):
    _sql("DELETE FROM audit_events WHERE id = :id", id=trail[3].id)
    result = verify(app)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"BROKEN at entry {trail[4].id} (")
    assert "requirement.change requirement:annual-refresher" in lines[0]
    assert lines[1] == (
        f"  link wrong: prev_hash {trail[3].hash} is not the previous entry's hash "
        f"{trail[2].hash} (an entry before it was deleted, inserted or reordered)."
    )
    assert len(lines) == 2  # its own hash still matches its content


def test_deleting_the_first_entry_is_caught(app, trail):
    _sql("DELETE FROM audit_events WHERE id = :id", id=trail[0].id)
    result = verify(app)
    assert result.exit_code == 1 and f"BROKEN at entry {trail[1].id} " in result.output


def test_reordered_entries_break_the_chain(app, trail):
    """Swap two entries' ids (their content and hashes move with them)."""
    a, b = trail[1].id, trail[2].id
    _sql("UPDATE audit_events SET id = :tmp WHERE id = :a", tmp=10_000, a=a)
    _sql("UPDATE audit_events SET id = :a WHERE id = :b", a=a, b=b)
    _sql("UPDATE audit_events SET id = :b WHERE id = :tmp", b=b, tmp=10_000)
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at entry {a} " in result.output and "  link wrong:" in result.output


def test_a_forged_entry_in_place_of_a_deleted_one_breaks_the_following_link(app, trail):
    """Delete entry 4 and insert a forgery with its id, chained correctly to entry 3: the
    forgery itself verifies, but entry 5 still points at the original's hash."""
    gone, before = trail[3], trail[2]
    data = {"reason": "nothing to see"}
    at = gone.at
    forged = entry_hash(before.hash, at, None, "certificate.reinstate", gone.subject, data)
    _sql("DELETE FROM audit_events WHERE id = :id", id=gone.id)
    db.session.add(
        AuditEvent(
            id=gone.id,
            at=at,
            actor_id=None,
            action="certificate.reinstate",
            subject=gone.subject,
            data=data,
            prev_hash=before.hash,
            hash=forged,
        )
    )
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at entry {trail[4].id} " in result.output
    assert "  link wrong:" in result.output


def test_a_forged_entry_appended_with_a_made_up_link_is_caught(app, trail):
    forged = trail[-1].id + 1
    db.session.add(
        AuditEvent(
            id=forged,
            at=T0 + timedelta(days=1),
            actor_id=None,
            action="certificate.reinstate",
            subject="certificate:HBR-2026-000001",
            data={},
            prev_hash="f" * 64,
            hash="e" * 64,
        )
    )
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    out = result.output
    assert f"BROKEN at entry {forged} " in out and "after 6 good entries" in out
    assert "  link wrong:" in out and "  hash wrong:" in out


def test_entries_are_streamed_in_id_order(app, trail):
    ids = [entry.id for entry in queries.chain_entries(db.session, batch=4)]
    assert ids == sorted(ids) == [event.id for event in trail]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 6


# -- the pure walk --------------------------------------------------------------------------


def _entries(n: int) -> list[Entry]:
    out, prev = [], GENESIS
    for i in range(1, n + 1):
        at = T0 + timedelta(seconds=i)
        digest = entry_hash(prev, at, None, "quiz.rescore", f"question:{i}", {"i": i})
        out.append(Entry(i, at, None, "quiz.rescore", f"question:{i}", {"i": i}, prev, digest))
        prev = digest
    return out


def test_verify_reports_count_last_hash_and_no_break():
    entries = _entries(5)
    verdict = chain.verify(iter(entries))
    assert (verdict.checked, verdict.last_hash, verdict.broken) == (5, entries[-1].hash, None)
    assert chain.first_broken(entries) is None


def test_verify_tells_a_broken_link_from_a_wrong_hash():
    entries = _entries(5)
    altered = [*entries[:2], dataclasses.replace(entries[2], data={"i": 99}), *entries[3:]]
    broken = chain.verify(altered).broken
    assert broken is not None
    assert (broken.entry.id, broken.link_ok, broken.hash_ok) == (3, True, False)
    assert chain.first_broken(altered) == 3

    skipped = entries[:2] + entries[3:]
    broken = chain.verify(skipped).broken
    assert broken is not None
    assert (broken.entry.id, broken.link_ok, broken.hash_ok) == (4, False, True)
    assert broken.expected_prev == entries[1].hash
