"""Role and agency changes are audited as ``user.role``: from, to, the agency when it moves,
and who made the change (the system for the command line, unless ``--by`` names someone)."""

from __future__ import annotations

from sqlalchemy import select

from lms import clock
from lms.audit.models import AuditEvent
from lms.auth import services
from lms.auth.models import Role
from lms.extensions import db


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def role_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.role").order_by(AuditEvent.id)
        )
    )


def test_set_role_on_the_command_line_is_audited_as_the_system(app, world):
    result = run(app, "users", "set-role", "learner@example.org", "overseer")
    assert result.exit_code == 0, result.output
    (event,) = role_events()
    assert event.actor_id is None
    assert event.subject == f"user:{world.learner.id}"
    assert event.data == {"email": "learner@example.org", "from": "learner", "to": "overseer"}
    assert run(app, "audit", "verify").exit_code == 0


def test_a_move_to_another_agency_records_both_agencies_and_the_named_actor(app, world):
    result = run(
        app, "users", "set-role", "Learner@Example.org", "coordinator",
        "--agency", world.other_agency.name, "--by", "admin@example.org",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (event,) = role_events()
    assert event.actor_id == world.admin.id
    assert event.data == {
        "email": "learner@example.org",
        "from": "learner",
        "to": "coordinator",
        "agency_from": "Harbor City Police Department",
        "agency_to": "Pine County Juvenile Probation",
    }


def test_an_agency_move_alone_is_audited(app, world):
    result = run(
        app, "users", "set-role", "coordinator@example.org", "coordinator",
        "--agency", world.other_agency.name,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (event,) = role_events()
    assert event.data["from"] == event.data["to"] == "coordinator"
    assert event.data["agency_to"] == "Pine County Juvenile Probation"


def test_setting_the_role_someone_already_has_records_nothing(app, world):
    result = run(app, "users", "set-role", "learner@example.org", "learner")
    assert result.exit_code == 0, result.output
    same_agency = run(
        app, "users", "set-role", "learner@example.org", "learner", "--agency", world.agency.name
    )
    assert same_agency.exit_code == 0, same_agency.output
    assert role_events() == []


def test_an_unknown_actor_changes_nothing(app, world):
    result = run(app, "users", "set-role", "learner@example.org", "admin", "--by", "who@nowhere")
    assert result.exit_code != 0
    assert "No account with email who@nowhere" in result.output
    db.session.expire_all()
    assert world.learner.role == Role.LEARNER
    assert role_events() == []


def test_a_refused_change_records_nothing(app, world):
    world.overseer.agency = None
    result = run(app, "users", "set-role", "overseer@example.org", "coordinator")
    assert result.exit_code != 0 and "must belong to an agency" in result.output
    assert role_events() == []


def test_the_service_records_the_actor_it_is_given(app, world):
    now = clock.now()
    services.set_role(db.session, world.fred, Role.OVERSEER, now=now, actor_id=world.admin.id)
    db.session.commit()
    (event,) = role_events()
    assert (event.actor_id, event.at, event.data["to"]) == (world.admin.id, now, "overseer")
