"""``lms certificates``: bulk issuance, PDF regeneration, and a look at the signing key."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import and_, select

from lms import clock


@click.group("certificates", help="Certificates: issue in bulk, regenerate PDFs, show the key.")
def certificates_group() -> None:
    pass


def _issuer():  # type: ignore[no-untyped-def]
    from lms.certificates.web import MissingPublicURL, issuer_for
    from lms.extensions import db

    try:
        return issuer_for(db.session)
    except MissingPublicURL as error:
        raise click.ClickException(str(error)) from error


@certificates_group.command("issue")
@click.option("--course", "courses", multiple=True, help="Only these courses (slug; repeatable).")
@with_appcontext
def issue(courses: tuple[str, ...]) -> None:
    """Issue every certificate that is due and not yet issued (safe to run again).

    Learners normally receive their certificate the moment they finish; this catches up
    after an import, an outage, or a course whose requirements changed.
    """
    from lms.auth.models import User
    from lms.certificates.models import Certificate
    from lms.certificates.services import issue_if_eligible
    from lms.courses.models import Course, Enrollment
    from lms.extensions import db

    issuer = _issuer()
    query = (
        select(Enrollment.user_id, Enrollment.course_id)
        .join(Course, Course.id == Enrollment.course_id)
        .outerjoin(
            Certificate,
            and_(
                Certificate.user_id == Enrollment.user_id,
                Certificate.course_id == Enrollment.course_id,
                Certificate.cycle == Enrollment.cycle,
            ),
        )
        .where(Enrollment.completed_at.is_not(None), Course.active, Certificate.id.is_(None))
        .order_by(Enrollment.id)
    )
    if courses:
        query = query.where(Course.slug.in_(courses))
    candidates = db.session.execute(query).all()
    started, issued = time.perf_counter(), 0
    for user_id, course_id in candidates:
        user, course = db.session.get(User, user_id), db.session.get(Course, course_id)
        if issue_if_eligible(db.session, user, course, issuer, clock.now()) is not None:
            issued += 1
        db.session.commit()  # one certificate per transaction: a failure loses nothing else
    seconds = time.perf_counter() - started
    click.echo(
        f"Issued {issued} certificate(s) from {len(candidates)} finished enrolment(s) "
        f"in {seconds:.1f} s."
    )


@certificates_group.command("regenerate")
@click.argument("serials", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every certificate.")
@with_appcontext
def regenerate(serials: tuple[str, ...], everything: bool) -> None:
    """Re-render stored PDFs (after a template or font fix). Audited; credentials unchanged."""
    from lms.certificates.models import Certificate
    from lms.certificates.services import regenerate_pdf
    from lms.extensions import db

    if not serials and not everything:
        raise click.UsageError("give serials, or --all")
    query = select(Certificate).order_by(Certificate.id)
    if not everything:
        query = query.where(Certificate.serial.in_([s.strip().upper() for s in serials]))
    issuer = _issuer()
    found = changed = 0
    for cert in db.session.scalars(query).all():
        found += 1
        changed += regenerate_pdf(db.session, cert, issuer, clock.now())
        db.session.commit()
    missing = set(s.strip().upper() for s in serials) - {
        c
        for (c,) in db.session.execute(
            select(Certificate.serial).where(
                Certificate.serial.in_([s.strip().upper() for s in serials])
            )
        )
    }
    for serial in sorted(missing):
        click.echo(f"{serial}: no such certificate", err=True)
    click.echo(f"Regenerated {found} PDF(s); {changed} changed.")
    if missing:
        raise SystemExit(1)


@certificates_group.command("key")
@with_appcontext
def key() -> None:
    """Print the public signing key (multibase and its URL); the private key is never shown."""
    from lms.certificates import signing

    issuer = _issuer()
    click.echo(f"{issuer.key_id}\n{signing.public_multibase(issuer.key.public_key())}")
