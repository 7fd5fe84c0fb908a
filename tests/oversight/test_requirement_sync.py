"""``lms content sync`` loads requirements: versioned, audited, retired never deleted."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from lms import clock
from lms.audit.models import AuditEvent
from lms.courses.services import sync_content
from lms.extensions import db
from lms.oversight.models import Requirement
from tests.conftest import foundations_tree


def _rows() -> dict[str, Requirement]:
    return {r.key: r for r in db.session.scalars(select(Requirement))}


def _actions() -> list[str]:
    return [
        f"{e.action} {e.subject}"
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.like("requirement.%"))
            .order_by(AuditEvent.id)
        )
    ]


def test_requirements_are_loaded_with_every_field(world):
    tree = foundations_tree()
    rows = _rows()
    assert set(rows) == {r.id for r in tree.requirements}
    for spec in tree.requirements:
        row = rows[spec.id]
        assert (row.name, row.citation, row.version, row.active) == (
            spec.name,
            spec.citation,
            1,
            True,
        )
        assert row.courses == list(spec.courses)
        assert row.disciplines == list(spec.disciplines)
        assert row.effective_date == spec.effective_date
        assert row.renewal_months == spec.renewal_months
    assert len(_actions()) == len(tree.requirements)  # one "create" each


def test_a_resync_is_a_no_op_and_a_change_is_a_new_audited_version(world):
    tree = foundations_tree()
    before = len(_actions())
    report = sync_content(db.session, tree, clock.now())
    assert not [r for r in report.updated if r.startswith("requirement:")]
    assert len(_actions()) == before

    first = tree.requirements[0]
    changed = dataclasses.replace(first, initial_deadline_days=first.initial_deadline_days + 30)
    rest = tree.requirements[1:]
    report = sync_content(
        db.session, dataclasses.replace(tree, requirements=(changed, *rest)), clock.now()
    )
    assert f"requirement:{first.id}" in report.updated
    row = _rows()[first.id]
    assert row.version == 2 and row.initial_deadline_days == first.initial_deadline_days + 30
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "requirement.change")
    ).one()
    assert event.data["initial_deadline_days"] == {
        "from": first.initial_deadline_days,
        "to": first.initial_deadline_days + 30,
    }


def test_a_removed_requirement_is_retired_not_deleted(world):
    tree = foundations_tree()
    gone = tree.requirements[-1]
    report = sync_content(
        db.session, dataclasses.replace(tree, requirements=tree.requirements[:-1]), clock.now()
    )
    assert f"requirement:{gone.id}" in report.retired
    row = _rows()[gone.id]
    assert row.active is False
    assert _actions()[-1] == f"requirement.retire requirement:{gone.id}"
    sync_content(db.session, tree, clock.now())  # back in content: active again, new version
    assert _rows()[gone.id].active and _rows()[gone.id].version == 2


def test_learners_see_where_they_stand_on_each_requirement(app, world, monkeypatch):
    from datetime import UTC, datetime
    from fractions import Fraction

    from lms.courses.models import Course
    from tests.certificates.conftest import finish_modules, record_final
    from tests.conftest import login, post

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    client = app.test_client()
    login(client, world.learner)
    page = client.get("/certificates").get_data(as_text=True)
    assert "Your training requirements" in page
    # Employed 2025-01-06, before the 2026-07-01 effective date: due 365 days after it.
    assert "Not started; due by 01 Jul 2027" in page
    record_final(world.learner, Fraction(1))
    finish_modules(world.learner)
    foundations = db.session.scalar(select(Course).where(Course.slug == "foundations"))
    last = max(foundations.modules, key=lambda m: m.position)
    post(client, f"/courses/foundations/{last.slug}/complete")
    page = client.get("/certificates").get_data(as_text=True)
    # core-response needs three courses; Foundations alone puts the learner in progress.
    assert "In progress; due by 01 Jul 2027" in page
    assert "Foundations: a trauma-informed" in page  # course titles, not slugs
