"""``lms quiz`` (re-scoring, statistics) and ``lms gift`` (Moodle GIFT import and export)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms import clock


@click.group("quiz", help="Quiz administration.")
def quiz_group() -> None:
    pass


@quiz_group.command("rescore")
@click.argument("course")
@click.argument("question")
@click.option("--by", "actor", help="Email of the person asking for it (for the audit trail).")
@with_appcontext
def rescore(course: str, question: str, actor: str | None) -> None:
    """Re-score every submitted answer to QUESTION in COURSE with its latest key (audited)."""
    from lms.assessments.rescoring import rescore_question
    from lms.auth.models import User
    from lms.courses.models import Course
    from lms.extensions import db

    row = db.session.scalar(select(Course).where(Course.slug == course))
    if row is None:
        raise click.UsageError(f"No course {course!r}.")
    actor_id = None
    if actor:
        actor_id = db.session.scalar(select(User.id).where(User.email == actor.lower()))
        if actor_id is None:
            raise click.UsageError(f"No account {actor!r}.")
    try:
        report = rescore_question(db.session, row, question, clock.now(), actor_id)
    except LookupError as error:
        raise click.UsageError(str(error)) from error
    db.session.commit()
    click.echo(
        f"Re-scored {report.items} answers to {question} with version {report.version}: "
        f"{report.attempts_changed} attempt(s) changed score"
        + (
            f", {report.skipped_incompatible} skipped (options changed)"
            if report.skipped_incompatible
            else ""
        )
        + "."
    )


@click.group("gift", help="Moodle GIFT quiz files: import to the native format, export.")
def gift_group() -> None:
    pass


@gift_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--course", required=True, help="Course slug: writes content/<course>/quiz-<name>.md")
@click.option("--name", default=None, help="Quiz slug (default: the file's stem).")
@click.option("--kind", type=click.Choice(["final", "pretest", "check"]), default="final")
@click.option("--force", is_flag=True, help="Overwrite an existing quiz file.")
@with_appcontext
def gift_import(file: str, course: str, name: str | None, kind: str, force: bool) -> None:
    """Convert a GIFT FILE into a native quiz file in the course's content directory.

    Unsupported questions (essay, description...) are reported by name and line, never
    silently dropped; the exit status is 1 if there were any.
    """
    from flask import current_app

    from lms.assessments.gift_import import gift_to_quiz

    directory = Path(current_app.config["CONTENT_DIR"]) / course
    if not directory.is_dir():
        raise click.UsageError(f"No course directory {directory}.")
    slug = name or Path(file).name.split(".")[0].lower().replace("_", "-")
    target = directory / f"quiz-{slug}.md"
    if target.exists() and not force:
        raise click.UsageError(f"{target} exists; use --force to overwrite.")
    text, problems, count = gift_to_quiz(Path(file).read_text(encoding="utf-8"), file, slug, kind)
    for problem in problems:
        click.echo(str(problem), err=True)
    if text is not None:
        target.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {count} question(s) to {target}. Review it, then `lms content check`.")
    if problems:
        sys.exit(1)


@gift_group.command("export")
@click.argument("quiz_file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-")
def gift_export(quiz_file: str, output) -> None:  # type: ignore[no-untyped-def]
    """Write a native QUIZ_FILE as GIFT (ordering questions, which GIFT lacks, are reported)."""
    from lms.assessments.gift_import import quiz_to_gift

    text, problems = quiz_to_gift(Path(quiz_file).read_text(encoding="utf-8"), quiz_file)
    for problem in problems:
        click.echo(problem, err=True)
    if text is None:
        sys.exit(1)
    output.write(text)
    if problems:
        sys.exit(1)
