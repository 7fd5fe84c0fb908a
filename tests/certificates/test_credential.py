"""The OpenBadgeCredential builder, the issuer profile and the key document."""

from __future__ import annotations

import ast
import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.certificates import credential, jsonld, signing, statuslist
from lms.certificates.credential import CredentialFacts, IssuerFacts

BASE = "https://harbor.example.gov"
EMAIL = "Pat.Learner@Example.org"
SALT = "5f1d2c3b4a596877"
ISSUER = IssuerFacts(id=f"{BASE}/issuer", name="State Oversight Board", url=BASE)
KEY_ID = f"{BASE}/issuer/keys/1"


def make_facts(**changes) -> CredentialFacts:
    facts = CredentialFacts(
        credential_id="urn:uuid:0b6f4a4e-6f0e-4f43-9a55-7d3c1f1e2a10",
        issuer=ISSUER,
        achievement_id=f"{BASE}/achievements/responding-to-youth",
        achievement_name="Responding to Youth",
        achievement_description="Foundations for first responders.",
        criteria="Completed every module and passed the final assessment.",
        human_code="HBR-2026-000123",
        hours=Decimal("6.00"),
        curriculum_version="2026.1",
        valid_from=datetime(2026, 3, 1, 14, 5, 9, 123456, tzinfo=UTC),
        valid_until=datetime(2028, 3, 1, 14, 5, 9, tzinfo=UTC),
        subject_identity_hash=credential.identity_hash(EMAIL, SALT),
        subject_salt=SALT,
        score=Fraction(7, 8),
        pass_mark=Fraction(4, 5),
        status_entries=tuple((f"{BASE}/status/{p}/1", 94567, p) for p in statuslist.PURPOSES),
    )
    return dataclasses.replace(facts, **changes)


@pytest.fixture(scope="module")
def cred() -> dict:
    return credential.build_credential(make_facts())


def test_has_every_required_ob3_field(cred):
    assert cred["@context"] == [jsonld.VC_V2, jsonld.OB_V3]
    assert cred["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert cred["id"].startswith("urn:uuid:")
    assert cred["name"] == "Responding to Youth"
    assert cred["issuer"] == {
        "id": ISSUER.id,
        "type": ["Profile"],
        "name": ISSUER.name,
        "url": ISSUER.url,
    }
    assert cred["validFrom"] and cred["validUntil"]
    subject = cred["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert "id" not in subject and len(subject["identifier"]) == 1
    achievement = subject["achievement"]
    assert achievement["id"] == f"{BASE}/achievements/responding-to-youth"
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Responding to Youth"
    assert achievement["description"] == "Foundations for first responders."
    assert achievement["criteria"] == {
        "narrative": "Completed every module and passed the final assessment."
    }
    assert achievement["achievementType"] == "Certificate"
    assert achievement["humanCode"] == "HBR-2026-000123"
    assert achievement["version"] == "2026.1"


def test_every_term_is_defined_by_the_bundled_contexts(cred):
    # Strict canonicalization raises on any term JSON-LD would silently drop.
    nquads = jsonld.canonicalize(cred)
    assert "AchievementSubject" in nquads and "BitstringStatusListEntry" in nquads


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 3, 1, 14, 5, 9, 999999, tzinfo=UTC), "2026-03-01T14:05:09Z"),
        (datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5))), "2026-03-01T14:00:00Z"),
        (
            datetime(2026, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=2))),
            "2026-12-31T21:59:59Z",
        ),
    ],
)
def test_dates_are_utc_whole_seconds_with_z(moment, text):
    cred = credential.build_credential(make_facts(valid_from=moment, valid_until=moment))
    assert cred["validFrom"] == text and cred["validUntil"] == text


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        credential.build_credential(make_facts(valid_from=datetime(2026, 3, 1)))


def test_no_valid_until_when_certificate_does_not_expire():
    assert "validUntil" not in credential.build_credential(make_facts(valid_until=None))


def test_no_plaintext_email_anywhere(cred):
    text = json.dumps(cred).lower()
    assert EMAIL.lower() not in text
    assert "example.org" not in text and "pat.learner" not in text
    ident = cred["credentialSubject"]["identifier"][0]
    assert ident == {
        "type": "IdentityObject",
        "identityHash": credential.identity_hash(EMAIL, SALT),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": SALT,
    }
    assert ident["identityHash"].startswith("sha256$") and len(ident["identityHash"]) == 71


def test_identity_hash_normalises_email_and_recipient_matches(cred):
    ident = cred["credentialSubject"]["identifier"][0]
    assert credential.recipient_matches(ident, "  pat.learner@example.org ")
    assert not credential.recipient_matches(ident, "someone@example.org")
    assert credential.identity_hash(EMAIL, "a") != credential.identity_hash(EMAIL, "b")


def test_plaintext_in_place_of_the_hash_is_refused():
    with pytest.raises(ValueError):
        credential.build_credential(make_facts(subject_identity_hash=EMAIL))


def test_subject_name_only_when_passed(cred):
    assert "name" not in cred["credentialSubject"]
    named = credential.build_credential(make_facts(subject_name="Pat Learner"))
    assert named["credentialSubject"]["name"] == "Pat Learner"
    jsonld.canonicalize(named)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(Decimal("6.00"), 6), (6, 6), (6.0, 6), (Decimal("1.50"), 1.5), (Fraction(5, 2), 2.5)],
)
def test_hours_are_credits_and_whole_numbers_are_json_integers(hours, expected):
    cred = credential.build_credential(make_facts(hours=hours))
    for value in (
        cred["credentialSubject"]["achievement"]["creditsAvailable"],
        cred["credentialSubject"]["creditsEarned"],
    ):
        assert value == expected and type(value) is type(expected)


def test_no_hours_no_credits():
    cred = credential.build_credential(make_facts(hours=None))
    assert "creditsAvailable" not in cred["credentialSubject"]["achievement"]
    assert "creditsEarned" not in cred["credentialSubject"]


def test_score_and_pass_mark_as_result_and_result_description(cred):
    (description,) = cred["credentialSubject"]["achievement"]["resultDescription"]
    (result,) = cred["credentialSubject"]["result"]
    assert description["type"] == ["ResultDescription"]
    assert description["resultType"] == "Percent"
    assert description["requiredValue"] == "80"
    assert result == {
        "type": ["Result"],
        "resultDescription": description["id"],
        "value": "87.5",
        "status": "Completed",
    }


@pytest.mark.parametrize(
    ("score", "text"),
    [
        (Fraction(1), "100"),
        (0, "0"),
        (0.29, "29"),
        (Fraction(2, 3), "66.66"),
        (Decimal("0.8751"), "87.51"),
    ],
)
def test_percent_is_floored_never_rounded_up(score, text):
    cred = credential.build_credential(make_facts(score=score))
    assert cred["credentialSubject"]["result"][0]["value"] == text


def test_no_score_no_results():
    cred = credential.build_credential(make_facts(score=None, pass_mark=None))
    assert "result" not in cred["credentialSubject"]
    assert "resultDescription" not in cred["credentialSubject"]["achievement"]


def test_out_of_range_score_is_refused():
    with pytest.raises(ValueError):
        credential.build_credential(make_facts(score=Fraction(3, 2)))


def test_credential_status_has_both_lists(cred):
    assert [e["statusPurpose"] for e in cred["credentialStatus"]] == ["revocation", "suspension"]
    assert all(e["statusListIndex"] == "94567" for e in cred["credentialStatus"])
    assert "credentialStatus" not in credential.build_credential(make_facts(status_entries=()))


def test_issuer_with_email_and_image():
    issuer = dataclasses.replace(ISSUER, email="certs@example.gov", image=f"{BASE}/logo.png")
    cred = credential.build_credential(make_facts(issuer=issuer))
    assert cred["issuer"]["email"] == "certs@example.gov"
    assert cred["issuer"]["image"] == {"id": f"{BASE}/logo.png", "type": "Image"}
    jsonld.canonicalize(cred)


def test_built_credential_signs_and_verifies_and_tamper_fails(cred):
    key = Ed25519PrivateKey.generate()
    signed = signing.sign_credential(cred, key, KEY_ID, datetime(2026, 3, 1, tzinfo=UTC))
    assert signing.verify_credential(json.loads(json.dumps(signed)), key.public_key())
    signed["credentialSubject"]["result"][0]["value"] = "99"
    assert not signing.verify_credential(signed, key.public_key())


def test_issuer_profile_and_key_document():
    multikey = signing.public_multibase(Ed25519PrivateKey.generate().public_key())
    assert multikey.startswith("z6Mk")
    plain = credential.issuer_profile(ISSUER)
    assert plain["@context"] == [jsonld.VC_V2, jsonld.OB_V3]
    assert plain["type"] == ["Profile"] and plain["id"] == ISSUER.id
    profile = credential.issuer_profile(ISSUER, KEY_ID, multikey)
    assert profile["assertionMethod"] == [KEY_ID]
    assert profile["verificationMethod"] == [
        {"id": KEY_ID, "type": "Multikey", "controller": ISSUER.id, "publicKeyMultibase": multikey}
    ]
    key_doc = credential.key_document(KEY_ID, ISSUER.id, multikey)
    assert key_doc["@context"] == jsonld.MULTIKEY_V1 and key_doc["controller"] == ISSUER.id
    for doc in (plain, profile, key_doc):  # all valid JSON-LD with the bundled contexts
        jsonld.canonicalize(doc)
    with pytest.raises(ValueError):
        credential.issuer_profile(ISSUER, KEY_ID, None)


PURE = ["credential.py", "statuslist.py"]
FORBIDDEN = {"flask", "flask_login", "flask_wtf", "sqlalchemy", "werkzeug", "lms.db", "lms.clock"}


@pytest.mark.parametrize("module", PURE)
def test_builders_are_pure(module):
    path = Path(credential.__file__).parent / module
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    assert not {n for n in names if n in FORBIDDEN or n.split(".")[0] in FORBIDDEN}
    assert "lms.extensions" not in names
    text = path.read_text()
    assert not any(c in text for c in ("datetime.now(", "date.today(", "time.time("))


def test_key_document_accepts_a_key_object_or_its_multibase():
    public = Ed25519PrivateKey.generate().public_key()
    multikey = signing.public_multibase(public)
    assert credential.key_document(KEY_ID, ISSUER.id, public) == credential.key_document(
        KEY_ID, ISSUER.id, multikey
    )
    assert credential.issuer_profile(ISSUER, KEY_ID, public) == credential.issuer_profile(
        ISSUER, KEY_ID, multikey
    )


def test_achievement_document_is_valid_json_ld_with_required_fields():
    doc = credential.achievement_document(
        f"{BASE}/achievements/responding-to-youth", "Responding to Youth", "Foundations.", "2026.1"
    )
    assert doc["@context"] == [jsonld.VC_V2, jsonld.OB_V3]
    assert doc["type"] == ["Achievement"] and doc["version"] == "2026.1"
    assert doc["criteria"] == {"id": doc["id"]}
    with_narrative = credential.achievement_document(
        doc["id"], "R", "D", criteria="Pass the final assessment.", hours=Decimal("6.5")
    )
    assert with_narrative["criteria"] == {"narrative": "Pass the final assessment."}
    assert with_narrative["creditsAvailable"] == 6.5
    for d in (doc, with_narrative):
        jsonld.canonicalize(d)
