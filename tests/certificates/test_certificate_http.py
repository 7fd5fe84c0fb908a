"""Certificate pages over HTTP: downloads, public verification, status changes, status lists,
published issuer documents, recertification and the transcript."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from fractions import Fraction

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.certificates import codes, signing, statuslist
from lms.certificates.models import Certificate, CertificateFile
from lms.extensions import db
from tests.certificates.conftest import certificates_of, finish_modules, record_final
from tests.conftest import login, post


@pytest.fixture
def cert(app, client, world) -> Certificate:
    """The learner finishes Foundations over HTTP and so receives a certificate."""
    record_final(world.learner, Fraction(1))
    finish_modules(world.learner)
    login(client, world.learner)
    from lms.courses.models import Course

    course = db.session.scalar(select(Course).where(Course.slug == "foundations"))
    last = max(course.modules, key=lambda m: m.position)
    post(client, f"/courses/foundations/{last.slug}/complete")
    client.post("/logout", data={"csrf_token": _token(client)})
    (issued,) = certificates_of(world.learner)
    return issued


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client)


def _as(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_owner_downloads_the_stored_pdf_credential_and_jwt(app, world, cert):
    client = _as(app, world.learner)
    response = client.get(f"/certificates/{cert.serial}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == db.session.get(CertificateFile, cert.id).pdf
    assert "attachment" in response.headers["Content-Disposition"]

    credential = json.loads(client.get(f"/certificates/{cert.serial}/credential.json").data)
    assert credential == cert.credential
    token = client.get(f"/certificates/{cert.serial}/credential.jwt").get_data(as_text=True)
    assert token == cert.credential_jwt


@pytest.mark.parametrize("suffix", [".pdf", "/credential.json", "/credential.jwt"])
def test_another_learners_certificate_is_not_found(app, world, cert, suffix):
    for user in (world.fred, world.coordinator, world.overseer):
        assert _as(app, user).get(f"/certificates/{cert.serial}{suffix}").status_code == 404
    anonymous = app.test_client().get(f"/certificates/{cert.serial}{suffix}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_verify_shows_what_the_certificate_says_and_nothing_private(app, world, cert):
    client = app.test_client()
    shown = codes.display_code(cert.code)
    for typed in (shown, cert.code, shown.lower()):
        page = client.get(f"/verify/{typed}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Valid." in html
        assert world.learner.name in html and cert.course_title in html
        assert cert.course_version in html
        assert world.learner.email not in html
    data = client.get(f"/verify/{shown}.json").get_json()
    assert data["status"] == "valid"
    assert data["serial"] == cert.serial
    assert data["hours"] == str(cert.hours)
    assert world.learner.email not in json.dumps(data)
    assert "email" not in data


def test_verify_form_redirects_to_the_code_and_explains_a_malformed_one(app, cert):
    client = app.test_client()
    shown = codes.display_code(cert.code)
    response = client.get(f"/verify?code={shown.lower().replace('-', ' ')}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{shown}")
    bad = client.get("/verify?code=not-a-code")
    assert bad.status_code == 400
    assert "16 letters and digits" in bad.get_data(as_text=True)


@pytest.mark.parametrize(
    "code", ["0000-0000-0000-0000", "ZZZZ", "%3Cscript%3E", "x" * 300, "7KQ2-M9XD-4TNR-WB3U"]
)
def test_unknown_and_malformed_codes_get_the_same_404(app, cert, code):
    client = app.test_client()
    page = client.get(f"/verify/{code}")
    assert page.status_code == 404
    assert "No certificate matches this code" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)
    data = client.get(f"/verify/{code}.json")
    assert data.status_code == 404
    assert data.get_json() == {"error": "No certificate matches this code. Check it and try again."}


def test_verification_is_rate_limited_per_address(app, cert):
    app.config["VERIFY_RATE_PER_MINUTE"] = 3
    client = app.test_client()
    shown = codes.display_code(cert.code)
    statuses = [client.get(f"/verify/{shown}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/verify/0000-0000-0000-0000")
    assert limited.status_code == 429  # unknown codes count too: no free guessing
    assert int(limited.headers["Retry-After"]) >= 1
    other = app.test_client().get(
        f"/verify/{shown}", environ_overrides={"REMOTE_ADDR": "203.0.113.7"}
    )
    assert other.status_code == 200


def _manage(app, world, cert, action, reason, note=""):
    client = _as(app, world.overseer)
    return post(
        client,
        f"/certificates/manage/{cert.serial}",
        {"action": action, "reason": reason, "note": note},
    )


def _status_bit(app, purpose, cert):
    document = app.test_client().get(f"/status/{purpose}/{cert.status_list}").get_json()
    key = signing.key_from_config(app.config["SIGNING_KEY"]).public_key()
    assert signing.verify_credential(document, key)
    assert document["credentialSubject"]["statusPurpose"] == purpose
    return statuslist.is_set(document["credentialSubject"]["encodedList"], cert.status_index)


def test_suspend_reinstate_then_revoke_never_deletes(app, world, cert):
    shown = codes.display_code(cert.code)
    assert not _status_bit(app, "revocation", cert)
    assert not _status_bit(app, "suspension", cert)

    assert _manage(app, world, cert, "suspend", "under_review", "complaint 12").status_code == 302
    page = app.test_client().get(f"/verify/{shown}").get_data(as_text=True)
    assert "Suspended since" in page and "Under review" in page
    assert "complaint 12" not in page  # the internal note stays internal
    assert _status_bit(app, "suspension", cert)

    assert _manage(app, world, cert, "reinstate", "review_complete").status_code == 302
    assert "Valid." in app.test_client().get(f"/verify/{shown}").get_data(as_text=True)
    assert not _status_bit(app, "suspension", cert)

    assert _manage(app, world, cert, "revoke", "issued_in_error").status_code == 302
    data = app.test_client().get(f"/verify/{shown}.json").get_json()
    assert data["status"] == "revoked" and data["status_reason"] == "Issued in error"
    assert _status_bit(app, "revocation", cert)
    # Revocation is final.
    refused = _manage(app, world, cert, "reinstate", "review_complete")
    assert refused.status_code == 400
    assert "stays revoked" in refused.get_data(as_text=True)

    # The owner still has the PDF; the verify page is what tells the truth.
    assert _as(app, world.learner).get(f"/certificates/{cert.serial}.pdf").status_code == 200
    assert db.session.get(Certificate, cert.id).status == "revoked"
    actions = [
        e.action
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject == f"certificate:{cert.serial}")
        )
    ]
    assert actions == [
        "certificate.issue",
        "certificate.suspend",
        "certificate.reinstate",
        "certificate.revoke",
    ]


@pytest.mark.parametrize(
    ("action", "reason"),
    [("revoke", "made-up"), ("explode", "issued_in_error"), ("reinstate", "review_complete")],
)
def test_bad_status_changes_are_refused_with_a_message(app, world, cert, action, reason):
    response = _manage(app, world, cert, action, reason)
    assert response.status_code == 400
    assert db.session.get(Certificate, cert.id).status == "active"


def test_only_oversight_staff_change_status(app, world, cert):
    for user in (world.learner, world.coordinator, world.fred):
        client = _as(app, user)
        response = post(
            client,
            f"/certificates/manage/{cert.serial}",
            {"action": "revoke", "reason": "issued_in_error"},
        )
        assert response.status_code == 403
    assert db.session.get(Certificate, cert.id).status == "active"


def test_oversight_search_finds_by_serial_code_and_name(app, world, cert):
    client = _as(app, world.overseer)
    for q in (cert.serial, codes.display_code(cert.code), world.learner.name[:4], "learner@ex"):
        page = client.get("/certificates/manage", query_string={"q": q}).get_data(as_text=True)
        assert cert.serial in page, q
    assert cert.serial not in client.get("/certificates/manage?q=nobody").get_data(as_text=True)


def test_published_issuer_documents_carry_the_public_key_only(app, cert):
    client = app.test_client()
    key = signing.key_from_config(app.config["SIGNING_KEY"])
    multibase = signing.public_multibase(key.public_key())
    profile = client.get("/issuer").get_json(force=True)
    assert profile["id"] == "https://harbor.example.gov/issuer"
    assert "Profile" in profile["type"]
    assert profile["verificationMethod"][0]["publicKeyMultibase"] == multibase
    key_doc = client.get("/issuer/keys/1").get_json(force=True)
    assert key_doc["publicKeyMultibase"] == multibase
    assert cert.credential["proof"]["verificationMethod"] == key_doc["id"]
    jwks = client.get("/issuer/jwks.json").get_json()
    (jwk,) = jwks["keys"]
    assert "d" not in jwk and jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    raw = base64.urlsafe_b64decode(jwk["x"] + "==")
    assert signing.public_key_from_multibase(multibase).public_bytes_raw() == raw
    for url in ("/issuer", "/issuer/keys/1", "/issuer/jwks.json"):
        assert b"PRIVATE" not in client.get(url).data
    as_jwk = client.get("/issuer/keys/1", headers={"Accept": "application/jwk+json"})
    assert as_jwk.mimetype == "application/jwk+json"
    assert json.loads(as_jwk.data)["x"] == jwk["x"] and "d" not in json.loads(as_jwk.data)
    assert client.get("/issuer/keys/2").status_code == 404
    assert client.get("/status/revocation/99").status_code == 404
    assert client.get("/status/other/1").status_code == 404


def test_recertification_window_new_cycle_and_supersession(app, world, cert, time_machine):
    client = _as(app, world.learner)
    assert "Start recertification" not in client.get("/certificates").get_data(as_text=True)
    refused = post(client, "/certificates/recertify/foundations")
    assert refused.headers["Location"].endswith("/certificates")

    time_machine.travel(cert.expires_at - cert.issued_at - timedelta(days=89))
    client = _as(app, world.learner)  # months later: a new sign-in
    assert "Start recertification" in client.get("/certificates").get_data(as_text=True)
    started = post(client, "/certificates/recertify/foundations")
    assert started.headers["Location"].endswith("/courses/foundations")
    # The old attempt and module completions belong to cycle 1: nothing is issued yet.
    assert len(certificates_of(world.learner)) == 1
    record_final(world.learner, Fraction(1), at=time_machine.travel(timedelta(minutes=20)))
    from lms.courses.models import Course

    course = db.session.scalar(select(Course).where(Course.slug == "foundations"))
    for module in sorted(course.modules, key=lambda m: m.position):
        post(client, f"/courses/foundations/{module.slug}/complete")
    first, second = certificates_of(world.learner)
    assert (first.cycle, second.cycle) == (1, 2)
    assert first.superseded_by_id == second.id
    assert second.expires_at > first.expires_at
    data = app.test_client().get(f"/verify/{codes.display_code(first.code)}.json").get_json()
    assert data["status"] == "superseded"
    assert client.get(f"/certificates/{first.serial}.pdf").status_code == 200  # history kept


def test_expired_certificate_shows_expired_and_recertification_due(app, world, cert, time_machine):
    time_machine.travel(timedelta(days=800))
    data = app.test_client().get(f"/verify/{codes.display_code(cert.code)}.json").get_json()
    assert data["status"] == "expired"
    page = _as(app, world.learner).get("/certificates").get_data(as_text=True)
    assert "Recertification due" in page and "expired on" in page


def test_transcript_lists_certificates(app, world, cert):
    from io import BytesIO

    from pypdf import PdfReader

    response = _as(app, world.learner).get("/certificates/transcript.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    assert cert.serial in text and world.learner.name in text
    empty = _as(app, world.fred).get("/certificates/transcript.pdf")
    assert empty.status_code == 200


def test_signing_key_is_generated_once_with_private_permissions(app, tmp_path):
    from lms.certificates.issuer import load_key

    first = load_key(None, str(tmp_path))
    path = tmp_path / "signing_key.pem"
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_key(None, str(tmp_path)) is first
    from lms.certificates.issuer import _keys

    _keys.clear()
    again = load_key(None, str(tmp_path))
    assert again.public_key().public_bytes_raw() == first.public_key().public_bytes_raw()


def _take_final(client, user, right=True):
    """Start the Foundations final over HTTP and submit the key (or a wrong answer)."""
    from lms.assessments import attempts
    from lms.assessments.responses import to_form_values
    from lms.assessments.scoring import full_marks_response

    start = post(client, "/courses/foundations/quiz/final/start")
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    url = start.headers["Location"]
    number = int(url.rstrip("/").rsplit("/", 1)[-1])
    own = attempts.lock_own_attempt(db.session, "foundations", "final", user.id, number)
    db.session.rollback()
    form: dict[str, list[str]] = {"action": ["submit"]}
    for item in attempts.answer_items(db.session, own):
        key = full_marks_response(item.shown.question)
        values = to_form_values(item.shown, key)
        if not right:  # answer every question with the option shown last: fails
            values = {name: [str(len(item.shown.display) - 1)] for name in values}
        form.update(values)
    return post(client, url, form)


def test_passing_the_final_over_http_issues_the_certificate(app, client, world):
    finish_modules(world.learner)
    login(client, world.learner)
    assert certificates_of(world.learner) == []
    response = _take_final(client, world.learner)
    assert response.status_code == 302
    (cert,) = certificates_of(world.learner)
    assert cert.score == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"your certificate {cert.serial} is ready" in page


def test_a_recertification_cycle_has_its_own_attempts(app, world, cert, time_machine):
    """Attempts of the first cycle neither use up nor set the grade of the next one."""
    from lms.assessments.models import Attempt

    for _ in range(2):  # with the fixture's pass: all three attempts of cycle 1 used
        record_final(world.learner, Fraction(1, 5))
    time_machine.travel(cert.expires_at - cert.issued_at - timedelta(days=30))
    client = _as(app, world.learner)
    post(client, "/certificates/recertify/foundations")
    overview = client.get("/courses/foundations/quiz").get_data(as_text=True)
    assert "Start attempt 4" in overview and "Your grade:" not in overview
    time_machine.travel(timedelta(minutes=5))
    client = _as(app, world.learner)
    finish_modules(world.learner)
    _take_final(client, world.learner)
    numbers = [a.number for a in db.session.scalars(select(Attempt).order_by(Attempt.number))]
    assert numbers == [1, 2, 3, 4]
    first, second = certificates_of(world.learner)
    assert second.cycle == 2 and first.superseded_by_id == second.id


@pytest.mark.parametrize(
    ("configured", "used"),
    [
        ("img/favicon.svg", "img/favicon.svg"),  # a state's own seal under static/
        ("../lms/__init__.py", "img/seal.svg"),  # outside static/: the bundled seal instead
        ("img/missing.svg", "img/seal.svg"),
        (None, "img/seal.svg"),
    ],
)
def test_the_seal_comes_from_the_site_file(app, world, configured, used):
    from lms.certificates.web import issuer_for
    from lms.courses.models import ContentSync

    sync = db.session.scalars(select(ContentSync).order_by(ContentSync.id.desc())).first()
    variables = {**sync.site["variables"], "certificate_seal": configured}
    sync.site = {**sync.site, "variables": variables}
    db.session.commit()
    with app.test_request_context():
        assert issuer_for(db.session).seal == used
