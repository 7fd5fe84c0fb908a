"""``lms report annual``: write the annual report's PDF and CSV, for cron or the liaison."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from lms import clock


@click.group("report", help="Reports for the oversight body.")
def report_group() -> None:
    pass


@report_group.command("annual")
@click.option("--year", type=int, default=None, help="Calendar year (default: the last full one).")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the PDF and CSV to (created if missing).",
)
@with_appcontext
def annual_command(year: int | None, out: Path) -> None:
    """Write the annual report for YEAR as PDF and CSV into OUT, and audit it."""
    from lms.extensions import db
    from lms.oversight import annual

    today = clock.today()
    chosen = annual.last_full_year(today) if year is None else year
    try:
        start, end = annual.year_period(chosen, today)
    except annual.BadPeriod as error:
        raise click.BadParameter(str(error), param_hint="--year") from error
    built = annual.annual_report(db.session, annual.parameters(start, end, today), clock.now())
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for form, body in (("pdf", annual.pdf(built)), ("csv", annual.csv_bytes(built))):
        path = out / annual.filename(built, form)
        path.write_bytes(body)
        annual.record_generation(db.session, built, form, clock.now(), actor_id=None)
        written.append(path)
    db.session.commit()
    for path in written:
        click.echo(f"Wrote {path}")
    click.echo(f"Data hash: {built.data_hash}")
