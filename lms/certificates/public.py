"""Public, sign-in-free pages: certificate verification and the issuer's published documents.

Verification shows what the certificate says and its current status, never an email or any
other personal data beyond the name printed on the certificate. Every unknown, malformed or
otherwise unusable code gets the same 404, and lookups are rate-limited per address.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from lms import clock, ratelimit
from lms.certificates import codes, policy, queries
from lms.certificates.models import Certificate
from lms.certificates.web import issuer_for
from lms.extensions import db

bp = Blueprint("verify", __name__)

PURPOSES = ("revocation", "suspension")
NOT_FOUND = "No certificate matches this code. Check it and try again."


def _throttle() -> None:
    limit = int(current_app.config["VERIFY_RATE_PER_MINUTE"])
    decision = ratelimit.hit(
        db.session, f"verify:{request.remote_addr or '-'}", limit, 60, clock.now()
    )
    db.session.commit()
    if not decision.allowed:
        raise TooManyRequests(
            f"Too many lookups from your address. Try again in {decision.retry_after} seconds.",
            retry_after=decision.retry_after,
        )


def _lookup(code: str) -> Certificate | None:
    """Return the certificate for a typed code, or None whatever the reason."""
    canonical = codes.normalise_code(code)
    return queries.by_code(db.session, canonical) if canonical else None


def _facts(cert: Certificate) -> dict[str, Any]:
    """What verification discloses: the certificate's own printed facts and its status."""
    now = clock.now()
    status = policy.public_status(
        cert.status, cert.expires_at, cert.superseded_by_id is not None, now
    )
    facts: dict[str, Any] = {
        "status": str(status),
        "serial": cert.serial,
        "name": cert.learner_name,
        "course": cert.course_title,
        "curriculum_version": cert.course_version,
        "hours": str(cert.hours),
        "issued": cert.issued_at.date().isoformat(),
        "expires": cert.expires_at.date().isoformat() if cert.expires_at else None,
        "requirements": [r["name"] for r in cert.requirements],
        "checked_at": now.replace(microsecond=0).isoformat(),
    }
    if status in (policy.Status.REVOKED, policy.Status.SUSPENDED) and cert.status_reason:
        action = policy.Action.REVOKE if cert.status == "revoked" else policy.Action.SUSPEND
        facts["status_reason"] = policy.REASONS[action].get(cert.status_reason, "Other")
        facts["status_date"] = cert.status_changed_at.date().isoformat()
    return facts


@bp.get("/verify")
def form() -> str | Response:
    typed = request.args.get("code", "")
    if typed:
        canonical = codes.normalise_code(typed)
        if canonical:
            return redirect(url_for("verify.show", code=codes.display_code(canonical)))
        return render_template(
            "certificates/verify_form.html",
            code=typed[:64],
            error="That is not a verification code: it has 16 letters and digits, "
            "printed in four groups like 7KQ2-M9XD-4TNR-WB3H.",
        ), 400  # type: ignore[return-value]
    return render_template("certificates/verify_form.html", code="", error=None)


@bp.get("/verify/<code>")
def show(code: str) -> str | tuple[str, int]:
    _throttle()
    cert = _lookup(code)
    if cert is None:
        page = render_template("certificates/verify_form.html", code=code[:64], error=NOT_FOUND)
        return page, 404
    return render_template("certificates/verify.html", cert=cert, facts=_facts(cert))


@bp.get("/verify/<code>.json")
def show_json(code: str) -> Response | tuple[Response, int]:
    _throttle()
    cert = _lookup(code)
    if cert is None:
        return jsonify({"error": NOT_FOUND}), 404
    return jsonify(_facts(cert))


def _ld(document: dict[str, Any]) -> Response:
    response = Response(json.dumps(document, indent=2), mimetype="application/ld+json")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/issuer")
def issuer_profile() -> Response:
    return _ld(issuer_for(db.session).profile())


@bp.get("/issuer/keys/<int:number>")
def issuer_key(number: int) -> Response:
    """The verification key: a Multikey document, or a JWK when asked for one.

    The same URL is the ``verificationMethod`` of the Data Integrity proof and the ``kid`` of
    the VC-JWT, so a JWT verifier asking for ``application/jwk+json`` gets a JWK.
    """
    if number != 1:
        abort(404)
    issuer = issuer_for(db.session)
    wanted = request.accept_mimetypes.best_match(["application/ld+json", "application/jwk+json"])
    if wanted == "application/jwk+json":
        from lms.certificates import signing

        jwk = signing.public_jwk(issuer.key.public_key(), kid=issuer.key_id)
        response = Response(json.dumps(jwk), mimetype="application/jwk+json")
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    return _ld(issuer.key_document())


@bp.get("/issuer/jwks.json")
def jwks() -> Response:
    from lms.certificates import signing

    issuer = issuer_for(db.session)
    key = dict(signing.public_jwk(issuer.key.public_key()), kid=issuer.key_id)
    response = jsonify({"keys": [key]})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/status/<purpose>/<int:number>")
def status_list(purpose: str, number: int) -> Response:
    """The signed Bitstring Status List credential for one list and purpose."""
    if purpose not in PURPOSES or number < 1 or not queries.list_exists(db.session, number):
        abort(404)
    from lms.certificates.statuslist import build_status_list_credential, encode_list

    issuer = issuer_for(db.session)
    url = issuer.status_list_url(purpose, number)
    encoded = encode_list(queries.status_positions(db.session, purpose, number))
    now = clock.now().replace(microsecond=0)
    unsigned = build_status_list_credential(url, issuer.issuer_id, purpose, encoded, now)
    from lms.certificates import signing

    signed = signing.sign_credential(unsigned, issuer.key, issuer.key_id, now)
    response = _ld(signed)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.get("/achievements/<course_slug>")
def achievement(course_slug: str) -> Response:
    from sqlalchemy import select

    from lms.certificates.jsonld import OB_V3, VC_V2
    from lms.courses.models import Course

    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None:
        abort(404)
    issuer = issuer_for(db.session)
    return _ld(
        {
            "@context": [VC_V2, OB_V3],
            "id": issuer.achievement_id(course.slug),
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": course.title,
            "description": course.summary,
            "version": course.version,
            "criteria": {
                "narrative": "Complete every module of the course and pass its final assessment."
            },
            "creator": {"id": issuer.issuer_id, "type": ["Profile"], "name": issuer.name},
        }
    )
