"""Issuing certificates: when they are due, exactly once, what they record, and the audit trail."""

from __future__ import annotations

import hashlib
import threading
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from lms import clock
from lms.audit.models import AuditEvent
from lms.certificates import signing
from lms.certificates.models import Certificate, CertificateFile
from lms.certificates.services import issue_if_eligible
from lms.certificates.web import issuer_for
from lms.courses.models import Course
from lms.extensions import db
from tests.certificates.conftest import certificates_of, finish_modules, record_final
from tests.conftest import PG_URL, login, post


def _issue(app, user, slug="foundations"):
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    with app.test_request_context():
        cert = issue_if_eligible(db.session, user, course, issuer_for(db.session), clock.now())
    db.session.commit()
    return cert


def test_nothing_is_issued_before_the_course_is_finished(app, world):
    assert _issue(app, world.learner) is None  # nothing done
    record_final(world.learner, Fraction(1))
    assert _issue(app, world.learner) is None  # quiz passed, modules not done
    assert certificates_of(world.learner) == []


def test_a_failed_final_assessment_issues_nothing(app, world):
    finish_modules(world.learner)
    record_final(world.learner, Fraction(3, 5))
    assert _issue(app, world.learner) is None


def test_issued_once_with_what_it_certifies(app, world):
    finish_modules(world.learner)
    record_final(world.learner, Fraction(7, 10))
    record_final(world.learner, Fraction(9, 10))  # graded by the highest attempt
    cert = _issue(app, world.learner)
    again = _issue(app, world.learner)
    assert again.id == cert.id
    assert db.session.scalar(select(func.count(Certificate.id))) == 1

    course = db.session.scalar(select(Course).where(Course.slug == "foundations"))
    assert cert.serial == f"HBR-{cert.issued_at.year}-{cert.id:06d}"
    assert len(cert.code) == 16
    assert cert.learner_name == world.learner.name
    assert cert.course_version == course.version
    assert cert.hours == course.hours
    assert cert.score == Fraction(9, 10)
    assert cert.quiz_version_id is not None
    assert cert.cycle == 1
    assert cert.expires_at.year == cert.issued_at.year + 2  # validity_months: 24
    assert {r["id"] for r in cert.requirements} == {"core-response"}

    stored = db.session.get(CertificateFile, cert.id)
    assert stored.pdf.startswith(b"%PDF-")
    assert hashlib.sha256(stored.pdf).hexdigest() == cert.pdf_sha256

    issuer_key = signing.key_from_config(app.config["SIGNING_KEY"]).public_key()
    assert signing.verify_credential(cert.credential, issuer_key)
    assert cert.credential["credentialSubject"]["achievement"]["name"] == course.title
    assert world.learner.email not in str(cert.credential)
    assert signing.verify_jwt(cert.credential_jwt, issuer_key)["jti"] == cert.credential_id

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "certificate.issue")
    ).all()
    assert [e.subject for e in events] == [f"certificate:{cert.serial}"]


def test_status_positions_are_random_and_distinct(app, world):
    from lms.auth.models import Role
    from tests.conftest import make_user

    positions = set()
    for n in range(6):
        user = make_user(f"learner{n}", Role.LEARNER, world.agency)
        db.session.commit()
        finish_modules(user)
        record_final(user, Fraction(1))
        positions.add(_issue(app, user).status_index)
    assert len(positions) == 6
    assert max(positions) > 1000  # drawn from 131,072 positions, not counted up from 0


def test_completing_the_last_module_over_http_issues_the_certificate(app, client, world):
    record_final(world.learner, Fraction(1))
    course = db.session.scalar(select(Course).where(Course.slug == "foundations"))
    modules = sorted(course.modules, key=lambda m: m.position)
    finish_modules(world.learner)
    login(client, world.learner)
    # Re-completing the last module is how the learner finishes; the certificate follows.
    response = post(client, f"/courses/foundations/{modules[-1].slug}/complete")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/certificates")
    (cert,) = certificates_of(world.learner)
    page = client.get("/certificates").get_data(as_text=True)
    assert cert.serial in page and "Valid" in page


@pytest.mark.skipif(not PG_URL, reason="concurrent issuance needs PostgreSQL")
def test_concurrent_requests_issue_one_certificate(app, world):
    finish_modules(world.learner)
    record_final(world.learner, Fraction(1))
    user_id = world.learner.id
    barrier = threading.Barrier(4)
    serials, errors = [], []

    def worker():
        from lms.auth.models import User

        try:
            with app.app_context():
                user = db.session.get(User, user_id)
                course = db.session.scalar(select(Course).where(Course.slug == "foundations"))
                with app.test_request_context():
                    issuer = issuer_for(db.session)
                barrier.wait()
                cert = issue_if_eligible(db.session, user, course, issuer, clock.now())
                db.session.commit()
                serials.append(cert.serial)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(set(serials)) == 1
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "certificate.issue")
        )
        == 1
    )


@pytest.mark.parametrize(
    ("discipline", "agency_type", "expected"),
    [
        ("law-enforcement", None, {"by-discipline", "by-either"}),
        (None, "court", {"by-agency", "by-either"}),
        ("health", "education", set()),  # named by neither list: not covered
    ],
)
def test_a_certificate_names_the_requirements_that_cover_its_holder(
    discipline, agency_type, expected
):
    """The certificate uses the compliance view's rule: discipline or agency type named."""
    from datetime import date

    from lms.certificates.issuer import Issuer
    from lms.courses.requirements import RequirementSpec
    from lms.oversight.compliance import Learner

    def spec(key, disciplines=(), agency_types=(), courses=("foundations",)):
        return RequirementSpec(
            key, key.title(), "", disciplines, agency_types, courses, 180, date(2026, 7, 1), 365, 24
        )

    issuer = Issuer(
        "https://h.example",
        "Council",
        "State",
        signing.generate_key(),
        requirements=(
            spec("by-discipline", disciplines=("law-enforcement",)),
            spec("by-agency", agency_types=("court",)),
            spec("by-either", ("law-enforcement",), ("court",)),
            spec("other-course", ("law-enforcement",), ("court",), courses=("referral",)),
        ),
    )
    found = issuer.requirements_for("foundations", Learner(discipline, agency_type, None))
    assert {r["id"] for r in found} == expected
