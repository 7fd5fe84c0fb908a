"""``lms certificates``: bulk issuance catches up, regeneration re-renders and is audited."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.auth.models import Role
from lms.certificates.models import CertificateFile
from lms.extensions import db
from tests.certificates.conftest import certificates_of, finish_modules, record_final
from tests.conftest import make_user


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["certificates", *args])


def test_bulk_issue_catches_up_and_is_safe_to_rerun(app, world):
    finished = []
    for n in range(3):
        user = make_user(f"officer{n}", Role.LEARNER, world.agency)
        db.session.commit()
        record_final(user, Fraction(1))
        finish_modules(user)  # no request, so no certificate yet
        finished.append(user)
    failed = make_user("officer-failed", Role.LEARNER, world.agency)
    db.session.commit()
    record_final(failed, Fraction(1, 2))
    finish_modules(failed)

    result = _run(app, "issue")
    assert result.exit_code == 0, result.output
    assert "Issued 3 certificate(s) from 4 finished enrolment(s)" in result.output
    assert all(len(certificates_of(u)) == 1 for u in finished)
    assert certificates_of(failed) == []
    again = _run(app, "issue", "--course", "foundations")
    assert "Issued 0 certificate(s) from 1 finished enrolment(s)" in again.output


def test_regenerate_rerenders_stored_pdfs_and_audits(app, world):
    record_final(world.learner, Fraction(1))
    finish_modules(world.learner)
    _run(app, "issue")
    (cert,) = certificates_of(world.learner)
    stored = db.session.get(CertificateFile, cert.id)
    stored.pdf = b"%PDF-damaged"
    db.session.commit()

    result = _run(app, "regenerate", cert.serial.lower())
    assert result.exit_code == 0, result.output
    assert "Regenerated 1 PDF(s)" in result.output
    db.session.expire_all()
    assert db.session.get(CertificateFile, cert.id).pdf.startswith(b"%PDF-1")
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "certificate.regenerate")
    )
    missing = _run(app, "regenerate", "HBR-2000-000999")
    assert missing.exit_code == 1 and "no such certificate" in missing.output
    assert _run(app, "regenerate").exit_code == 2


def test_key_prints_only_the_public_key(app, world):
    result = _run(app, "key")
    assert result.exit_code == 0
    assert result.output.splitlines()[1].startswith("z6Mk")
    assert "PRIVATE" not in result.output
