"""Open Badges 3.0 documents built from primitives: the credential, the issuer, the key.

Pure: no web framework, database or clock; every time is passed in (aware datetimes,
emitted as ``YYYY-MM-DDTHH:MM:SSZ``). The learner appears only as a salted SHA-256 of the
email (an ``IdentityObject``); the learner's name is added only when the caller passes it.

Numbers that JSON-LD canonicalizes (``creditsAvailable``/``creditsEarned``) are emitted as
JSON integers when whole: a JavaScript verifier cannot tell ``6.0`` from ``6``, and the two
canonicalize differently, so ``6.0`` would fail verification there.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

from lms.certificates.jsonld import DID_V1, MULTIKEY_V1, OB_V3, VC_V2, xsd_datetime
from lms.certificates.statuslist import status_entry

CREDENTIAL_CONTEXT = (VC_V2, OB_V3)
CREDENTIAL_TYPE = ("VerifiableCredential", "OpenBadgeCredential")
_IDENTITY_HASH = re.compile(r"^sha256\$[0-9a-f]{64}$")

Number = int | float | Decimal | Fraction


@dataclass(frozen=True)
class IssuerFacts:
    """The issuing body as it appears in credentials and its published profile."""

    id: str
    name: str
    url: str
    email: str | None = None
    image: str | None = None  #: URL of the issuer's logo


@dataclass(frozen=True)
class CredentialFacts:
    """Everything a certificate's credential says, as primitives.

    ``score`` and ``pass_mark`` are fractions of 1 (0.875 is 87.5 %). ``status_entries``
    holds ``(status list URL, index, purpose)`` triples or ready-made entry dicts.
    """

    credential_id: str
    issuer: IssuerFacts
    achievement_id: str
    achievement_name: str
    achievement_description: str
    criteria: str  #: criteria narrative (Markdown allowed)
    human_code: str  #: the certificate serial
    valid_from: datetime
    subject_identity_hash: str  #: from :func:`identity_hash`
    subject_salt: str
    hours: Number | None = None
    curriculum_version: str | None = None
    valid_until: datetime | None = None
    subject_name: str | None = None
    score: Number | None = None
    pass_mark: Number | None = None
    status_entries: tuple[tuple[str, int, str] | Mapping[str, str], ...] = ()
    achievement_type: str = "Certificate"


def identity_hash(email: str, salt: str) -> str:
    """Return the OB ``identityHash``: ``sha256$`` + hex SHA-256 of the email + salt.

    The email is trimmed and lower-cased first, so the learner can prove it however typed.
    """
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def recipient_matches(identifier: Mapping[str, Any], email: str) -> bool:
    """Return whether a hashed ``IdentityObject`` is the given email's."""
    salt = identifier.get("salt") or ""
    return identifier.get("identityHash") == identity_hash(email, salt)


def _exact(value: Number) -> Fraction:
    # str() first so that 0.29 means 29/100, not the binary float just below it.
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def _number(value: Number) -> int | float:
    """A JSON number for a float-typed term: an int when whole (see module docstring)."""
    exact = _exact(value)
    return int(exact) if exact.denominator == 1 else float(exact)


def _percent(fraction_of_one: Number) -> str:
    """``0.875`` -> ``"87.5"``; floored to two decimals, never rounded up."""
    exact = _exact(fraction_of_one)
    if not 0 <= exact <= 1:
        raise ValueError(f"a score is a fraction between 0 and 1, not {fraction_of_one}")
    pct = Decimal(exact.numerator * 100) / Decimal(exact.denominator)
    pct = pct.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    return format(pct.normalize(), "f")


def issuer_object(issuer: IssuerFacts) -> dict[str, Any]:
    """Return the embedded ``Profile`` (no ``@context``) used as the credential's issuer."""
    profile: dict[str, Any] = {
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
    }
    if issuer.email:
        profile["email"] = issuer.email
    if issuer.image:
        profile["image"] = {"id": issuer.image, "type": "Image"}
    return profile


def _results(facts: CredentialFacts) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (achievement resultDescription, subject result) for the final assessment."""
    if facts.score is None:
        return [], []
    rd_id = f"{facts.achievement_id}#final-assessment"
    description: dict[str, Any] = {
        "id": rd_id,
        "type": ["ResultDescription"],
        "name": "Final assessment score",
        "resultType": "Percent",
        "valueMin": "0",
        "valueMax": "100",
    }
    if facts.pass_mark is not None:
        description["requiredValue"] = _percent(facts.pass_mark)
    result = {
        "type": ["Result"],
        "resultDescription": rd_id,
        "value": _percent(facts.score),
        "status": "Completed",
    }
    return [description], [result]


def _status(entries: tuple[tuple[str, int, str] | Mapping[str, str], ...]) -> list[dict]:
    out = []
    for entry in entries:
        if isinstance(entry, Mapping):
            out.append(dict(entry))
        else:
            url, index, purpose = entry
            out.append(status_entry(url, index, purpose))
    return out


def _achievement(
    achievement_id: str,
    name: str,
    description: str,
    criteria: str | None,
    achievement_type: str,
    version: str | None,
    hours: Number | None,
    human_code: str | None = None,
) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": name,
        "description": description,
        # Criteria needs an id (a page describing it) or a narrative.
        "criteria": {"narrative": criteria} if criteria else {"id": achievement_id},
    }
    if human_code:
        achievement["humanCode"] = human_code
    if hours is not None:
        achievement["creditsAvailable"] = _number(hours)
    if version:
        achievement["version"] = version
    return achievement


def achievement_document(
    achievement_id: str,
    name: str,
    description: str,
    version: str | None = None,
    *,
    criteria: str | None = None,
    hours: Number | None = None,
    achievement_type: str = "Certificate",
) -> dict[str, Any]:
    """Return the public ``Achievement`` published at ``achievement_id``."""
    doc = _achievement(
        achievement_id, name, description, criteria, achievement_type, version, hours
    )
    return {"@context": list(CREDENTIAL_CONTEXT), **doc}


def build_credential(facts: CredentialFacts) -> dict[str, Any]:
    """Return the unsigned ``OpenBadgeCredential`` for ``facts``."""
    if not _IDENTITY_HASH.match(facts.subject_identity_hash):
        raise ValueError("subject_identity_hash must be 'sha256$' + 64 hex digits")
    descriptions, results = _results(facts)
    achievement = _achievement(
        facts.achievement_id,
        facts.achievement_name,
        facts.achievement_description,
        facts.criteria,
        facts.achievement_type,
        facts.curriculum_version,
        facts.hours,
        facts.human_code,
    )
    if descriptions:
        achievement["resultDescription"] = descriptions

    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if facts.subject_name:
        subject["name"] = facts.subject_name
    subject["identifier"] = [
        {
            "type": "IdentityObject",
            "identityHash": facts.subject_identity_hash,
            "identityType": "emailAddress",
            "hashed": True,
            "salt": facts.subject_salt,
        }
    ]
    subject["achievement"] = achievement
    if facts.hours is not None:
        subject["creditsEarned"] = _number(facts.hours)
    if results:
        subject["result"] = results

    doc: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": facts.credential_id,
        "type": list(CREDENTIAL_TYPE),
        "name": facts.achievement_name,
        "issuer": issuer_object(facts.issuer),
        "validFrom": xsd_datetime(facts.valid_from),
    }
    if facts.valid_until is not None:
        doc["validUntil"] = xsd_datetime(facts.valid_until)
    doc["credentialSubject"] = subject
    if facts.status_entries:
        doc["credentialStatus"] = _status(facts.status_entries)
    return doc


def _multibase(public_key: Any) -> str:
    """Accept a ``z6Mk…`` string or an Ed25519 public key object."""
    if isinstance(public_key, str):
        return public_key
    from lms.certificates.signing import public_multibase

    return public_multibase(public_key)


def key_document(key_id: str, controller: str, public_key: Any) -> dict[str, Any]:
    """Return the ``Multikey`` document published at ``key_id`` (its verificationMethod).

    ``public_key`` is the ``publicKeyMultibase`` string or an ``Ed25519PublicKey``.
    """
    return {
        "@context": MULTIKEY_V1,
        "id": key_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": _multibase(public_key),
    }


def issuer_profile(
    issuer: IssuerFacts,
    key_id: str | None = None,
    public_key: Any = None,
) -> dict[str, Any]:
    """Return the issuer ``Profile`` published at ``issuer.id``.

    With a key it is also the key's controller document: it embeds the ``Multikey`` under
    ``verificationMethod`` and lists it in ``assertionMethod`` (DID v1 / Multikey contexts),
    which is how a Data Integrity verifier checks the key may sign credentials.
    """
    profile: dict[str, Any] = {"@context": [VC_V2, OB_V3], **issuer_object(issuer)}
    if key_id and public_key is not None:
        profile["@context"] += [DID_V1, MULTIKEY_V1]
        method = key_document(key_id, issuer.id, public_key)
        del method["@context"]
        profile["verificationMethod"] = [method]
        profile["assertionMethod"] = [key_id]
    elif key_id or public_key is not None:
        raise ValueError("give both key_id and public_key, or neither")
    return profile
