"""``lms audit``: check the audit trail's hash chain."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


@click.group("audit", help="The audit trail: verify its hash chain.")
def audit_group() -> None:
    pass


@audit_group.command("verify")
@click.option(
    "--batch", default=1000, show_default=True, type=click.IntRange(1, 100_000),
    help="Rows read per round trip (memory stays bounded whatever the trail's length).",
)  # fmt: skip
@with_appcontext
def verify(batch: int) -> None:
    """Walk the whole chain in id order; exit 1 at the first entry that does not verify.

    An entry's own hash is wrong when its content was altered; its link (prev_hash) is wrong
    when the entry before it was deleted, inserted or moved.
    """
    from lms.audit import chain, queries
    from lms.extensions import db

    verdict = chain.verify(queries.chain_entries(db.session, batch))
    broken = verdict.broken
    if broken is None:
        noun = "entry" if verdict.checked == 1 else "entries"
        click.echo(f"OK: {verdict.checked} {noun}, chain intact (last hash {verdict.last_hash}).")
        return
    entry = broken.entry
    click.echo(
        f"BROKEN at entry {entry.id} ({entry.at.isoformat()}, {entry.action} "
        f"{entry.subject}), after {verdict.checked} good "
        f"{'entry' if verdict.checked == 1 else 'entries'}:"
    )
    if not broken.link_ok:
        click.echo(
            f"  link wrong: prev_hash {entry.prev_hash} is not the previous entry's hash "
            f"{broken.expected_prev} (an entry before it was deleted, inserted or reordered)."
        )
    if not broken.hash_ok:
        click.echo(
            f"  hash wrong: the stored hash {entry.hash} does not match the entry's content "
            "(the entry was altered)."
        )
    sys.exit(1)
