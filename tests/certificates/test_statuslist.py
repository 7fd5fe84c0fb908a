"""Bitstring Status List: encoding, bit order, limits, entries, list credentials, positions."""

from __future__ import annotations

import base64
import gzip
import random
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.certificates import jsonld, signing, statuslist
from lms.certificates.statuslist import MIN_LIST_BITS

LIST_URL = "https://harbor.example.gov/status/revocation/1"
ISSUER = "https://harbor.example.gov/issuer"


def raw(encoded: str) -> bytes:
    """Decode independently of statuslist: strip 'u', base64url-decode, gunzip."""
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=MIN_LIST_BITS - 1), max_size=200))
def test_encode_decode_round_trip(indexes):
    encoded = statuslist.encode_list(indexes)
    assert encoded.startswith("u") and "=" not in encoded
    assert set(encoded[1:]) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert statuslist.decode_list(encoded) == indexes
    assert len(raw(encoded)) == MIN_LIST_BITS // 8


@settings(max_examples=30, deadline=None)
@given(
    st.sets(st.integers(min_value=0, max_value=MIN_LIST_BITS - 1), min_size=1, max_size=50),
    st.data(),
)
def test_is_set_agrees_with_membership(indexes, data):
    encoded = statuslist.encode_list(indexes)
    member = data.draw(st.sampled_from(sorted(indexes)))
    other = data.draw(st.integers(min_value=0, max_value=MIN_LIST_BITS - 1))
    assert statuslist.is_set(encoded, member)
    assert statuslist.is_set(encoded, other) == (other in indexes)


@pytest.mark.parametrize(
    ("indexes", "first_bytes"),
    [
        ({0}, b"\x80\x00"),  # index 0 is the most significant bit of byte 0
        ({7}, b"\x01\x00"),
        ({8}, b"\x00\x80"),
        ({1, 6, 9, 15}, b"\x42\x41"),
        ({0, 1, 2, 3, 4, 5, 6, 7}, b"\xff\x00"),
    ],
)
def test_bit_order_matches_hand_computed_bytes(indexes, first_bytes):
    bits = raw(statuslist.encode_list(indexes))
    assert bits[:2] == first_bytes
    assert not any(bits[2:])


def test_last_index_is_least_significant_bit_of_last_byte():
    bits = raw(statuslist.encode_list({MIN_LIST_BITS - 1}))
    assert bits[-1] == 0x01 and not any(bits[:-1])


def test_empty_list_compresses_small_and_is_deterministic():
    encoded = statuslist.encode_list(set())
    assert len(encoded) < 200
    assert encoded == statuslist.encode_list(set())


@pytest.mark.parametrize("size", [0, 8, MIN_LIST_BITS - 8, MIN_LIST_BITS + 1])
def test_encode_enforces_minimum_and_byte_multiple(size):
    with pytest.raises(ValueError):
        statuslist.encode_list(set(), size=size)


def test_encode_accepts_larger_lists_and_rejects_out_of_range():
    encoded = statuslist.encode_list({MIN_LIST_BITS + 5}, size=2 * MIN_LIST_BITS)
    assert statuslist.decode_list(encoded) == {MIN_LIST_BITS + 5}
    for bad in (-1, MIN_LIST_BITS):
        with pytest.raises(ValueError):
            statuslist.encode_list({bad})


def _encode_raw(bits: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(bits)).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "encoded",
    [
        _encode_raw(bytes(MIN_LIST_BITS // 8 - 1)),  # one byte short of the minimum
        "z" + _encode_raw(bytes(MIN_LIST_BITS // 8))[1:],  # wrong multibase prefix
        "u!!!!",
        "u" + base64.urlsafe_b64encode(b"not gzip").decode(),
        _encode_raw(bytes(statuslist.MAX_DECODED_BYTES + 1)),  # inflates past the limit
    ],
    ids=["too short", "prefix", "not base64", "not gzip", "bomb"],
)
def test_decode_rejects_malformed_lists(encoded):
    with pytest.raises(ValueError):
        statuslist.decode_list(encoded)


def test_status_entry_shape():
    assert statuslist.status_entry(LIST_URL, 94567, "revocation") == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    with pytest.raises(ValueError):
        statuslist.status_entry(LIST_URL, 1, "refresh")
    with pytest.raises(ValueError):
        statuslist.status_entry(LIST_URL, -1, "suspension")


@pytest.mark.parametrize("purpose", statuslist.PURPOSES)
def test_status_list_credential_is_signable_and_verifies(purpose):
    encoded = statuslist.encode_list({3, 94567})
    valid_from = datetime(2026, 3, 1, 12, 0, 0, 500, tzinfo=UTC)
    doc = statuslist.build_status_list_credential(LIST_URL, ISSUER, purpose, encoded, valid_from)
    assert doc["@context"] == [jsonld.VC_V2]
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert doc["validFrom"] == "2026-03-01T12:00:00Z"
    assert doc["credentialSubject"] == {
        "id": f"{LIST_URL}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encoded,
    }
    key = Ed25519PrivateKey.generate()
    signed = signing.sign_credential(doc, key, f"{ISSUER}/keys/1", valid_from)
    assert signing.verify_credential(signed, key.public_key())
    flipped = statuslist.encode_list({3})
    signed["credentialSubject"]["encodedList"] = flipped
    assert not signing.verify_credential(signed, key.public_key())


# -- random positions --------------------------------------------------------------------------
@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=8, max_value=64), st.data(), st.randoms(use_true_random=False))
def test_pick_free_index_never_returns_a_taken_index(size, data, rand):
    taken = data.draw(st.sets(st.integers(min_value=0, max_value=size - 1), max_size=size - 1))
    index = statuslist.pick_free_index(taken, size, rand)
    assert 0 <= index < size and index not in taken


def test_pick_free_index_is_random_and_spreads_over_the_list():
    rand = random.Random(20260301)
    picks = [statuslist.pick_free_index(set(), MIN_LIST_BITS, rand) for _ in range(200)]
    assert len(set(picks)) > 190  # not sequential, not repeating
    assert picks != sorted(picks)
    assert min(picks) < MIN_LIST_BITS // 4 and max(picks) > 3 * MIN_LIST_BITS // 4


def test_pick_free_index_fills_a_list_then_refuses():
    rand = random.Random(7)
    taken: set[int] = set()
    for _ in range(16):
        taken.add(statuslist.pick_free_index(taken, 16, rand))
    assert taken == set(range(16))
    with pytest.raises(statuslist.StatusListFull):
        statuslist.pick_free_index(taken, 16, rand)


def test_pick_free_index_when_nearly_full_returns_the_last_free_slot():
    taken = set(range(MIN_LIST_BITS)) - {4242}
    assert statuslist.pick_free_index(taken, MIN_LIST_BITS, random.Random(1)) == 4242


def test_short_aliases():
    assert statuslist.encode is statuslist.encode_list
    assert statuslist.decode is statuslist.decode_list
