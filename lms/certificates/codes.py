"""Certificate identifiers (pure): readable serials and verification codes.

The serial (``HBR-2026-000123``) is for people: it is printed, sorted and quoted on the phone.
It is guessable, so it never grants anything. The verification code is what the public verify
page accepts: 80 random bits written as 16 Crockford base32 characters in four groups
(``7KQ2-M9XD-4TNR-WB3H``). Crockford's alphabet has no I, L, O or U, and a reader who types
``O`` for ``0`` or ``l`` for ``1`` is forgiven, so a code read aloud or retyped from paper works.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_BITS = 80
CODE_LENGTH = CODE_BITS // 5  # 16 characters
GROUP = 4
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")
_SERIAL = re.compile(r"^HBR-(\d{4})-(\d{6,})$")


def encode_code(random_bytes: bytes) -> str:
    """Turn 10 random bytes (80 bits) into a 16-character Crockford base32 code."""
    if len(random_bytes) * 8 != CODE_BITS:
        raise ValueError(f"a verification code needs exactly {CODE_BITS // 8} random bytes")
    number = int.from_bytes(random_bytes, "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def normalise_code(text: str) -> str | None:
    """Return the canonical form of a typed code, or None if it cannot be one.

    Case, spaces and dashes are ignored, and O/I/L read as 0/1/1. Anything else that is not
    in the alphabet, or the wrong length, is not a code.
    """
    if not isinstance(text, str) or len(text) > 64:
        return None
    compact = _SEPARATORS.sub("", text).upper().translate(_CONFUSABLE)
    if len(compact) != CODE_LENGTH or any(c not in ALPHABET for c in compact):
        return None
    return compact


def display_code(code: str) -> str:
    """Return a canonical code in groups of four, as printed: ``7KQ2-M9XD-4TNR-WB3H``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def make_serial(year: int, sequence: int) -> str:
    """Return the serial for the ``sequence``-th certificate, issued in ``year``."""
    if sequence < 1:
        raise ValueError("certificate sequence numbers start at 1")
    return f"HBR-{year:04d}-{sequence:06d}"


def parse_serial(text: str) -> str | None:
    """Return a well-formed serial (upper-cased, trimmed), or None."""
    if not isinstance(text, str):
        return None
    candidate = text.strip().upper()
    return candidate if _SERIAL.match(candidate) else None
