"""eddsa-rdfc-2022 proofs, VC-JWT and keys, checked against the 1EdTech test vector and
independent libraries (PyNaCl for Ed25519, jwcrypto for JWT, a base58 decoder written here)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt as pyjwt
import nacl.exceptions
import nacl.signing
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws
from jwcrypto import jwt as jc_jwt

from lms.certificates import jsonld, signing

VECTOR_DIR = Path(__file__).parent / "fixtures" / "ob3-vector"
VECTOR = json.loads((VECTOR_DIR / "vector.json").read_text())
VECTOR_CREDENTIAL = json.loads((VECTOR_DIR / "credential.json").read_text())
KEY_ID = "https://harbor.example.gov/issuer/keys/1"
CREATED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


# -- independent helpers (deliberately not Harbor's code) -------------------------------------
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def indep_b58decode(text: str) -> bytes:
    """A base58 decoder written separately from signing.b58decode (byte-wise long math)."""
    out = bytearray()
    for ch in text:
        carry = ALPHABET.index(ch)
        for i in range(len(out)):
            carry += out[i] * 58
            out[i] = carry & 0xFF
            carry >>= 8
        while carry:
            out.append(carry & 0xFF)
            carry >>= 8
    pad = len(text) - len(text.lstrip("1"))
    return bytes(pad) + bytes(reversed(out))


def nacl_verify(signed: dict, public_raw: bytes) -> bool:
    """Verify a Data Integrity proof with PyNaCl over Harbor's canonical N-Quads.

    The canonicalization itself is pinned independently by the 1EdTech vector tests.
    """
    proof = signed["proof"]
    document = {k: v for k, v in signed.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    config = {"@context": document["@context"], **options}
    data = hashlib.sha256(jsonld.canonicalize(config).encode()).digest()
    data += hashlib.sha256(jsonld.canonicalize(document).encode()).digest()
    assert proof["proofValue"].startswith("z")
    try:
        nacl.signing.VerifyKey(public_raw).verify(data, indep_b58decode(proof["proofValue"][1:]))
    except (nacl.exceptions.BadSignatureError, ValueError):
        return False
    return True


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


@pytest.fixture(scope="module")
def signed(key: Ed25519PrivateKey) -> dict:
    return signing.sign_credential(VECTOR_CREDENTIAL, key, KEY_ID, CREATED)


def vector_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(VECTOR["privateKeyHex"])[:32])


# -- the 1EdTech vector, byte for byte ------------------------------------------------------
def test_vector_document_canonical_nquads_match():
    expected = (VECTOR_DIR / "document-canon.txt").read_text()
    assert jsonld.canonicalize(VECTOR_CREDENTIAL) == expected
    assert hashlib.sha256(expected.encode()).hexdigest() == VECTOR["documentHashHex"]


def test_vector_proof_canonical_nquads_match():
    created = datetime.fromisoformat(VECTOR["created"])
    options = signing.proof_options(VECTOR["verificationMethod"], created)
    config = {"@context": VECTOR_CREDENTIAL["@context"], **options}
    expected = (VECTOR_DIR / "proof-canon.txt").read_text()
    assert jsonld.canonicalize(config) == expected
    assert hashlib.sha256(expected.encode()).hexdigest() == VECTOR["proofHashHex"]


def test_vector_hash_signature_and_proof_value_match():
    created = datetime.fromisoformat(VECTOR["created"])
    options = signing.proof_options(VECTOR["verificationMethod"], created)
    data = signing.hash_data(VECTOR_CREDENTIAL, options)
    assert data.hex() == VECTOR["proofHashHex"] + VECTOR["documentHashHex"]
    assert vector_key().sign(data).hex() == VECTOR["signatureHex"]
    signed = signing.sign_credential(
        VECTOR_CREDENTIAL, vector_key(), VECTOR["verificationMethod"], created
    )
    assert signed["proof"]["proofValue"] == VECTOR["proofValue"]
    assert {k: v for k, v in signed.items() if k != "proof"} == VECTOR_CREDENTIAL


def test_vector_keys_and_multikey():
    public = vector_key().public_key()
    assert public.public_bytes_raw().hex() == VECTOR["publicKeyHex"]
    assert signing.public_multibase(public) == VECTOR["publicKeyMultibase"]
    decoded = signing.public_key_from_multibase(VECTOR["publicKeyMultibase"])
    assert decoded.public_bytes_raw() == public.public_bytes_raw()


def test_vector_signed_credential_verifies_with_pynacl_and_harbor():
    signed = {
        **VECTOR_CREDENTIAL,
        "proof": {
            "type": "DataIntegrityProof",
            "created": VECTOR["created"],
            "verificationMethod": VECTOR["verificationMethod"],
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "assertionMethod",
            "proofValue": VECTOR["proofValue"],
        },
    }
    assert nacl_verify(signed, bytes.fromhex(VECTOR["publicKeyHex"]))
    assert signing.verify_credential(signed, vector_key().public_key())


# -- base58 ------------------------------------------------------------------------------
@given(st.binary(max_size=80))
def test_base58_round_trip_and_matches_independent_decoder(data):
    text = signing.b58encode(data)
    assert signing.b58decode(text) == data
    assert indep_b58decode(text) == data


def test_base58_rejects_characters_outside_the_alphabet():
    for bad in ("0", "O", "I", "l", "+"):
        with pytest.raises(ValueError):
            signing.b58decode("z" + bad)


# -- sign / verify / tamper ----------------------------------------------------------------
def test_sign_adds_proof_without_touching_input(key, signed):
    before = copy.deepcopy(VECTOR_CREDENTIAL)
    signing.sign_credential(VECTOR_CREDENTIAL, key, KEY_ID, CREATED)
    assert before == VECTOR_CREDENTIAL
    assert signed["proof"]["type"] == "DataIntegrityProof"
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert signed["proof"]["proofPurpose"] == "assertionMethod"
    assert signed["proof"]["verificationMethod"] == KEY_ID
    assert signed["proof"]["created"] == "2026-03-01T09:30:00Z"


def test_signed_credential_verifies_in_harbor_and_pynacl(key, signed):
    assert signing.verify_credential(signed, key.public_key())
    assert signing.verify_credential(signed, key.public_key(), verification_method=KEY_ID)
    assert nacl_verify(signed, key.public_key().public_bytes_raw())
    # Survives a JSON round trip (what a download and re-upload does).
    assert signing.verify_credential(json.loads(json.dumps(signed)), key.public_key())


def _flip_char(text: str, pos: int) -> str:
    ch = text[pos]
    return text[:pos] + ("2" if ch != "2" else "3") + text[pos + 1 :]


TAMPERS = {
    "name": lambda d: d.update(name="Leadership Badge"),
    "achievement name": lambda d: d["credentialSubject"]["achievement"].update(name="Other"),
    "validFrom": lambda d: d.update(validFrom="2009-01-01T00:00:00Z"),
    "validUntil added": lambda d: d.update(validUntil="2099-01-01T00:00:00Z"),
    "issuer id": lambda d: d["issuer"].update(id="https://evil.example/issuer"),
    "proofValue char": lambda d: d["proof"].update(
        proofValue=_flip_char(d["proof"]["proofValue"], 10)
    ),
    "created": lambda d: d["proof"].update(created="2026-03-02T09:30:00Z"),
    "verificationMethod": lambda d: d["proof"].update(verificationMethod="https://evil.example/k"),
}


@pytest.mark.parametrize("tamper", TAMPERS.values(), ids=TAMPERS.keys())
def test_tampered_credential_fails_in_harbor_and_pynacl(key, signed, tamper):
    forged = copy.deepcopy(signed)
    tamper(forged)
    assert not signing.verify_credential(forged, key.public_key())
    assert not nacl_verify(forged, key.public_key().public_bytes_raw())


def test_other_key_fails(signed):
    other = Ed25519PrivateKey.generate()
    assert not signing.verify_credential(signed, other.public_key())
    assert not nacl_verify(signed, other.public_key().public_bytes_raw())


def test_verification_method_must_match_when_given(key, signed):
    assert not signing.verify_credential(signed, key.public_key(), verification_method="x:y")


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


BAD_INPUTS = {
    "no proof": lambda d: d.pop("proof"),
    "proof not dict": lambda d: d.update(proof="nope"),
    "wrong cryptosuite": lambda d: d["proof"].update(cryptosuite="ecdsa-rdfc-2019"),
    "wrong purpose": lambda d: d["proof"].update(proofPurpose="authentication"),
    "non-base58 proofValue": lambda d: d["proof"].update(proofValue="z0OIl"),
    "proofValue not multibase": lambda d: d["proof"].update(proofValue="abc"),
    "short signature": lambda d: d["proof"].update(proofValue="z3mJ"),
    "undefined term added": lambda d: d.update(comment="not signed but displayed"),
    "undefined type added": lambda d: d["type"].append("MadeUpCredential"),
    "unknown context": lambda d: d["@context"].append("http://169.254.169.254/latest"),
    "context not a list": lambda d: d.update({"@context": 42}),
    "oversized": lambda d: d.update(description="x" * (signing.MAX_VERIFY_BYTES + 1)),
    "deep nesting": lambda d: d.update(description=_nested(5000)),
}


@pytest.mark.parametrize("mutate", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_returns_false_never_raises(key, signed, mutate):
    forged = copy.deepcopy(signed)
    mutate(forged)
    assert signing.verify_credential(forged, key.public_key()) is False


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
PATHS = [
    ("name",),
    ("issuer",),
    ("issuer", "id"),
    ("credentialSubject", "achievement"),
    ("credentialSubject", "type"),
    ("@context",),
    ("proof", "proofValue"),
    ("proof", "created"),
    ("type",),
    ("@graph",),
    ("@id",),
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(PATHS), JSON)
def test_fuzzed_credentials_never_raise_and_verify_only_if_meaning_unchanged(
    key, signed, path, value
):
    forged = copy.deepcopy(signed)
    target = forged
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    if signing.verify_credential(forged, key.public_key()):
        # Only a JSON change with identical RDF (e.g. an empty "@graph") may still verify.
        def strip(d):
            return {k: v for k, v in d.items() if k != "proof"}

        assert forged["proof"] == signed["proof"]
        assert jsonld.canonicalize(strip(forged)) == jsonld.canonicalize(strip(signed))


def test_not_a_mapping_is_false(key):
    assert signing.verify_credential([], key.public_key()) is False  # type: ignore[arg-type]


def test_wrong_key_type_is_a_programming_error(signed):
    with pytest.raises(TypeError):
        signing.verify_credential(signed, "z6Mk...")  # type: ignore[arg-type]


def test_sign_refuses_undefined_terms_and_existing_proof(key, signed):
    with pytest.raises(jsonld.CanonicalizationError):
        signing.sign_credential({**VECTOR_CREDENTIAL, "colour": "blue"}, key, KEY_ID, CREATED)
    with pytest.raises(ValueError):
        signing.sign_credential(signed, key, KEY_ID, CREATED)
    with pytest.raises(ValueError):
        signing.sign_credential(VECTOR_CREDENTIAL, key, KEY_ID, datetime(2026, 1, 1))


# -- the loader ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://www.w3.org/2018/credentials/v1",
        "https://www.w3.org/ns/credentials/v2/",
        "file:///etc/passwd",
    ],
)
def test_loader_refuses_anything_not_bundled(url):
    with pytest.raises(jsonld.ContextNotAllowed):
        jsonld.document_loader(url)


def test_loader_serves_every_bundled_context_from_cache():
    for url in jsonld.CONTEXT_FILES:
        first = jsonld.document_loader(url)
        assert first["documentUrl"] == url and "@context" in first["document"]
        assert jsonld.document_loader(url)["document"] is first["document"]


def _complete_graph(n: int) -> dict:
    nodes = [{"@id": f"_:n{i}", "p": [f"_:n{j}" for j in range(n) if j != i]} for i in range(n)]
    return {"@context": {"p": {"@id": "http://example.org/p", "@type": "@id"}}, "@graph": nodes}


def _ring(n: int) -> dict:
    nodes = [{"@id": f"_:n{i}", "p": [f"_:n{(i + 1) % n}"]} for i in range(n)]
    return {"@context": {"p": {"@id": "http://example.org/p", "@type": "@id"}}, "@graph": nodes}


@pytest.mark.parametrize(
    "doc",
    [_complete_graph(6), _complete_graph(12), _ring(60), _ring(100)],
    ids=["K6", "K12", "ring60", "ring100"],
)
def test_poison_blank_node_graphs_are_refused_quickly(key, doc):
    started = time.perf_counter()
    with pytest.raises(jsonld.CanonicalizationError):
        jsonld.canonicalize(doc)
    forged = {
        **doc,
        "proof": signing.sign_credential(VECTOR_CREDENTIAL, key, KEY_ID, CREATED)["proof"],
    }
    assert signing.verify_credential(forged, key.public_key()) is False
    assert time.perf_counter() - started < 5


# -- VC-JWT ----------------------------------------------------------------------------------
def _unsigned_with_expiry() -> dict:
    doc = copy.deepcopy(VECTOR_CREDENTIAL)
    doc["validFrom"] = "2020-01-01T00:00:00Z"
    doc["validUntil"] = "2099-01-01T00:00:00Z"
    return doc


def test_jwt_round_trip_with_jwcrypto(key):
    unsigned = _unsigned_with_expiry()
    token = signing.sign_jwt(unsigned, key, KEY_ID)
    public = jc_jwk.JWK(**signing.public_jwk(key.public_key()))
    parsed = jc_jwt.JWT(jwt=token, key=public, algs=["EdDSA"])
    claims = json.loads(parsed.claims)
    assert claims["vc"] == unsigned
    assert claims["iss"] == unsigned["issuer"]["id"]
    assert claims["jti"] == unsigned["id"]
    assert claims["nbf"] == int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())
    assert claims["exp"] == int(datetime(2099, 1, 1, tzinfo=UTC).timestamp())
    assert claims["sub"] == unsigned["credentialSubject"]["id"]
    assert json.loads(parsed.header) == {"alg": "EdDSA", "kid": KEY_ID, "typ": "JWT"}
    assert signing.verify_jwt(token, key.public_key()) == claims


def test_jwt_tampered_or_wrong_key_fails_in_both(key):
    token = signing.sign_jwt(_unsigned_with_expiry(), key, KEY_ID)
    header, payload, sig = token.split(".")
    claims = json.loads(pyjwt.utils.base64url_decode(payload))
    claims["vc"]["name"] = "Forged"
    forged_payload = pyjwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    forged = f"{header}.{forged_payload}.{sig}"
    public = jc_jwk.JWK.from_pyca(key.public_key())
    with pytest.raises(jc_jws.InvalidJWSSignature):
        jc_jwt.JWT(jwt=forged, key=public, algs=["EdDSA"])
    with pytest.raises(pyjwt.InvalidTokenError):
        signing.verify_jwt(forged, key.public_key())
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(jc_jws.InvalidJWSSignature):
        jc_jwt.JWT(jwt=token, key=jc_jwk.JWK.from_pyca(other), algs=["EdDSA"])
    with pytest.raises(pyjwt.InvalidTokenError):
        signing.verify_jwt(token, other)


def test_jwt_claims_must_match_the_embedded_credential(key):
    claims = signing.jwt_claims(_unsigned_with_expiry())
    claims["iss"] = "https://evil.example/issuer"
    token = pyjwt.encode(claims, key, algorithm="EdDSA", headers={"kid": KEY_ID})
    with pytest.raises(pyjwt.InvalidTokenError):
        signing.verify_jwt(token, key.public_key())


def test_jwt_expiry_is_checked_unless_asked_not_to(key):
    doc = _unsigned_with_expiry()
    doc["validUntil"] = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    token = signing.sign_jwt(doc, key, KEY_ID)
    with pytest.raises(pyjwt.ExpiredSignatureError):
        signing.verify_jwt(token, key.public_key())
    assert signing.verify_jwt(token, key.public_key(), check_time=False)["vc"] == doc


# -- keys --------------------------------------------------------------------------------------
def test_public_jwk_has_no_private_part_and_matches_the_key(key):
    jwk = signing.public_jwk(key.public_key(), kid=KEY_ID)
    assert set(jwk) == {"kty", "crv", "x", "kid"} and "d" not in jwk
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    imported = jc_jwk.JWK(**jwk)
    assert not imported.has_private
    assert imported.export_to_pem() == jc_jwk.JWK.from_pyca(key.public_key()).export_to_pem()


def test_pem_round_trip_and_key_from_config(tmp_path, key):
    pem = signing.private_key_pem(key)
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    same = signing.load_private_key_pem(pem)
    assert same.private_bytes_raw() == key.private_bytes_raw()
    assert signing.key_from_config(pem.decode()).private_bytes_raw() == key.private_bytes_raw()
    path = tmp_path / "k.pem"
    path.write_bytes(pem)
    assert signing.key_from_config(str(path)).private_bytes_raw() == key.private_bytes_raw()


def test_load_private_key_pem_refuses_other_key_types():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError):
        signing.load_private_key_pem(pem)


def test_load_or_create_key_creates_once_with_mode_0600(tmp_path):
    path = tmp_path / "instance" / "signing_key.pem"
    first = signing.load_or_create_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    second = signing.load_or_create_key(path)
    assert first.private_bytes_raw() == second.private_bytes_raw()
    assert [p.name for p in path.parent.iterdir()] == ["signing_key.pem"]  # no temp left
