"""Flask glue for certificates: build the Issuer from configuration and the content sync."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from sqlalchemy.orm import Session

from lms.certificates.issuer import Issuer, load_key
from lms.courses.queries import current_site
from lms.courses.requirements import RequirementSpec

DEVELOPMENT_URL = "http://127.0.0.1:5000"
DEFAULT_SEAL = "img/seal.svg"


class MissingPublicURL(RuntimeError):
    """Production needs LMS_PUBLIC_BASE_URL: credential ids and QR codes must not change."""


def public_base_url() -> str:
    """Return the site's public address, which credentials, QR codes and verify links use.

    Configure ``LMS_PUBLIC_BASE_URL`` in production: a signed credential's URLs cannot change
    after issuance, so they must not depend on how one request happened to reach the server.
    """
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if current_app.config["ENV"] == "production":
        raise MissingPublicURL("set LMS_PUBLIC_BASE_URL (e.g. https://harbor.example.gov)")
    if has_request_context():
        return request.url_root.rstrip("/")
    return DEVELOPMENT_URL


def _requirements(db: Session) -> tuple[RequirementSpec, ...]:
    from sqlalchemy import select

    from lms.oversight.models import Requirement
    from lms.oversight.queries import spec_of

    rows = db.scalars(select(Requirement).where(Requirement.active).order_by(Requirement.key))
    return tuple(spec_of(r) for r in rows)


def issuer_for(db: Session) -> Issuer:
    """Return the Issuer for this app: names from the latest content sync, the signing key."""
    site = current_site(db)
    variables = site.get("variables", {})
    config = current_app.config
    return Issuer(
        base_url=public_base_url(),
        name=variables.get("oversight_body") or "Harbor",
        state_name=variables.get("state_name") or "",
        key=load_key(config.get("SIGNING_KEY"), current_app.instance_path),
        requirements=_requirements(db),
        email=config.get("ISSUER_EMAIL"),
        seal=_seal(variables.get("certificate_seal")),
    )


def _seal(configured: str | None) -> str:
    """Return the configured seal if it is a file under static/, else the bundled one."""
    if not configured:
        return DEFAULT_SEAL
    from lms.certificates.pdf import STATIC_DIR

    path = (STATIC_DIR / configured).resolve()
    if path.is_relative_to(STATIC_DIR) and path.is_file():
        return configured
    current_app.logger.error("certificate_seal %r is not a file under static/", configured)
    return DEFAULT_SEAL


def issue_for_current_user(db: Session, course_id: int) -> str | None:
    """Issue the signed-in learner's certificate if the course is now finished.

    Called after a module is completed or a final quiz is passed, in the same transaction;
    returns the new (or existing) certificate's serial, or None when nothing is due.
    """
    from flask_login import current_user

    from lms import clock
    from lms.certificates.services import issue_if_eligible
    from lms.courses.models import Course

    course = db.get(Course, course_id)
    if course is None:
        return None
    cert = issue_if_eligible(db, current_user, course, issuer_for(db), clock.now())
    return cert.serial if cert else None
