"""Ed25519 keys, the ``eddsa-rdfc-2022`` Data Integrity proof and the VC-JWT (EdDSA) form.

* Keys: generate, PEM in and out, ``load_or_create_key`` for first-run generation (file
  mode 0600, written atomically, never clobbered), Multikey (``z6Mk…``) and JWK (no ``d``).
* Data Integrity (W3C vc-di-eddsa, RDFC-1.0): ``proofValue`` = ``"z"`` + base58btc of the
  Ed25519 signature over SHA-256(canonical proof config) || SHA-256(canonical document).
* VC-JWT per the OB 3.0 profile: header ``alg``/``typ``/``kid`` only; claims ``vc``, ``iss``,
  ``jti``, ``nbf``, ``exp`` (if ``validUntil``) and ``sub`` (if the subject has an ``id``).

``verify_credential`` never raises for bad input: it returns False.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import json
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lms.certificates import jsonld

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
PROOF_PURPOSE = "assertionMethod"
#: Multicodec prefix of an Ed25519 public key (varint 0xed).
ED25519_PUB_PREFIX = b"\xed\x01"
#: Largest credential (compact JSON, bytes) that verification will canonicalize.
MAX_VERIFY_BYTES = 64 * 1024

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}


# -- base58btc / multibase ----------------------------------------------------------------
def b58encode(data: bytes) -> str:
    """Encode bytes as base58 (Bitcoin alphabet), keeping leading zero bytes as ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(_B58[rem])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Decode base58 (Bitcoin alphabet); raise ValueError on a character outside it."""
    n = 0
    for ch in text:
        try:
            n = n * 58 + _B58_INDEX[ch]
        except KeyError:
            raise ValueError(f"not a base58 character: {ch!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def multibase_b58(data: bytes) -> str:
    """Multibase base58btc: ``"z"`` + base58(data)."""
    return "z" + b58encode(data)


def multibase_b58_decode(text: str) -> bytes:
    """Inverse of :func:`multibase_b58`; raise ValueError if the prefix is not ``z``."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("expected a multibase base58btc value starting with 'z'")
    return b58decode(text[1:])


# -- keys ----------------------------------------------------------------------------------
def generate_key() -> Ed25519PrivateKey:
    """Return a new random Ed25519 private key."""
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    """Return the key as unencrypted PKCS#8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_key_pem(data: bytes | str) -> Ed25519PrivateKey:
    """Parse an unencrypted PEM private key; raise ValueError unless it is Ed25519."""
    if isinstance(data, str):
        data = data.encode("ascii")
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the signing key must be an Ed25519 private key")
    return key


def key_from_config(value: str | bytes | os.PathLike[str]) -> Ed25519PrivateKey:
    """Return the key from a config value: PEM text, or the path of a PEM file."""
    if isinstance(value, bytes):
        value = value.decode("ascii")
    if isinstance(value, str) and value.lstrip().startswith("-----BEGIN"):
        return load_private_key_pem(value.strip().encode("ascii") + b"\n")
    return load_private_key_pem(Path(value).expanduser().read_bytes())


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """Load the PEM key at ``path``, or generate one there (mode 0600) if it is missing.

    The new file is written to a temporary name and linked into place, so a reader never
    sees a partial key and two processes racing on first run end up with the same key.
    """
    path = Path(path)
    if path.exists():
        return load_private_key_pem(path.read_bytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(private_key_pem(generate_key()))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process got there first
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return load_private_key_pem(path.read_bytes())


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_multibase(public_key: Ed25519PublicKey) -> str:
    """Return the Multikey ``publicKeyMultibase``: ``"z"`` + base58btc(0xed01 || key)."""
    return multibase_b58(ED25519_PUB_PREFIX + _raw_public(public_key))


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """Parse a ``z6Mk…`` Multikey value back to a public key; raise ValueError if invalid."""
    raw = multibase_b58_decode(value)
    if len(raw) != 34 or not raw.startswith(ED25519_PUB_PREFIX):
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_jwk(public_key: Ed25519PublicKey, kid: str | None = None) -> dict[str, str]:
    """Return the public key as an OKP/Ed25519 JWK (never contains ``d``)."""
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64url(_raw_public(public_key))}
    if kid:
        jwk["kid"] = kid
    return jwk


# -- Data Integrity proof -------------------------------------------------------------------
def proof_options(verification_method: str, created: datetime) -> dict[str, str]:
    """Return the proof options (the proof without ``proofValue``)."""
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": jsonld.xsd_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }


def hash_data(document: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
    """Return SHA-256(canonical proof config) || SHA-256(canonical document) (64 bytes).

    The proof config is ``options`` with the document's ``@context``.
    """
    config = {"@context": document["@context"], **options}
    config_hash = hashlib.sha256(jsonld.canonicalize(config).encode("utf-8")).digest()
    doc_hash = hashlib.sha256(jsonld.canonicalize(document).encode("utf-8")).digest()
    return config_hash + doc_hash


def sign_credential(
    unsigned: Mapping[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
) -> dict[str, Any]:
    """Return a copy of ``unsigned`` with an ``eddsa-rdfc-2022`` DataIntegrityProof."""
    if "proof" in unsigned:
        raise ValueError("the document already has a proof")
    if "@context" not in unsigned:
        raise ValueError("the document has no @context")
    options = proof_options(verification_method, created)
    signature = key.sign(hash_data(unsigned, options))
    signed = copy.deepcopy(dict(unsigned))
    signed["proof"] = {**options, "proofValue": multibase_b58(signature)}
    return signed


def _verify_one(document: dict[str, Any], proof: Any, public_key: Ed25519PublicKey) -> bool:
    if not isinstance(proof, dict):
        return False
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        return False
    if "@context" in proof and proof["@context"] != document["@context"]:
        return False
    signature = multibase_b58_decode(proof.get("proofValue"))
    if len(signature) != 64:
        return False
    options = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
    try:
        public_key.verify(signature, hash_data(document, options))
    except InvalidSignature:
        return False
    return True


def verify_credential(
    signed: Mapping[str, Any],
    public_key: Ed25519PublicKey,
    *,
    verification_method: str | None = None,
) -> bool:
    """Return True if ``signed`` carries a valid ``eddsa-rdfc-2022`` proof by ``public_key``.

    Bad, tampered, oversized or undefined-term input gives False, never an exception. With
    ``verification_method``, the proof must also name that key.
    """
    if not isinstance(public_key, Ed25519PublicKey):
        raise TypeError("public_key must be an Ed25519PublicKey")
    try:
        if not isinstance(signed, Mapping) or "@context" not in signed:
            return False
        size = len(json.dumps(signed, separators=(",", ":"), ensure_ascii=False).encode())
        if size > MAX_VERIFY_BYTES:
            return False
        proofs = signed.get("proof")
        proofs = proofs if isinstance(proofs, list) else [proofs]
        document = {k: v for k, v in signed.items() if k != "proof"}
        for proof in proofs:
            if verification_method is not None and (
                not isinstance(proof, dict)
                or proof.get("verificationMethod") != verification_method
            ):
                continue
            if _verify_one(document, proof, public_key):
                return True
        return False
    except (ValueError, TypeError, LookupError, AttributeError, RecursionError):
        # Malformed input surfaces as these (CanonicalizationError is a ValueError,
        # ContextNotAllowed a LookupError); all of them mean "not verified".
        return False


# -- VC-JWT ----------------------------------------------------------------------------------
def _epoch(value: str) -> int:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"date-time without a time zone: {value!r}")
    return int(moment.timestamp())


def jwt_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """Return the OB 3.0 VC-JWT claims for an unsigned credential."""
    vc = {k: v for k, v in credential.items() if k != "proof"}
    issuer = vc["issuer"]
    claims: dict[str, Any] = {
        "vc": vc,
        "iss": issuer["id"] if isinstance(issuer, Mapping) else issuer,
        "jti": vc["id"],
        "nbf": _epoch(vc["validFrom"]),
    }
    if vc.get("validUntil"):
        claims["exp"] = _epoch(vc["validUntil"])
    subject = vc.get("credentialSubject")
    if isinstance(subject, Mapping) and subject.get("id"):
        claims["sub"] = subject["id"]
    return claims


def sign_jwt(credential: Mapping[str, Any], key: Ed25519PrivateKey, kid: str) -> str:
    """Return the credential as a compact VC-JWT signed with EdDSA (Ed25519)."""
    return jwt.encode(
        jwt_claims(credential), key, algorithm="EdDSA", headers={"kid": kid, "typ": "JWT"}
    )


def verify_jwt(
    token: str, public_key: Ed25519PublicKey, *, check_time: bool = True
) -> dict[str, Any]:
    """Verify a VC-JWT and return its claims; raise ``jwt.InvalidTokenError`` if invalid.

    ``check_time=False`` skips ``nbf``/``exp`` (to tell "expired" from "forged").
    """
    claims = jwt.decode(
        token,
        public_key,
        algorithms=["EdDSA"],
        options={
            "require": ["iss", "jti", "nbf", "vc"],
            "verify_exp": check_time,
            "verify_nbf": check_time,
        },
    )
    try:
        expected = jwt_claims(claims["vc"])
    except (TypeError, ValueError, LookupError, AttributeError) as exc:
        raise jwt.InvalidTokenError("the vc claim is not a usable credential") from exc
    if any(claims.get(k) != v for k, v in expected.items() if k != "vc"):
        raise jwt.InvalidTokenError("JWT claims do not match the embedded credential")
    return claims
