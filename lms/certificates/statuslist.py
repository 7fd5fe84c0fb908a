"""W3C Bitstring Status List v1.0, pure: encode/decode, entries, list credentials, positions.

Bit ``i`` of a list is bit ``7 - i % 8`` of byte ``i // 8`` (index 0 is the most significant
bit of the first byte). ``encodedList`` is ``"u"`` + base64url (no padding) of the GZIP of
the bitstring. Lists hold at least 131,072 entries (16 KB) for herd privacy, and positions
are drawn at random, as the specification recommends. Harbor keeps two lists per number,
one per purpose: ``revocation`` (final) and ``suspension`` (reversible).
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from lms.certificates.jsonld import VC_V2, xsd_datetime

MIN_LIST_BITS = 131_072
PURPOSES = ("revocation", "suspension")
#: Refuse to inflate more than this when decoding (a GZIP bomb guard): 16 Mbit.
MAX_DECODED_BYTES = 2 * 1024 * 1024


class StatusListFull(Exception):
    """Every position of the status list is taken."""


class _Random(Protocol):
    def randrange(self, stop: int) -> int: ...

    def choice(self, seq: Any) -> Any: ...


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"status purpose must be one of {PURPOSES}, not {purpose!r}")


def encode_list(set_indexes: Iterable[int], size: int = MIN_LIST_BITS) -> str:
    """Return the ``encodedList`` of a list of ``size`` bits with ``set_indexes`` set."""
    if size < MIN_LIST_BITS or size % 8:
        raise ValueError(f"a status list has a multiple of 8 and >= {MIN_LIST_BITS} bits")
    bits = bytearray(size // 8)
    for index in set_indexes:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} outside 0..{size - 1}")
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


encode = encode_list  #: short alias


def decode_bits(encoded: str) -> bytes:
    """Return the raw bitstring of an ``encodedList``; raise ValueError if malformed/short."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u' prefix)")
    body = encoded[1:]
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        bits = inflater.decompress(packed, MAX_DECODED_BYTES)
    except (ValueError, zlib.error) as exc:
        raise ValueError(f"encodedList is not base64url GZIP: {exc}") from exc
    if inflater.unconsumed_tail:
        raise ValueError("encodedList inflates beyond the size limit")
    if len(bits) * 8 < MIN_LIST_BITS:
        raise ValueError(f"a status list must have at least {MIN_LIST_BITS} entries")
    return bits


def decode_list(encoded: str) -> set[int]:
    """Return the set of indexes whose bit is set in ``encoded``."""
    bits = decode_bits(encoded)
    found = set()
    for byte_no, byte in enumerate(bits):
        if byte:
            base = byte_no * 8
            found.update(base + i for i in range(8) if byte & (0x80 >> i))
    return found


decode = decode_list  #: short alias


def is_set(encoded: str, index: int) -> bool:
    """Return whether bit ``index`` is set; raise ValueError if it is out of range."""
    bits = decode_bits(encoded)
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"status index {index} outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_entry(list_url: str, index: int, purpose: str) -> dict[str, str]:
    """Return the ``BitstringStatusListEntry`` a credential carries for one list."""
    _check_purpose(purpose)
    if index < 0:
        raise ValueError("status index must be >= 0")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_status_list_credential(
    list_url: str,
    issuer_id: str,
    purpose: str,
    encoded: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """Return the unsigned ``BitstringStatusListCredential`` (sign it like any credential)."""
    _check_purpose(purpose)
    doc: dict[str, Any] = {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": xsd_datetime(valid_from),
    }
    if valid_until is not None:
        doc["validUntil"] = xsd_datetime(valid_until)
    doc["credentialSubject"] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encoded,
    }
    return doc


def pick_free_index(taken: set[int], size: int, rand: _Random) -> int:
    """Return a random position in ``0..size-1`` not in ``taken``; raise StatusListFull.

    Draws at random while the list is at most half full, then picks among the free ones.
    """
    used = sum(1 for i in taken if 0 <= i < size)
    if used >= size:
        raise StatusListFull(f"all {size} positions of the status list are taken")
    if used <= size // 2:
        while True:
            index = rand.randrange(size)
            if index not in taken:
                return index
    return rand.choice([i for i in range(size) if i not in taken])
