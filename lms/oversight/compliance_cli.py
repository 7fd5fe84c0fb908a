"""``lms compliance``: rebuild or check the standings the dashboards read."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext

from lms import clock


@click.group("compliance", help="Compliance standings behind the oversight dashboards.")
def compliance_group() -> None:
    pass


@compliance_group.command("refresh")
@with_appcontext
def refresh() -> None:
    """Rebuild every learner's standings from certificates, credits and enrollments.

    Services keep the standings in step as facts change, and a requirements sync rebuilds
    them all; run this after editing data by hand or restoring a backup. Safe to rerun.
    """
    from lms.extensions import db
    from lms.oversight import standings

    started = time.perf_counter()
    written = standings.refresh(db.session, clock.now().date())
    db.session.commit()
    click.echo(f"{written} standings rebuilt in {time.perf_counter() - started:.1f} s.")


@compliance_group.command("check")
@with_appcontext
def check() -> None:
    """Compare the stored standings with a fresh computation; exit 1 on any difference."""
    from lms.extensions import db
    from lms.oversight import standings

    problems = standings.check(db.session, clock.now().date())
    for line in problems[:50]:
        click.echo(line)
    if problems:
        click.echo(f"{len(problems)} standings differ; run `lms compliance refresh`.")
        sys.exit(1)
    click.echo("OK: standings match the facts.")
