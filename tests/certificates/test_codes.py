"""Certificate serials and verification codes."""

from __future__ import annotations

import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.certificates import codes


@given(st.binary(min_size=10, max_size=10))
def test_code_round_trips_through_display_and_typing(raw):
    code = codes.encode_code(raw)
    assert len(code) == 16 and set(code) <= set(codes.ALPHABET)
    shown = codes.display_code(code)
    assert shown.count("-") == 3
    assert codes.normalise_code(shown) == code
    assert codes.normalise_code(shown.lower().replace("-", " ")) == code


def test_code_is_80_bits_and_distinct_bytes_give_distinct_codes():
    assert codes.CODE_BITS == 80
    assert codes.encode_code(b"\x00" * 10) == "0" * 16
    assert codes.encode_code(b"\xff" * 10) == "Z" * 16
    samples = {codes.encode_code(secrets.token_bytes(10)) for _ in range(2000)}
    assert len(samples) == 2000


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7KQ2-M9XD-4TNR-WB3H", "7KQ2M9XD4TNRWB3H"),
        ("7kq2 m9xd 4tnr wb3h", "7KQ2M9XD4TNRWB3H"),
        ("  7KQ2M9XD4TNRWB3H  ", "7KQ2M9XD4TNRWB3H"),
        ("OOOO-IIII-LLLL-0000", "0000111111110000"),  # read-aloud confusables forgiven
        ("7KQ2-M9XD-4TNR-WB3", None),  # too short
        ("7KQ2-M9XD-4TNR-WB3HX", None),  # too long
        ("7KQ2-M9XD-4TNR-WB3U", None),  # U is not in Crockford's alphabet
        ("7KQ2-M9XD-4TNR-WB3!", None),
        ("", None),
        ("../../etc/passwd", None),
        ("x" * 5000, None),
        ("٧KQ2-M9XD-4TNR-WB3H", None),  # a non-ASCII digit
    ],
)
def test_normalise_code(typed, expected):
    assert codes.normalise_code(typed) == expected


def test_encode_code_refuses_the_wrong_amount_of_randomness():
    with pytest.raises(ValueError):
        codes.encode_code(b"\x01" * 9)


@pytest.mark.parametrize(
    ("year", "sequence", "serial"),
    [
        (2026, 1, "HBR-2026-000001"),
        (2026, 123, "HBR-2026-000123"),
        (2027, 1234567, "HBR-2027-1234567"),
    ],
)
def test_serials(year, sequence, serial):
    assert codes.make_serial(year, sequence) == serial
    assert codes.parse_serial(serial.lower()) == serial


@pytest.mark.parametrize(
    "text", ["HBR-26-000001", "HBR-2026-12", "ABC-2026-000001", "", "HBR-2026-000001/x"]
)
def test_malformed_serials(text):
    assert codes.parse_serial(text) is None


def test_sequence_starts_at_one():
    with pytest.raises(ValueError):
        codes.make_serial(2026, 0)
