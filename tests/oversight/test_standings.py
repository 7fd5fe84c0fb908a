"""The standings table stays in step with the facts: every service that changes one refreshes
the learner, a requirements sync refreshes everyone, and `lms compliance check` finds drift."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from fractions import Fraction

import pytest
from sqlalchemy import select, update

from lms import clock
from lms.auth import services as auth_services
from lms.auth.models import Role
from lms.certificates import policy
from lms.certificates.services import change_status, issue_if_eligible
from lms.certificates.web import issuer_for
from lms.courses.models import Course
from lms.courses.requirements import RequirementSpec
from lms.courses.services import sync_content
from lms.extensions import db
from lms.oversight import queries, standings
from lms.oversight.models import Requirement, Standing
from tests.certificates.conftest import finish_modules, record_final
from tests.conftest import foundations_tree

ONLY_FOUNDATIONS = RequirementSpec(
    "foundations-only", "Foundations", "EXAMPLE", ("law-enforcement",), (), ("foundations",),
    180, clock.now().date() - timedelta(days=400), 365, 24,
)  # fmt: skip


@pytest.fixture
def tree():
    base = foundations_tree()
    return dataclasses.replace(base, requirements=(*base.requirements, ONLY_FOUNDATIONS))


@pytest.fixture
def synced(world, tree):
    sync_content(db.session, tree, clock.now())
    db.session.commit()
    return world


def code(user, key: str) -> str | None:
    db.session.expire_all()
    return db.session.scalar(
        select(queries.status_code(clock.now().date()))
        .join(Requirement, Requirement.id == Standing.requirement_id)
        .where(Standing.user_id == user.id, Requirement.key == key)
    )


def in_step() -> None:
    assert standings.check(db.session, clock.now().date()) == []


def test_every_new_learner_has_a_standing_per_requirement_that_covers_them(app, world):
    rows = db.session.execute(select(Standing.user_id, Standing.requirement_id)).all()
    covered = {u for u, _ in rows}
    assert {world.learner.id, world.coordinator.id, world.fred.id} <= covered
    assert world.admin.id not in covered  # no discipline, no agency: nothing applies
    in_step()


def test_a_requirements_sync_rebuilds_everyone(app, synced):
    # The effective date is long past and the learner started in 2025: overdue already.
    assert code(synced.learner, "foundations-only") == "overdue"
    assert code(synced.fred, "foundations-only") is None  # juvenile justice: not covered
    in_step()


def test_issuing_and_revoking_a_certificate_refresh_the_learner(app, synced):
    finish_modules(synced.learner)
    record_final(synced.learner, Fraction(1))
    course = db.session.scalar(select(Course).where(Course.slug == "foundations"))
    with app.test_request_context():
        cert = issue_if_eligible(
            db.session, synced.learner, course, issuer_for(db.session), clock.now()
        )
    db.session.commit()
    assert code(synced.learner, "foundations-only") == "compliant"
    in_step()
    change_status(db.session, cert, policy.Action.REVOKE, "issued_in_error", "", synced.admin,
                  clock.now())  # fmt: skip
    db.session.commit()
    assert code(synced.learner, "foundations-only") == "overdue"
    in_step()


def test_enrolling_marks_training_in_progress(app, world):
    # core-response is not due for months (existing staff: effective date + 365 days).
    def busy_until():
        return db.session.scalar(
            select(Standing.busy_until)
            .join(Requirement, Requirement.id == Standing.requirement_id)
            .where(Standing.user_id == world.learner.id, Requirement.key == "core-response")
        )

    assert busy_until() is None
    finish_modules(world.learner)  # enrols in Foundations, one of its three courses
    db.session.expire_all()
    assert busy_until() == date.max  # in progress for as long as it is not yet due soon
    in_step()


def test_moving_a_learner_to_another_agency_moves_their_standings(app, world):
    auth_services.set_role(db.session, world.fred, Role.LEARNER, world.agency, now=clock.now())
    db.session.commit()
    agencies = set(
        db.session.scalars(select(Standing.agency_id).where(Standing.user_id == world.fred.id))
    )
    assert agencies == {world.agency.id}
    in_step()


def test_check_reports_drift_and_refresh_repairs_it(app, synced):
    db.session.execute(update(Standing).values(due_on=None))
    problems = standings.check(db.session, clock.now().date())
    assert problems and "expected" in problems[0]
    standings.refresh(db.session, clock.now().date())
    in_step()


def test_the_cli_refreshes_and_checks(app, synced):
    runner = app.test_cli_runner()
    db.session.execute(update(Standing).values(busy_until=None, due_on=None))
    db.session.commit()
    result = runner.invoke(args=["compliance", "check"])
    assert result.exit_code == 1 and "differ" in result.output
    result = runner.invoke(args=["compliance", "refresh"])
    assert result.exit_code == 0 and "standings rebuilt" in result.output
    result = runner.invoke(args=["compliance", "check"])
    assert result.exit_code == 0, result.output
