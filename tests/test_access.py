"""Every route × every role: the expected status, generated from the app's URL map so that
a new route cannot be added without deciding who may use it."""

from __future__ import annotations

import pytest

from tests.conftest import PERSONAS, csrf_token, login

ARGS = {
    "course_slug": "foundations",
    "module_slug": "what-cse-is",
    "token": "not-a-token",
    "filename": "css/harbor.css",
    "quiz_slug": "final",
    "number": 1,
    "serial": "HBR-2026-000001",
    "code": "7KQ2-M9XD-4TNR-WB3H",
    "purpose": "revocation",
    "credit_id": 1,
    "agency_id": 1,  # the coordinator's own agency
    "user_id": 1,  # the learner, of the coordinator's agency
}
SIGNED_IN = ["learner", "coordinator", "overseer", "admin", "fred"]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def members(status: int) -> dict[str, int]:
    """Signed-in users get ``status``; anonymous visitors are sent to sign in (302)."""
    return {"anonymous": 302, **dict.fromkeys(SIGNED_IN, status)}


def oversight(status: int) -> dict[str, int]:
    """Overseers and admins get ``status``; other signed-in users 403; visitors sign in."""
    return {
        "anonymous": 302,
        "learner": 403,
        "coordinator": 403,
        "fred": 403,
        "overseer": status,
        "admin": status,
    }


def guests(status: int) -> dict[str, int]:
    """Anonymous visitors get ``status``; signed-in users are sent on to their courses."""
    return {"anonymous": status, **dict.fromkeys(SIGNED_IN, 302)}


#: (method, endpoint) -> persona -> status
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "static"): everyone(200),
    ("GET", "site.home"): guests(200),
    ("GET", "site.support"): everyone(200),
    ("GET", "site.healthz"): everyone(200),
    ("GET", "auth.login"): guests(200),
    ("POST", "auth.login"): guests(200),  # empty form: shown again with errors
    ("GET", "auth.register"): guests(200),
    ("POST", "auth.register"): guests(200),
    ("GET", "auth.forgot_password"): everyone(200),
    ("POST", "auth.forgot_password"): everyone(200),
    ("GET", "auth.reset_password"): everyone(400),
    ("POST", "auth.reset_password"): everyone(400),
    ("POST", "auth.logout"): members(302),
    ("GET", "auth.account"): members(200),
    ("POST", "auth.account"): members(200),
    ("GET", "courses.catalogue"): members(200),
    ("GET", "courses.course"): members(200),
    ("GET", "courses.resume"): members(302),
    ("GET", "courses.module"): members(200),
    ("POST", "courses.acknowledge_note"): members(302),
    ("POST", "courses.pause"): members(302),
    ("GET", "courses.paused"): members(200),
    ("POST", "courses.complete"): members(302),
    ("GET", "assessments.overview"): members(200),
    ("POST", "assessments.start"): members(302),
    # Attempt 1 does not exist yet for anyone: each persona only ever finds their own.
    ("GET", "assessments.attempt"): members(404),
    ("POST", "assessments.answer"): members(404),
    ("GET", "assessments.review"): members(404),
    ("GET", "assessments.statistics"): oversight(200),
    ("GET", "certificates.mine"): members(200),
    # No certificate has this serial: each persona only ever finds their own.
    ("GET", "certificates.pdf"): members(404),
    ("GET", "certificates.credential"): members(404),
    ("GET", "certificates.credential_jwt"): members(404),
    ("GET", "certificates.transcript"): members(200),
    ("POST", "certificates.recertify"): members(302),  # nothing to renew: back to the list
    ("GET", "certificates.manage"): oversight(200),
    # The whole trail crosses agencies: never agency staff (coordinators), only oversight.
    ("GET", "audit.browse"): oversight(200),
    ("GET", "certificates.manage_one"): oversight(404),
    ("POST", "certificates.change_status"): oversight(404),
    # External credit: a learner's own claims; no credit 1 exists, so each finds nothing.
    ("GET", "oversight.my_credits"): members(200),
    ("GET", "oversight.new_credit"): members(200),
    ("POST", "oversight.new_credit"): members(400),  # empty form: shown again with errors
    ("GET", "oversight.my_evidence"): members(404),
    ("GET", "oversight.queue"): oversight(200),
    # Dashboards: the state for oversight; an agency and its learners for oversight and that
    # agency's coordinator (another agency's pages are 404 for them: see test_dashboard_http).
    ("GET", "dashboard.state"): oversight(200),
    ("GET", "dashboard.agency"): {**oversight(200), "coordinator": 200},
    ("GET", "dashboard.learner"): {**oversight(200), "coordinator": 200},
    ("GET", "dashboard.due"): {**oversight(200), "coordinator": 200},
    ("GET", "dashboard.my_agency"): {**oversight(403), "coordinator": 200, "admin": 302},
    ("POST", "dashboard.send_reminders"): {**oversight(403), "coordinator": 302, "admin": 404},
    ("GET", "report.page"): oversight(200),
    ("GET", "report.pdf"): oversight(200),
    ("GET", "report.csv"): oversight(200),
    ("GET", "oversight.review"): oversight(404),
    ("GET", "oversight.evidence_file"): oversight(404),
    ("POST", "oversight.decide"): oversight(404),
    # Exports: state-wide for oversight; a coordinator's own agency only (an agency's staff).
    ("GET", "exports.state_csv"): oversight(200),
    ("GET", "exports.state_xlsx"): oversight(200),
    ("GET", "exports.agency_csv"): {**oversight(403), "coordinator": 200},
    ("GET", "exports.agency_xlsx"): {**oversight(403), "coordinator": 200},
    ("GET", "verify.form"): everyone(200),
    ("GET", "verify.show"): everyone(404),  # unknown code
    ("GET", "verify.show_json"): everyone(404),
    ("GET", "verify.issuer_profile"): everyone(200),
    ("GET", "verify.issuer_key"): everyone(200),
    ("GET", "verify.jwks"): everyone(200),
    ("GET", "verify.status_list"): everyone(404),  # no list until a certificate is issued
    ("GET", "verify.achievement"): everyone(200),
}


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, rule.endpoint))
    return found


def test_every_route_has_an_expectation(app):
    assert _routes(app) == set(EXPECTED)


@pytest.mark.parametrize("persona", PERSONAS)
def test_route_access(app, world, persona):
    from flask import url_for

    failures = []
    for (method, endpoint), by_persona in sorted(EXPECTED.items()):
        client = app.test_client()
        login(client, world.persona(persona))
        with app.test_request_context():
            rule = next(r for r in app.url_map.iter_rules(endpoint))
            url = url_for(endpoint, **{k: ARGS[k] for k in rule.arguments})
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": csrf_token(client)})
        expected = by_persona[persona]
        if response.status_code != expected:
            failures.append(f"{method} {url}: {response.status_code}, expected {expected}")
        if persona == "anonymous" and expected == 302 and endpoint.startswith("courses."):
            assert response.headers["Location"].startswith("/login"), url
    assert not failures, "\n".join(failures)
