"""Snapshots: stored once, right for every later day; the SQL status code mirrors the core."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from lms.auth.models import Role, User
from lms.extensions import db
from lms.oversight import compliance, queries, urgency
from lms.oversight.compliance import CODES, Snapshot, Status, code_of, counts_of, status_on
from lms.oversight.models import Requirement, Standing
from tests.oversight.test_compliance_properties import facts, run

NEVER = date.max


def later(f: dict, days: int) -> date:
    return min(f["today"] + timedelta(days=days), date(9990, 1, 1))


@settings(deadline=None, max_examples=400)
@given(facts, st.integers(0, 3000))
def test_a_snapshot_gives_classify_s_answer_on_every_later_day(f, days):
    if not compliance.applies(f["req"], f["learner"]):
        return
    today = f["today"]
    # Facts as known on the snapshot day: nothing issued after it (that is a new fact).
    held = [h for h in f["held"] if h.issued_on <= today]
    args = (f["req"], f["learner"], held, f["credits"], f["started"])
    snap = compliance.snapshot(*args, today)
    then = later(f, days)
    expected = run(f, held=held, today=then)
    assert status_on(snap, then) == replace(expected, missing=(), via_credit=False)
    # ... so a snapshot taken later is the same snapshot, which `lms compliance check` relies on
    assert compliance.snapshot(*args, then) == snap


@settings(deadline=None, max_examples=200)
@given(facts)
def test_every_applicable_result_has_a_code_that_maps_back(f):
    result = run(f)
    if result.status is Status.NOT_APPLICABLE:
        return
    status, bucket, satisfied = CODES[code_of(result)]
    assert (status, bucket, satisfied) == (result.status, result.bucket, result.satisfied)


def test_counts_of_adds_statuses_buckets_and_met_pairs():
    counts = counts_of([("compliant", 5), ("renew_30", 2), ("due_30", 3), ("overdue", 1)])
    assert counts.by_status[Status.COMPLIANT] == 5
    assert counts.by_status[Status.DUE_SOON] == 5 and counts.by_bucket[30] == 5
    assert counts.satisfied == 7 and counts.applicable == 11


# -- the SQL mirror, on the test database (SQLite, or PostgreSQL in CI) ------------------------

T = date(2027, 3, 15)
DUE = [None, *(T + timedelta(days=d) for d in (-400, -1, 0, 1, 30, 31, 60, 61, 90, 91, 500))]
LAPSES = [None, T - timedelta(days=1), T, T + timedelta(days=1), T + timedelta(days=95), NEVER]
BUSY = [None, T, T + timedelta(days=1), NEVER]


def bare_users(n: int) -> list[int]:
    """Insert ``n`` users with nothing else (standings rows need a user to point at)."""
    now = datetime.now(UTC)
    return list(db.session.scalars(
        insert(User).returning(User.id, sort_by_parameter_order=True),
        [{"email": f"u{i}@example.org", "name": f"U{i}", "password_hash": "!",
          "role": Role.OVERSEER, "created_at": now} for i in range(n)],
    ))  # fmt: skip


def consistent(snap: Snapshot) -> bool:
    """The shapes the core produces: no due date exactly when the training never lapses, and
    while met the due date is the day before the lapse or later (never in the past)."""
    if (snap.due_on is None) != (snap.lapses_on == NEVER):
        return False
    if snap.lapses_on is not None and snap.lapses_on > T and snap.due_on is not None:
        return snap.due_on >= snap.lapses_on - timedelta(days=1)
    return True


def test_the_sql_status_code_matches_status_on_at_every_boundary(app):
    snaps = [s for s in (Snapshot(*c) for c in product(DUE, LAPSES, BUSY)) if consistent(s)]
    requirement_id = db.session.execute(
        insert(Requirement).returning(Requirement.id),
        [{"key": "r", "name": "R", "citation": "EXAMPLE", "disciplines": [], "agency_types": [],
          "courses": ["a"], "initial_deadline_days": 1, "effective_date": T,
          "existing_staff_deadline_days": 1, "renewal_months": None, "content_hash": "x",
          "synced_at": datetime.now(UTC)}],
    ).scalar_one()  # fmt: skip
    user_ids = bare_users(len(snaps))
    db.session.execute(
        insert(Standing),
        [{"user_id": u, "requirement_id": requirement_id, "due_on": s.due_on,
          "lapses_on": s.lapses_on, "busy_until": s.busy_until, "computed_on": T}
         for u, s in zip(user_ids, snaps, strict=True)],
    )  # fmt: skip
    got = dict(db.session.execute(select(Standing.user_id, queries.status_code(T))).all())
    assert len(snaps) > 150
    for user_id, snap in zip(user_ids, snaps, strict=True):
        assert got[user_id] == code_of(status_on(snap, T)), snap


@settings(deadline=None, max_examples=400)
@given(facts)
def test_in_progress_means_a_course_started_or_a_required_certificate_still_counting(f):
    # An oracle written from the definition, not from the implementation.
    result = run(f)
    if result.status not in (Status.IN_PROGRESS, Status.NOT_STARTED):
        return
    req, today = f["req"], f["today"]
    counting = any(
        h.course in req.courses and h.status == "active" and h.issued_on <= today
        and (compliance.lapses_on(req, h) or NEVER) > today
        for h in f["held"]
    )  # fmt: skip
    busy = bool(f["started"] & set(req.courses)) or counting
    assert (result.status is Status.IN_PROGRESS) is busy


def test_one_course_still_counting_of_two_is_in_progress_after_the_other_lapses():
    from lms.courses.requirements import RequirementSpec
    from lms.oversight.compliance import Held, Learner

    req = RequirementSpec("req", "R", "EXAMPLE", ("law-enforcement",), (), ("a", "b"), 180,
                          date(2027, 1, 1), 365, None)  # fmt: skip
    learner = Learner("law-enforcement", None, None)  # due 2028-01-01
    held = [Held("a", date(2026, 1, 1), date(2026, 6, 1), "active"),
            Held("b", date(2026, 1, 1), date(2029, 1, 1), "active")]  # fmt: skip
    snap = compliance.snapshot(req, learner, held, (), frozenset(), date(2026, 2, 1))
    assert status_on(snap, date(2027, 1, 1)).status is Status.IN_PROGRESS
    assert compliance.classify(req, learner, held, (), frozenset(), date(2027, 1, 1)).status is (
        Status.IN_PROGRESS
    )


@settings(deadline=None, max_examples=300)
@given(st.lists(facts, min_size=1, max_size=4), st.integers(0, 2000))
def test_a_learner_snapshot_gives_the_most_urgent_standing_on_every_later_day(many, days):
    # Several requirements of one learner, each with its own facts, all as of the first today.
    today = many[0]["today"]
    snaps = []
    for f in many:
        f = {**f, "today": today}
        if compliance.applies(f["req"], f["learner"]):
            held = [h for h in f["held"] if h.issued_on <= today]
            snaps.append(compliance.snapshot(f["req"], f["learner"], held, f["credits"],
                                             f["started"], today))  # fmt: skip
    then = min(today + timedelta(days=days), date(9990, 1, 1))
    results = [status_on(s, then) for s in snaps]
    expected = (urgency.most_urgent(r.status for r in results),
                all(r.satisfied for r in results))  # fmt: skip
    assert urgency.learner_status_on(urgency.learner_snapshot(snaps), then) == expected


D = date(2027, 6, 1)
ONE = timedelta(days=1)


@pytest.mark.parametrize(
    ("snap", "today", "expected"),
    [
        # due_on, overdue_after, idle_from, unmet_from
        ((D, D, date.min, date.min), D, (Status.DUE_SOON, False)),  # the last day in time
        ((D, D, date.min, date.min), D + ONE, (Status.OVERDUE, False)),
        ((D, None, D, D), D + ONE, (Status.EXPIRED, False)),  # lapsed, never "never met"
        ((D, D + ONE * 5, D, D), D + ONE, (Status.EXPIRED, False)),  # overdue only from day 7
        ((D, D + ONE * 5, D, D), D + ONE * 5, (Status.EXPIRED, False)),  # its last day in time
        ((D, D + ONE * 5, D, D), D + ONE * 6, (Status.OVERDUE, False)),
        ((D, None, None, None), D - ONE * 90, (Status.DUE_SOON, True)),  # renewal, still met
        ((D, None, None, None), D - ONE * 91, (Status.COMPLIANT, True)),
        ((D, D, D - ONE * 100, D - ONE * 100), D - ONE * 100, (Status.NOT_STARTED, False)),
        ((D, D, D - ONE * 100, D - ONE * 200), D - ONE * 101, (Status.IN_PROGRESS, False)),
        ((None, None, None, None), D, (Status.COMPLIANT, True)),  # met for good
        ((D, None, None, D - ONE * 95), D - ONE * 95, (Status.IN_PROGRESS, False)),
        ((D, None, None, D - ONE * 95), D - ONE * 96, (Status.COMPLIANT, True)),
    ],
)
def test_learner_status_at_the_boundaries(snap, today, expected):
    assert urgency.learner_status_on(urgency.LearnerSnapshot(*snap), today) == expected


LEARNER_DATES = [None, date.min, T - timedelta(days=1), T, T + timedelta(days=1),
                 T + timedelta(days=90), T + timedelta(days=91)]  # fmt: skip


def test_the_sql_learner_status_matches_learner_status_on(app):
    from lms.oversight.dashboard import learner_all_met, learner_urgency
    from lms.oversight.models import LearnerStanding

    due_values = [d for d in LEARNER_DATES if d is not date.min]
    combos = product(due_values, due_values, LEARNER_DATES, LEARNER_DATES)
    snaps = [urgency.LearnerSnapshot(*c) for c in combos]
    user_ids = bare_users(len(snaps))
    db.session.execute(
        insert(LearnerStanding),
        [{"user_id": u, "due_on": s.due_on, "overdue_after": s.overdue_after,
          "idle_from": s.idle_from, "unmet_from": s.unmet_from, "computed_on": T}
         for u, s in zip(user_ids, snaps, strict=True)],
    )  # fmt: skip
    got = {
        u: (urgency.URGENCY[r], bool(m))
        for u, r, m in db.session.execute(
            select(LearnerStanding.user_id, learner_urgency(T), learner_all_met(T))
        )
    }
    for user_id, snap in zip(user_ids, snaps, strict=True):
        assert got[user_id] == urgency.learner_status_on(snap, T), snap


def test_counting_learners_by_their_combined_row_agrees_with_grouping_their_standings(app, world):
    from lms.oversight.dashboard import person_cells, person_cells_grouped
    from lms.oversight.filters import Filters
    from tests.certificates.conftest import finish_modules

    finish_modules(world.learner)  # in progress on core-response
    for today in (date(2026, 12, 5), date(2027, 6, 1), date(2028, 1, 1)):
        for chosen in (Filters(), Filters(agency=world.agency.id), Filters(region="Northern")):
            fast = sorted(person_cells(db.session, chosen, today), key=repr)
            grouped = sorted(person_cells_grouped(db.session, chosen, today), key=repr)
            assert fast == grouped, (today, chosen)
    assert sum(cell.people for cell in person_cells(db.session, Filters(), date(2027, 6, 1))) == 4
