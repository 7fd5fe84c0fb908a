"""The issuing body as the certificate code sees it: names, URLs, signing key, templates.

An ``Issuer`` is built once per request (or once per CLI run) from the app configuration and
the latest content sync, so issuance works the same from a web request and from
``lms certificates issue`` with no request context. It knows how to turn a certificate row
into primitives for the PDF template and into a signed Open Badges 3.0 credential.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.certificates import codes, credential, document, signing
from lms.certificates.models import Certificate
from lms.courses.models import Course
from lms.courses.requirements import RequirementSpec
from lms.oversight import compliance

PURPOSES = ("revocation", "suspension")

_keys: dict[str, Ed25519PrivateKey] = {}
_keys_lock = threading.Lock()


@dataclass(frozen=True)
class Issuer:
    base_url: str  #: e.g. https://harbor.example.gov (no trailing slash)
    name: str  #: the oversight body
    state_name: str
    key: Ed25519PrivateKey = field(repr=False)
    requirements: tuple[RequirementSpec, ...] = ()
    email: str | None = None
    #: The seal printed on certificates: a file under static/ (site variable certificate_seal).
    seal: str | None = "img/seal.svg"

    # -- stable public URLs ------------------------------------------------------------
    @property
    def issuer_id(self) -> str:
        return f"{self.base_url}/issuer"

    @property
    def key_id(self) -> str:
        return f"{self.base_url}/issuer/keys/1"

    def verify_url(self, code: str) -> str:
        return f"{self.base_url}/verify/{codes.display_code(code)}"

    def achievement_id(self, course_slug: str) -> str:
        return f"{self.base_url}/achievements/{course_slug}"

    def status_list_url(self, purpose: str, number: int) -> str:
        return f"{self.base_url}/status/{purpose}/{number}"

    # -- what a certificate satisfies ---------------------------------------------------
    def requirements_for(
        self, course_slug: str, learner: compliance.Learner
    ) -> list[dict[str, str]]:
        """Return the requirements (id, name) that list the course and cover the learner,
        by the same rule as the compliance view (their discipline or agency type is named)."""
        return [
            {"id": req.id, "name": req.name}
            for req in self.requirements
            if course_slug in req.courses and compliance.applies(req, learner)
        ]

    # -- documents ----------------------------------------------------------------------
    def document(self, cert: Certificate) -> document.CertificateDocument:
        """Return the primitives the PDF template receives."""
        score = None
        if cert.score is not None:
            score = int(cert.score * 100)  # floor: never print a rounded-up score
        return document.CertificateDocument(
            learner_name=cert.learner_name,
            course_title=cert.course_title,
            hours=cert.hours,
            curriculum_version=cert.course_version,
            issued_on=cert.issued_at.date(),
            serial=cert.serial,
            verification_code=codes.display_code(cert.code),
            verify_url=self.verify_url(cert.code),
            issuing_body=self.name,
            state_name=self.state_name,
            expires_on=cert.expires_at.date() if cert.expires_at else None,
            discipline=cert.discipline_name,
            requirements=tuple(r["name"] for r in cert.requirements),
            score_percent=score,
        )

    def render_pdf(self, cert: Certificate) -> bytes:
        from lms.certificates import pdf

        return pdf.render_certificate(self.document(cert), seal_path=self.seal)

    def profile(self) -> dict[str, Any]:
        """The issuer Profile, which also publishes the verification key."""
        return credential.issuer_profile(
            self._profile_facts(), self.key_id, signing.public_multibase(self.key.public_key())
        )

    def key_document(self) -> dict[str, Any]:
        return credential.key_document(
            self.key_id, self.issuer_id, signing.public_multibase(self.key.public_key())
        )

    def _profile_facts(self) -> credential.IssuerFacts:
        return credential.IssuerFacts(
            id=self.issuer_id, name=self.name, url=self.base_url, email=self.email
        )

    def unsigned_credential(self, cert: Certificate, course: Course, email: str) -> dict[str, Any]:
        facts = credential.CredentialFacts(
            credential_id=cert.credential_id,
            issuer=self._profile_facts(),
            achievement_id=self.achievement_id(course.slug),
            achievement_name=cert.course_title,
            achievement_description=course.summary,
            criteria=_criteria(cert),
            human_code=cert.serial,
            hours=cert.hours,
            curriculum_version=cert.course_version,
            valid_from=cert.issued_at,
            valid_until=cert.expires_at,
            subject_identity_hash=credential.identity_hash(email, _salt(cert)),
            subject_salt=_salt(cert),
            subject_name=cert.learner_name,
            score=cert.score,
            pass_mark=cert.pass_mark,
            status_entries=tuple(
                (self.status_list_url(p, cert.status_list), cert.status_index, p) for p in PURPOSES
            ),
        )
        return credential.build_credential(facts)

    def sign_credential(
        self, cert: Certificate, course: Course, email: str, now: datetime
    ) -> tuple[dict[str, Any], str]:
        """Return the credential with its eddsa-rdfc-2022 proof, and the same as a VC-JWT."""
        unsigned = self.unsigned_credential(cert, course, email)
        signed = signing.sign_credential(unsigned, self.key, self.key_id, now)
        token = signing.sign_jwt(unsigned, self.key, self.key_id)
        return signed, token


def _criteria(cert: Certificate) -> str:
    text = (
        f"Completed every module of {cert.course_title} (curriculum version {cert.course_version})"
    )
    if cert.pass_mark is not None:
        text += f" and passed the final assessment (pass mark {int(cert.pass_mark * 100)}%)"
    return text + "."


def _salt(cert: Certificate) -> str:
    return hashlib.sha256(f"harbor-salt:{cert.credential_id}".encode()).hexdigest()[:16]


def load_key(config_value: str | None, instance_path: str) -> Ed25519PrivateKey:
    """Return the signing key: configured PEM text, or the PEM file at a configured path
    (default ``<instance>/signing_key.pem``), generated there on first run."""
    cache_key = config_value or f"instance:{instance_path}"
    with _keys_lock:
        if cache_key not in _keys:
            if config_value and "-----BEGIN" in config_value:
                _keys[cache_key] = signing.key_from_config(config_value)
            elif config_value:  # a path: created there (mode 0600) on first run
                _keys[cache_key] = signing.load_or_create_key(Path(config_value).expanduser())
            else:
                path = Path(instance_path) / "signing_key.pem"
                _keys[cache_key] = signing.load_or_create_key(path)
        return _keys[cache_key]
