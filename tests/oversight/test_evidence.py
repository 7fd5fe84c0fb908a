"""Evidence uploads: the type comes from the bytes, never the name; size and emptiness limited."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.oversight import evidence
from lms.oversight.evidence import EvidenceError, check

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


@pytest.mark.parametrize(
    ("body", "filename", "media_type", "saved_as"),
    [
        (PDF, "certificate.pdf", "application/pdf", "certificate.pdf"),
        (PNG, "scan.png", "image/png", "scan.png"),
        (JPEG, "photo.jpeg", "image/jpeg", "photo.jpg"),
        # The bytes win over a lying or missing extension.
        (PDF, "certificate.png", "application/pdf", "certificate.pdf"),
        (PNG, "noext", "image/png", "noext.png"),
        # Paths and odd characters never reach the download name.
        (PDF, "C:\\Users\\me\\My cert (final).pdf", "application/pdf", "My cert _final.pdf"),
        (PDF, "../../etc/passwd", "application/pdf", "passwd.pdf"),
        (PDF, '"; x=".pdf', "application/pdf", "x.pdf"),
        (PDF, "", "application/pdf", "evidence.pdf"),
    ],
)
def test_accepted_files(body, filename, media_type, saved_as):
    found = check(body, filename)
    assert (found.media_type, found.filename, found.size) == (media_type, saved_as, len(body))
    assert found.sha256 == hashlib.sha256(body).hexdigest()
    assert found.body == body


@pytest.mark.parametrize(
    ("body", "filename", "message"),
    [
        (b"", "empty.pdf", "The file you chose is empty"),
        (b"GIF89a\x01\x00", "image.gif", "Upload a PDF, PNG or JPEG file"),
        (b"<html><script>alert(1)</script>", "certificate.pdf", "Upload a PDF, PNG or JPEG"),
        (b"MZ\x90\x00", "cert.jpg", "Upload a PDF, PNG or JPEG file"),
        (b"PK\x03\x04", "cert.docx", "Upload a PDF, PNG or JPEG file"),
        (b" %PDF-1.7", "leading-space.pdf", "Upload a PDF, PNG or JPEG file"),
        (b"%PDF", "truncated.pdf", "Upload a PDF, PNG or JPEG file"),
        (b"\x89PNG\r\n", "short.png", "Upload a PDF, PNG or JPEG file"),
    ],
)
def test_refused_files(body, filename, message):
    with pytest.raises(EvidenceError, match=message):
        check(body, filename)


def test_size_limit_is_inclusive_and_the_message_names_it():
    limit = 5 * 1024 * 1024
    assert check(PDF + b"0" * (limit - len(PDF)), "a.pdf").size == limit
    with pytest.raises(EvidenceError, match="The file is larger than 5 MB"):
        check(PDF + b"0" * (limit - len(PDF) + 1), "a.pdf")
    with pytest.raises(EvidenceError, match="larger than 512 KB"):
        check(PDF * 20000, "a.pdf", max_bytes=512 * 1024)


@given(st.binary(max_size=64), st.text(max_size=30))
def test_random_bytes_pass_only_with_a_known_signature(body, filename):
    known = any(body.startswith(magic) for magic, _t, _e in evidence.SIGNATURES)
    try:
        found = check(body, filename)
    except EvidenceError:
        assert not known or not body
    else:
        assert known
        assert found.filename.rsplit(".", 1)[-1] in {"pdf", "png", "jpg"}
        assert "/" not in found.filename and '"' not in found.filename
