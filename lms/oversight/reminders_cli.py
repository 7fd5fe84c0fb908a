"""``lms reminders send``: email training reminders and coordinator digests (run it from cron)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from lms import clock


@click.group("reminders", help="Training reminders by email.")
def reminders_group() -> None:
    pass


@reminders_group.command("send")
@click.option("--dry-run", is_flag=True, help="Count what would be sent; send and record nothing.")
@click.option(
    "--agency",
    "agency_id",
    type=int,
    metavar="ID",
    help="Only this agency's staff and its coordinators (default: every agency).",
)
@with_appcontext
def reminders_send(dry_run: bool, agency_id: int | None) -> None:
    """Email learners whose training is due soon or past its due date, and coordinators a digest.

    \b
    Learners: one email per requirement on entering the 90-, 60- and 30-day window
    before its due date; once past it, one a week for four weeks, then one every
    28 days while it is outstanding. Nothing for anyone compliant or not yet due.
    Coordinators: one digest per ISO week listing their own agency's staff who are
    due soon or past the due date (none when nobody is).

    Every message is recorded before it is sent and never sent twice in its window, so
    running this more often (e.g. daily from cron, or twice at once) sends nothing extra.
    A failed message is not recorded and is retried on the next run. Prints one summary
    line; exits with status 1 if any message failed.
    """
    from lms.auth.models import Agency
    from lms.certificates.web import MissingPublicURL
    from lms.extensions import db
    from lms.oversight.remind import send_reminders

    if agency_id is not None and db.session.get(Agency, agency_id) is None:
        raise click.UsageError(f"No agency with id {agency_id}.")
    try:
        summary = send_reminders(db.session, clock.now(), agency_id, dry_run=dry_run)
        db.session.commit()
    except MissingPublicURL as missing:
        db.session.rollback()
        raise click.ClickException(
            f"Links in reminders need a public address: {missing}."
        ) from None
    except Exception:
        db.session.rollback()
        raise
    click.echo(summary.line())
    if not summary.ok:
        sys.exit(1)
