"""Checking uploaded evidence of external training (pure: bytes in, a verdict out).

The type is sniffed from the file's first bytes: the client's content type and the file's
extension are never trusted, because both are whatever the sender typed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

#: Default upper limit on an evidence file (config ``CREDIT_MAX_BYTES``).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

#: Magic bytes -> (media type, extension). Checked in order.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)

TYPE_MESSAGE = "Upload a PDF, PNG or JPEG file. The file you chose is not one of these."
EMPTY_MESSAGE = "The file you chose is empty. Upload a PDF, PNG or JPEG file."


class EvidenceError(ValueError):
    """The upload cannot be accepted; the message says why, in words for the learner."""


@dataclass(frozen=True)
class Evidence:
    filename: str
    media_type: str
    size: int
    sha256: str
    body: bytes


def sniff(body: bytes) -> str | None:
    """Return the media type the bytes announce, or None if not an accepted type."""
    for magic, media_type, _ext in SIGNATURES:
        if body.startswith(magic):
            return media_type
    return None


def size_message(max_bytes: int) -> str:
    """Return the message for a file over ``max_bytes``."""
    limit = _megabytes(max_bytes)
    return f"The file is larger than {limit}. Upload a PDF, PNG or JPEG file of {limit} or less."


def check(body: bytes, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Evidence:
    """Return the accepted evidence, or raise :class:`EvidenceError` with a clear message."""
    if not body:
        raise EvidenceError(EMPTY_MESSAGE)
    if len(body) > max_bytes:
        raise EvidenceError(size_message(max_bytes))
    media_type = sniff(body)
    if media_type is None:
        raise EvidenceError(TYPE_MESSAGE)
    return Evidence(
        clean_filename(filename, media_type),
        media_type,
        len(body),
        hashlib.sha256(body).hexdigest(),
        body,
    )


def clean_filename(filename: str, media_type: str) -> str:
    """Return a safe download name: plain characters, with the extension the bytes earn."""
    ext = next(e for _m, t, e in SIGNATURES if t == media_type)
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", stem).strip(" ._")[:100] or "evidence"
    return f"{stem}.{ext}"


def _megabytes(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{n // 1024} KB"
