"""External credit over HTTP: a learner uploads evidence, an overseer decides once, and an
approval satisfies the named requirements until its expiry."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import clock
from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.oversight.models import ExternalCredit, ExternalCreditFile
from lms.oversight.queries import learner_standing
from lms.security import UPLOAD_OVERHEAD
from tests.conftest import login, post

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def _as(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _claim(body=PDF, filename="certificate.pdf", content_type="application/pdf", **fields):
    data = {
        "requirements": ["core-response"],
        "title": "State CSEC response training",
        "provider": "Coastal Training Academy",
        "completed_on": (clock.now().date() - timedelta(days=30)).isoformat(),
        "hours": "7.5",
        "evidence": (io.BytesIO(body), filename, content_type),
    }
    data.update(fields)
    return data


def _upload(client, **kwargs):
    return post(client, "/credits/new", _claim(**kwargs), content_type="multipart/form-data")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def credit(app, world) -> ExternalCredit:
    response = _upload(_as(app, world.learner))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalar(select(ExternalCredit))


def _decide(app, user, credit_id, **form):
    return post(_as(app, user), f"/oversight/credits/{credit_id}", form)


def _standing(user, key="core-response"):
    db.session.expire_all()
    return next(
        s.result
        for s in learner_standing(db.session, user, clock.now().date())
        if s.requirement.key == key
    )


def test_upload_is_stored_pending_and_listed_for_the_learner(app, world, credit):
    assert credit.user_id == world.learner.id
    assert (credit.status, credit.requirement_keys, str(credit.hours)) == (
        "pending",
        ["core-response"],
        "7.50",
    )
    stored = db.session.get(ExternalCreditFile, credit.id)
    assert (stored.media_type, stored.filename, stored.size, stored.body) == (
        "application/pdf",
        "certificate.pdf",
        len(PDF),
        PDF,
    )
    client = _as(app, world.learner)
    page = client.get("/credits").get_data(as_text=True)
    assert "State CSEC response training" in page and "Waiting for review" in page
    download = client.get(f"/credits/{credit.id}/evidence")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == 'attachment; filename="certificate.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_the_form_offers_only_requirements_that_cover_the_learner(app, world):
    page = _as(app, world.learner).get("/credits/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'value="core-response"' in page
    response = _upload(_as(app, world.learner), requirements=["no-such-requirement"])
    assert response.status_code == 400 and _count(ExternalCredit) == 0


@pytest.mark.parametrize(
    ("body", "filename", "content_type"),
    [
        (b"<html><script>alert(1)</script></html>", "certificate.pdf", "application/pdf"),
        (b"GIF89a\x01\x00\x01\x00", "scan.png", "image/png"),
        (b"MZ\x90\x00\x03", "evidence.jpg", "image/jpeg"),
    ],
)
def test_a_wrong_type_is_refused_whatever_its_name_says(app, world, body, filename, content_type):
    response = _upload(
        _as(app, world.learner), body=body, filename=filename, content_type=content_type
    )
    assert response.status_code == 400
    assert "Upload a PDF, PNG or JPEG file" in response.get_data(as_text=True)
    assert _count(ExternalCredit) == 0 and _count(ExternalCreditFile) == 0


def test_an_empty_or_missing_file_is_refused(app, world):
    client = _as(app, world.learner)
    response = _upload(client, body=b"", filename="empty.pdf")
    assert response.status_code == 400
    data = _claim()
    del data["evidence"]
    response = post(client, "/credits/new", data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a file to upload" in response.get_data(as_text=True)
    assert _count(ExternalCredit) == 0


def test_a_file_over_the_limit_is_refused_with_a_clear_message(app, world):
    client = _as(app, world.learner)
    limit = app.config["CREDIT_MAX_BYTES"]
    response = _upload(client, body=PDF + b"0" * limit)
    assert response.status_code == 400
    assert "The file is larger than 5 MB" in response.get_data(as_text=True)
    # Past the file limit and the room for the other fields the server stops reading: 413.
    huge = PDF + b"0" * (limit + 2 * UPLOAD_OVERHEAD)
    assert _upload(client, body=huge).status_code == 413
    assert _count(ExternalCredit) == 0 and _count(ExternalCreditFile) == 0


def test_a_file_above_the_global_request_limit_but_within_its_own_is_accepted(app, world):
    body = PDF + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    assert _upload(_as(app, world.learner), body=body).status_code == 302
    assert db.session.scalar(select(ExternalCreditFile.size)) == len(body)
    # Every other form keeps the global limit.
    big = _as(app, world.learner).post("/account", data={"current": "x" * len(body)})
    assert big.status_code == 413


def test_bad_fields_are_shown_again_and_nothing_is_stored(app, world):
    future = (clock.now().date() + timedelta(days=3)).isoformat()
    response = _upload(
        _as(app, world.learner), title="", hours="-1", completed_on=future, requirements=[]
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in (
        "Enter the name of the training.",
        "Enter hours between 0.25 and 1000.",
        "Enter a date that is not in the future.",
        "Choose at least one requirement.",
    ):
        assert message in page
    assert _count(ExternalCredit) == 0


def test_approval_meets_the_requirement_until_its_expiry_and_is_audited(app, world, credit):
    assert not _standing(world.learner).satisfied
    until = clock.now().date() + timedelta(days=400)
    response = _decide(
        app, world.overseer, credit.id, action="approve", valid_until=until.isoformat(),
        requirements="core-response", note="Equivalent curriculum",
    )  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    assert (credit.status, credit.valid_until, credit.decided_by_id) == (
        "approved",
        until,
        world.overseer.id,
    )
    result = _standing(world.learner)
    assert result.satisfied and result.via_credit and result.satisfied_until == until
    assert not _standing(world.learner, "identification").satisfied  # not named: not met
    page = _as(app, world.learner).get("/certificates").get_data(as_text=True)
    assert "Met by external credit until" in page
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("credit.%")))
    assert (event.action, event.subject, event.actor_id) == (
        "credit.approve",
        f"credit:{credit.id}",
        world.overseer.id,
    )
    assert event.data["valid_until"] == until.isoformat()
    # Past its expiry it no longer counts.
    after = learner_standing(db.session, world.learner, until)
    assert not next(s for s in after if s.requirement.key == "core-response").result.satisfied


def test_approval_may_narrow_the_claimed_requirements(app, world):
    _upload(_as(app, world.learner), requirements=["core-response", "identification"])
    credit = db.session.scalar(select(ExternalCredit))
    until = (clock.now().date() + timedelta(days=400)).isoformat()
    _decide(app, world.overseer, credit.id, action="approve", valid_until=until,
            requirements="identification")  # fmt: skip
    db.session.expire_all()
    assert credit.requirement_keys == ["identification"]
    assert _standing(world.learner, "identification").satisfied
    assert not _standing(world.learner, "core-response").satisfied


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"action": "approve", "requirements": "core-response"}, "Enter the date until"),
        ({"action": "approve", "requirements": "core-response", "valid_until": "2000-01-01"},
         "after the training was completed"),
        ({"action": "approve", "valid_until": "2099-01-01"}, "Choose at least one"),
        ({"action": "reject", "note": "  "}, "Enter a note saying why"),
        ({"action": "explode"}, "Choose approve or reject"),
    ],
)  # fmt: skip
def test_a_bad_decision_is_refused_with_a_message(app, world, credit, form, message):
    response = _decide(app, world.overseer, credit.id, **form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert credit.status == "pending"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("credit.%"))) is None


def test_rejection_is_audited_shown_to_the_learner_and_final(app, world, credit):
    response = _decide(app, world.admin, credit.id, action="reject", note="Only 2 hours long")
    assert response.status_code == 302
    db.session.expire_all()
    assert credit.status == "rejected" and credit.valid_until is None
    assert not _standing(world.learner).satisfied
    page = _as(app, world.learner).get("/credits").get_data(as_text=True)
    assert "Not approved: Only 2 hours long" in page
    again = _decide(
        app, world.overseer, credit.id, action="approve", valid_until="2099-01-01",
        requirements="core-response",
    )  # fmt: skip
    assert again.status_code == 400
    assert "already rejected; a decision is final" in again.get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("credit.%")))
    assert [(e.action, e.actor_id) for e in events] == [("credit.reject", world.admin.id)]


def test_overseers_see_the_queue_pending_first_and_the_evidence(app, world, credit):
    _upload(_as(app, world.fred), requirements=["core-response"], body=PNG, filename="a.png")
    second = db.session.scalar(select(ExternalCredit).where(ExternalCredit.id != credit.id))
    _decide(app, world.overseer, credit.id, action="reject", note="Not equivalent")
    client = _as(app, world.overseer)
    page = client.get("/oversight/credits").get_data(as_text=True)
    assert page.index(f"/oversight/credits/{second.id}") < page.index(
        f"/oversight/credits/{credit.id}"
    )
    detail = client.get(f"/oversight/credits/{second.id}").get_data(as_text=True)
    assert world.fred.name in detail and "Approve credit" in detail
    download = client.get(f"/oversight/credits/{second.id}/evidence")
    assert download.status_code == 200 and download.data == PNG
    assert (
        download.mimetype == "image/png" and "attachment" in download.headers["Content-Disposition"]
    )


def test_access_to_claims_and_evidence(app, world, credit):
    url = f"/oversight/credits/{credit.id}"
    for user in (world.learner, world.coordinator, world.fred):
        client = _as(app, user)
        assert client.get(url).status_code == 403
        assert client.get(f"{url}/evidence").status_code == 403
        assert post(client, url, {"action": "reject", "note": "x"}).status_code == 403
    # Another learner's (or a coordinator's) view of the learner's own pages: not found.
    for user in (world.fred, world.coordinator, world.overseer):
        client = _as(app, user)
        assert client.get(f"/credits/{credit.id}/evidence").status_code == 404
        assert "State CSEC" not in client.get("/credits").get_data(as_text=True)
    anonymous = app.test_client().get(f"/credits/{credit.id}/evidence")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    db.session.expire_all()
    assert credit.status == "pending"


def test_a_decision_made_meanwhile_by_another_overseer_wins(app, world, credit):
    """A stale page cannot overwrite a decision recorded since it was loaded."""
    from sqlalchemy import text

    from lms import clock
    from lms.oversight import services

    stale = db.session.get(ExternalCredit, credit.id)
    assert stale.status == "pending"
    db.session.execute(  # another overseer's approval, committed while this one was reading
        text(
            "UPDATE external_credits SET status = 'approved', valid_until = '2030-01-01' "
            "WHERE id = :id"
        ),
        {"id": credit.id},
    )
    with pytest.raises(services.DecisionError, match="already approved"):
        services.reject_credit(db.session, stale, "not equivalent", world.overseer, clock.now())
    status = db.session.execute(
        text("SELECT status FROM external_credits WHERE id = :id"), {"id": credit.id}
    ).scalar()
    assert status == "approved" and stale.status == "approved"  # not overwritten
