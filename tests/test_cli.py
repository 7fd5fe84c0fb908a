"""The command line: content check and sync, users, demo seed, db upgrade."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lms import clock
from lms.auth.models import Agency, Role, User
from lms.extensions import db
from tests.conftest import CONTENT

FILE_LINE = re.compile(r"^\S+\.(md|yml):\d+: .+$")


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def test_content_check_passes_on_the_shipped_curriculum(app):
    result = run(app, "content", "check", str(CONTENT))
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output


def test_content_check_reports_every_problem_as_file_line(app, tmp_path):
    import shutil

    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    module = next(root.glob("foundations/01-*.md"))
    text = module.read_text()
    module.write_text(text.replace("minutes:", "minutes: soon\nold_minutes:", 1) + "\n{{ nope }}\n")
    (root / "foundations" / "course.md").write_text("---\ntitle: [unclosed\n---\n")
    result = run(app, "content", "check", str(root))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if FILE_LINE.match(line)]
    assert len(lines) >= 3, result.output
    assert any("01-" in line and "nope" in line for line in lines)
    assert any("course.md:" in line for line in lines)


def test_content_sync_twice(app):
    first = run(app, "content", "sync")
    assert first.exit_code == 0 and "created: course:foundations" in first.output
    second = run(app, "content", "sync")
    assert second.exit_code == 0 and "nothing changed" in second.output


def test_users_create_and_set_role(app):
    run(app, "content", "sync")
    db.session.add(
        Agency(
            name="Pine County Sheriff's Office",
            type="law_enforcement",
            county="Pine County",
            region="Northern",
        )
    )
    db.session.commit()
    args = [
        "users",
        "create",
        "--email",
        "Casey@Example.org",
        "--name",
        "Casey Park",
        "--agency",
        "Pine County Sheriff's Office",
        "--discipline",
        "law-enforcement",
    ]
    result = run(app, *args, "--password", "harbor lantern river")
    assert result.exit_code == 0, result.output
    assert run(app, *args, "--password", "harbor lantern river").exit_code != 0  # taken
    weak = run(
        app,
        "users",
        "create",
        "--email",
        "w@example.org",
        "--name",
        "W",
        "--role",
        "admin",
        "--password",
        "short",
    )
    assert weak.exit_code != 0 and "at least 12" in weak.output
    no_agency = run(
        app,
        "users",
        "create",
        "--email",
        "n@example.org",
        "--name",
        "N",
        "--password",
        "harbor lantern river",
    )
    assert no_agency.exit_code != 0 and "--agency" in no_agency.output
    assert run(app, "users", "set-role", "casey@example.org", "coordinator").exit_code == 0
    user = db.session.scalar(select(User).where(User.email == "casey@example.org"))
    db.session.refresh(user)
    assert user.role == Role.COORDINATOR
    assert run(app, "users", "set-role", "nobody@example.org", "admin").exit_code != 0


def test_demo_seed_is_safe_to_run_twice(app):
    run(app, "content", "sync")
    first = run(app, "demo", "seed")
    assert first.exit_code == 0 and "officer@example.org" in first.output
    count = db.session.scalar(select(func.count(User.id)))
    agencies = db.session.scalar(select(func.count(Agency.id)))
    assert run(app, "demo", "seed").exit_code == 0
    assert db.session.scalar(select(func.count(User.id))) == count
    assert db.session.scalar(select(func.count(Agency.id))) == agencies
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"learner", "coordinator", "overseer", "admin"}
    assert len(set(db.session.scalars(select(Agency.type)))) >= 5


def test_demo_caseworker_earned_a_certificate_through_the_quiz_engine(app):
    from lms.assessments.models import Attempt
    from lms.certificates.models import Certificate
    from lms.certificates.policy import Renewal, renewal

    run(app, "content", "sync")
    run(app, "demo", "seed")
    result = run(app, "demo", "seed")
    (cert,) = db.session.scalars(select(Certificate)).all()
    assert f"holds certificate {cert.serial}" in result.output
    (attempt,) = db.session.scalars(select(Attempt)).all()
    assert attempt.status == "submitted" and attempt.passed and attempt.score == 1
    assert cert.score == 1 and cert.quiz_version_id == attempt.quiz_version_id
    assert renewal(cert.status, cert.expires_at, False, 90, clock.now()) == Renewal.OPEN


def test_db_upgrade_command(tmp_path):
    from lms import create_app
    from tests.conftest import app_config

    app = create_app(app_config(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}"))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "upgraded" in result.output
    again = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert again.exit_code == 0
