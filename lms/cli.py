"""Command line: ``lms`` (or ``flask --app lms``) with db, content, users and demo groups."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from lms import clock


def register_commands(app: Flask) -> None:
    """Attach the command groups to ``app.cli``."""
    from lms.assessments.cli import gift_group, quiz_group
    from lms.audit.cli import audit_group
    from lms.certificates.cli import certificates_group
    from lms.oversight.compliance_cli import compliance_group
    from lms.oversight.reminders_cli import reminders_group
    from lms.oversight.report_cli import report_group

    groups = (db_group, content_group, users_group, demo_group, quiz_group, gift_group)
    oversight = (compliance_group, reminders_group, report_group)
    for group in (*groups, certificates_group, audit_group, *oversight):
        app.cli.add_command(group)


def main() -> None:
    """Entry point of the ``lms`` console script."""
    from lms import create_app

    cli = FlaskGroup(create_app=create_app, help="Harbor command line.")
    cli.main(prog_name="lms")


# db --------------------------------------------------------------------------------------


@click.group("db", help="Database migrations (Alembic).")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from lms import migrate

    migrate.upgrade(current_app._get_current_object(), revision)  # type: ignore[attr-defined]
    click.echo(f"Database upgraded to {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION."""
    from lms import migrate

    migrate.downgrade(current_app._get_current_object(), revision)  # type: ignore[attr-defined]


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
@with_appcontext
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    from lms import migrate

    migrate.revision(current_app._get_current_object(), message)  # type: ignore[attr-defined]


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Show the database's revision."""
    from lms import migrate

    migrate.current(current_app._get_current_object())  # type: ignore[attr-defined]


# content ---------------------------------------------------------------------------------


@click.group("content", help="Check and load the curriculum in content/.")
def content_group() -> None:
    pass


def _content_dir(directory: str | None) -> Path:
    return Path(directory or current_app.config["CONTENT_DIR"])


SITE_OPTION = click.option(
    "--site",
    "site_file",
    default=None,
    help="Site variables file, relative to the content directory (default: the configured "
    "CONTENT_SITE, site.yml), e.g. sites/lakeshore.yml.",
)


def _site_file(site_file: str | None) -> str:
    return site_file or current_app.config["CONTENT_SITE"]


@content_group.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@SITE_OPTION
@with_appcontext
def content_check(directory: str | None, site_file: str | None) -> None:
    """Validate DIRECTORY (default: the configured content dir) without touching the database.

    Prints every problem as file:line: message and exits with status 1 if there is any.
    """
    from lms.courses.loader import load_tree
    from lms.courses.spec import ContentError

    root = _content_dir(directory)
    try:
        tree = load_tree(root, _site_file(site_file))
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem))
        count = len(error.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} in {root}.", err=True)
        sys.exit(1)
    click.echo(f"{root}: no problems found.")
    _reading_summary(tree)


#: The reading level the curriculum aims for (Flesch–Kincaid grade).
READING_GRADE_AIM = 12


def _reading_summary(tree) -> None:  # type: ignore[no-untyped-def]
    """Print each module's reading grade and words, and each course's average."""
    click.echo(f"Reading level (Flesch–Kincaid grade; aim for {READING_GRADE_AIM} or below):")
    for course in tree.courses:
        grades = [m.reading_grade for m in course.modules if m.reading_grade is not None]
        average = f"average {sum(grades) / len(grades):.1f}" if grades else "no text"
        click.echo(f"  {course.slug}: {average}")
        for module in course.modules:
            flag = ""
            if module.reading_grade is not None and module.reading_grade > READING_GRADE_AIM:
                flag = f"  (above {READING_GRADE_AIM}: consider shorter sentences)"
            click.echo(
                f"    {module.path}: grade {module.reading_grade}, "
                f"{module.words} words, {module.minutes} min{flag}"
            )


@content_group.command("sync")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@SITE_OPTION
@with_appcontext
def content_sync(directory: str | None, site_file: str | None) -> None:
    """Load DIRECTORY into the database, all or nothing; unchanged content is left as it is."""
    from lms.courses.loader import load_tree
    from lms.courses.services import sync_content
    from lms.courses.spec import ContentError
    from lms.extensions import db

    try:
        tree = load_tree(_content_dir(directory), _site_file(site_file))
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem))
        click.echo("Nothing was changed.", err=True)
        sys.exit(1)
    try:
        report = sync_content(db.session, tree, clock.now())
        db.session.commit()
    except Exception:
        db.session.rollback()
        click.echo("Sync failed; nothing was changed.", err=True)
        raise
    if not report.changed:
        click.echo("Content is up to date; nothing changed.")
        return
    for label, items in report.as_dict().items():
        for item in items:
            click.echo(f"{label}: {item}")


# users -----------------------------------------------------------------------------------

ROLE_CHOICE = click.Choice(["learner", "coordinator", "overseer", "admin"])


@click.group("users", help="Create accounts and set roles.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=ROLE_CHOICE, default="learner", show_default=True)
@click.option("--agency", help="Agency name (required for learners and coordinators).")
@click.option("--discipline", help="Discipline slug, e.g. law-enforcement.")
@click.password_option(help="Prompted for when not given.")
@with_appcontext
def users_create(
    email: str, name: str, role: str, agency: str | None, discipline: str | None, password: str
) -> None:
    """Create an account."""
    from lms.auth import services
    from lms.auth.models import Role
    from lms.auth.passwords import password_problems
    from lms.auth.views import hasher
    from lms.extensions import db

    problems = password_problems(password, email=email, name=name)
    if problems:
        raise click.UsageError(" ".join(problems))
    agency_row = _agency(agency) if agency else None
    discipline_row = _discipline(discipline) if discipline else None
    if Role(role) in (Role.LEARNER, Role.COORDINATOR) and agency_row is None:
        raise click.UsageError("Learners and coordinators need --agency.")
    new = services.NewUser(
        name,
        email,
        password,
        agency_row.id if agency_row else None,
        discipline_row.id if discipline_row else None,
        None,
        Role(role),
    )
    try:
        user = services.create_user(db.session, new, hasher(), clock.now())
    except services.EmailTaken as taken:
        raise click.UsageError(str(taken)) from taken
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}).")


@users_group.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
@click.option("--agency", help="Move the user to this agency (coordinators are scoped to one).")
@click.option("--by", "by", metavar="EMAIL", help="Who made the change, for the audit trail.")
@with_appcontext
def users_set_role(email: str, role: str, agency: str | None, by: str | None) -> None:
    """Give the account EMAIL the role ROLE (their sessions end; the audit trail records it)."""
    from lms.auth import services
    from lms.auth.models import Role, User
    from lms.extensions import db

    def account(address: str) -> User:
        found = db.session.scalar(
            select(User).where(User.email == services.normalise_email(address))
        )
        if found is None:
            raise click.UsageError(f"No account with email {address}.")
        return found

    user = account(email)
    actor_id = account(by).id if by else None
    try:
        services.set_role(
            db.session,
            user,
            Role(role),
            _agency(agency) if agency else None,
            now=clock.now(),
            actor_id=actor_id,
        )
    except services.AccountError as error:
        raise click.UsageError(str(error)) from error
    db.session.commit()
    click.echo(f"{user.email} is now {role}.")


@users_group.command("set-extra-time")
@click.argument("email")
@click.argument("percent", type=click.IntRange(0, 300))
@with_appcontext
def users_set_extra_time(email: str, percent: int) -> None:
    """Give EMAIL extra time on timed quizzes (an accommodation), as PERCENT of the limit."""
    from lms.auth.models import User
    from lms.auth.services import normalise_email
    from lms.extensions import db

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.UsageError(f"No account with email {email}.")
    user.extra_time_percent = percent
    db.session.commit()
    click.echo(f"{user.email} now has {percent}% extra time on timed quizzes.")


def _agency(name: str):  # type: ignore[no-untyped-def]
    from lms.auth.models import Agency
    from lms.extensions import db

    row = db.session.scalar(select(Agency).where(Agency.name == name))
    if row is None:
        raise click.UsageError(f"No agency named {name!r}.")
    return row


def _discipline(slug: str):  # type: ignore[no-untyped-def]
    from lms.auth.models import Discipline
    from lms.extensions import db

    row = db.session.scalar(select(Discipline).where(Discipline.slug == slug))
    if row is None:
        raise click.UsageError(f"No discipline {slug!r}; run `lms content sync` first?")
    return row


# demo ------------------------------------------------------------------------------------


@click.group("demo", help="Demonstration data.")
def demo_group() -> None:
    pass


@demo_group.command("seed")
@with_appcontext
def demo_seed() -> None:
    """Create demo agencies and one account per role (safe to run again)."""
    from lms.auth.views import hasher
    from lms.demo import seed
    from lms.extensions import db

    accounts = seed(db.session, hasher(), clock.now())
    db.session.commit()
    from lms.certificates.web import MissingPublicURL, issuer_for
    from lms.demo import CERTIFIED_EMAIL, seed_certificate

    try:
        serial = seed_certificate(db.session, issuer_for(db.session), clock.now())
    except MissingPublicURL:
        serial = None  # production without a public URL: no demo certificate
    db.session.commit()
    click.echo("Demo accounts (development only):")
    for account in accounts:
        click.echo(f"  {account.role:<12} {account.email:<32} {account.password}")
    if serial:
        click.echo(f"{CERTIFIED_EMAIL} holds certificate {serial} (renewal window open).")


@demo_group.command("generate")
@click.option("--learners", type=click.IntRange(min=1), required=True, help="How many learners.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@with_appcontext
def demo_generate(learners: int, seed: int) -> None:
    """Create a state-wide demo population for dashboards and benchmarks.

    About one agency per 330 learners (every agency type but oversight, in 40 counties and 6
    regions), a coordinator per agency, enrollments, progress, quiz attempts, certificates in
    every state and external credits; then the compliance standings are rebuilt. Run `lms
    content sync` first. Accounts cannot sign in (no usable password) and use *.demo.invalid
    addresses. A database holds one generated population: a second run refuses.
    """
    from lms.demo_generate import GenerateError, generate
    from lms.extensions import db

    try:
        summary = generate(db.session, learners, seed, clock.now(), echo=click.echo)
    except GenerateError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    for line in summary.lines():
        click.echo(line)
