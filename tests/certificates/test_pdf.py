"""Certificate and transcript PDFs: content, escaping, tagging, fonts and the URL fetcher."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
import segno
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from lms.certificates import pdf
from lms.certificates.document import CertificateDocument, TranscriptDocument, TranscriptRow

NASTY_NAME = 'Zoë Nguyễn-O\'Brien <script>alert("x")</script> & Jürgen Ωμέγα Жуков'
VERIFY_URL = "https://harbor.example.org/verify/7KQ2M9XD4TNRWB3H"
DOC = CertificateDocument(
    learner_name=NASTY_NAME,
    course_title="Safe Harbor Foundations: Recognising & Responding",
    hours=Decimal("1.25"),
    curriculum_version="2026.1",
    issued_on=date(2026, 11, 30),
    expires_on=date(2028, 11, 30),
    serial="HBR-2026-000123",
    verification_code="7KQ2M9XD4TNRWB3H",
    verify_url=VERIFY_URL,
    issuing_body="Example State Council on Youth Exploitation Response",
    state_name="Example State",
    discipline="Law enforcement",
    requirements=("Annual Safe Harbor training for peace officers",),
    score_percent=87,
)


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def squashed(text: str) -> str:
    """Text without whitespace, since a long URL may wrap at any point."""
    return "".join(text.split())


def struct_types(node: object, found: set[str] | None = None) -> set[str]:
    """Collect the structure types (/S) of a tagged PDF's structure tree."""
    found = set() if found is None else found
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, pypdf.generic.ArrayObject):
        for child in node:
            struct_types(child, found)
    elif isinstance(node, pypdf.generic.DictionaryObject):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            struct_types(node["/K"], found)
    return found


def alt_texts(node: object, found: list[str] | None = None) -> list[str]:
    """Collect the /Alt texts of a structure tree."""
    found = [] if found is None else found
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, pypdf.generic.ArrayObject):
        for child in node:
            alt_texts(child, found)
    elif isinstance(node, pypdf.generic.DictionaryObject):
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        if "/K" in node:
            alt_texts(node["/K"], found)
    return found


def base_fonts(page: pypdf.PageObject) -> set[str]:
    fonts = page["/Resources"]["/Font"]
    return {str(fonts[key].get_object()["/BaseFont"]).split("+", 1)[-1] for key in fonts}


@pytest.fixture(scope="module")
def certificate_pdf() -> bytes:
    return pdf.render_certificate(DOC)


@pytest.fixture(scope="module")
def certificate(certificate_pdf) -> pypdf.PdfReader:
    return reader(certificate_pdf)


def test_certificate_is_one_page_a4_landscape(certificate):
    assert len(certificate.pages) == 1
    box = certificate.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_certificate_prints_every_fact(certificate):
    text = certificate.pages[0].extract_text()
    for fact in (
        NASTY_NAME,
        DOC.course_title,
        "HBR-2026-000123",
        "7KQ2-M9XD-4TNR-WB3H",
        "30 November 2026",
        "30 November 2028",
        "1.25 hours",
        "Law enforcement",
        "87%",
        "2026.1",
        "Annual Safe Harbor training for peace officers",
        DOC.issuing_body,
    ):
        assert squashed(fact).lower() in squashed(text).lower(), fact
    assert squashed(VERIFY_URL) in squashed(text)


def test_the_verify_url_is_a_real_link(certificate):
    uris = {annot.get_object()["/A"]["/URI"] for annot in certificate.pages[0]["/Annots"]}
    assert uris == {VERIFY_URL}


def test_a_certificate_without_expiry_or_seal_says_so():
    doc = replace(DOC, expires_on=None, score_percent=None, discipline=None, requirements=())
    text = reader(pdf.render_certificate(doc, seal_path=None)).pages[0].extract_text()
    assert "Does not expire" in text
    assert "score" not in text.lower()


def test_html_special_characters_are_escaped_not_interpreted():
    html = pdf.certificate_html(DOC)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Jürgen" in html
    assert "Nguyễn-O&#39;Brien" in html
    assert "Recognising &amp; Responding" in html


def test_certificate_is_a_tagged_accessible_pdf(certificate):
    root = certificate.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    types = struct_types(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/P", "/Figure"} <= types
    alts = alt_texts(root["/StructTreeRoot"])
    assert any(VERIFY_URL in alt and "QR code" in alt for alt in alts)
    assert any(alt.startswith("Seal of ") for alt in alts)


def test_certificate_metadata(certificate):
    meta = certificate.metadata
    assert meta.title == DOC.title
    assert meta.author == DOC.issuing_body
    assert meta["/CreationDate"] == "D:20261130"


def test_only_the_bundled_fonts_are_embedded(certificate):
    # "Harbor Serif" exists only through the @font-face rules over static/fonts/, so any
    # other name would be a system font picked as a fallback.
    fonts = base_fonts(certificate.pages[0])
    assert fonts <= {"Harbor-Serif", "Harbor-Serif-Italic", "Harbor-Serif-Semi-Bold"}
    assert "Harbor-Serif" in fonts
    for ttf in ("SourceSerif4-Regular.ttf", "SourceSerif4-Italic.ttf", "SourceSerif4-SemiBold.ttf"):
        assert (pdf.STATIC_DIR / "fonts" / ttf).is_file()
    assert (pdf.STATIC_DIR / "fonts" / "OFL.txt").is_file()


def test_the_qr_code_encodes_the_verify_url(certificate):
    # No QR decoder is installed, so compare module by module with segno's own encoding.
    images = [image.image for image in certificate.pages[0].images]
    expected = segno.make(VERIFY_URL, error="m", micro=False)
    side = expected.symbol_size(scale=1, border=4)[0]
    qr = [img for img in images if img.size == (side, side)]
    assert len(qr) == 1
    pixels = qr[0].convert("L")
    for y, row in enumerate(expected.matrix):
        for x, dark in enumerate(row):
            assert (pixels.getpixel((x + 4, y + 4)) < 128) == bool(dark), (x, y)


def test_rendering_is_deterministic(certificate_pdf):
    assert pdf.render_certificate(DOC) == certificate_pdf


def test_a_very_long_name_and_title_still_fit_one_page():
    doc = replace(
        DOC,
        learner_name="Maximiliana Alejandra Guadalupe de los Ángeles " * 3,
        course_title="A very long course title " * 10,
        requirements=tuple(f"Requirement {i} with a long statutory name" for i in range(10)),
        status_note="Reissued to correct the learner's name.",
    )
    assert len(reader(pdf.render_certificate(doc)).pages) == 1


@pytest.mark.parametrize("seal", ["../pyproject.toml", "img/../../pyproject.toml", "/etc/passwd"])
def test_a_seal_outside_static_is_refused(seal):
    with pytest.raises(pdf.ResourceRefused):
        pdf.render_certificate(DOC, seal_path=seal)


# --- the URL fetcher ---


def test_fetcher_serves_the_stylesheet_under_static():
    url = (pdf.STATIC_DIR / "css" / "certificate.css").as_uri()
    response = pdf.fetch_resource(url)
    assert response.content_type == "text/css"
    assert b"@font-face" in response.read()


def test_fetcher_serves_the_qr_png_data_uri():
    response = pdf.fetch_resource(pdf.qr_data_uri(VERIFY_URL))
    assert response.content_type == "image/png"
    assert response.read().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/font.ttf",
        "ftp://example.org/x",
        "file:///etc/passwd",
        "file://evil.example/" + str(pdf.STATIC_DIR / "css" / "certificate.css"),
        pdf.STATIC_DIR.as_uri() + "/../pyproject.toml",
        pdf.STATIC_DIR.as_uri() + "/css/%2e%2e/%2e%2e/pyproject.toml",
        pdf.STATIC_DIR.as_uri() + "/css/certificate.css?x=1",
        pdf.STATIC_DIR.as_uri() + "/css",
        pdf.STATIC_DIR.as_uri() + "/missing.css",
        "data:text/html,<script>alert(1)</script>",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "data:image/png;base64,bm90IGEgcG5n",
        "data:image/png;base64," + "A" * (pdf.MAX_DATA_URI_BYTES + 4),
        "css/certificate.css",
    ],
)
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(pdf.ResourceRefused):
        pdf.fetch_resource(url)


def test_fetcher_refuses_a_symlink_out_of_static(tmp_path, monkeypatch):
    (tmp_path / "static").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "static" / "link.txt").symlink_to(tmp_path / "secret.txt")
    monkeypatch.setattr(pdf, "STATIC_DIR", (tmp_path / "static").resolve())
    with pytest.raises(pdf.ResourceRefused):
        pdf.fetch_resource((tmp_path / "static" / "link.txt").as_uri())


@pytest.mark.parametrize(
    "html",
    [
        '<img src="http://169.254.169.254/latest/meta-data/" alt="">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
        "<style>@import url(https://example.org/x.css);</style><p>x</p>",
    ],
)
def test_weasyprint_with_the_fetcher_stops_on_a_forbidden_url(html):
    with pytest.raises(FatalURLFetchingError):
        HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.FETCHER).write_pdf()


# --- transcripts ---


def transcript(rows: int) -> TranscriptDocument:
    return TranscriptDocument(
        learner_name=NASTY_NAME,
        issuing_body="Example State Council on Youth Exploitation Response",
        agency_name="Metro Police & Sheriff",
        generated_on=date(2026, 12, 1),
        rows=tuple(
            TranscriptRow(
                course_title=f"Course number {i}",
                serial=f"HBR-2026-{i + 1:06d}",
                issued_on=date(2026, 1 + i % 12, 1 + i % 28),
                expires_on=None if i % 2 else date(2028, 1, 1),
                hours=Decimal("1.5"),
                status="Revoked" if i == 3 else "Valid",
            )
            for i in range(rows)
        ),
        total_hours=Decimal("1.5") * max(rows - 1, 0),
    )


def test_an_empty_transcript_says_so():
    document = reader(pdf.render_transcript(transcript(0)))
    assert len(document.pages) == 1
    text = document.pages[0].extract_text()
    assert "No certificates have been issued" in text
    assert "Total hours counted: 0 hours" in text


def test_a_long_transcript_lists_every_row_over_several_pages():
    document = reader(pdf.render_transcript(transcript(40)))
    assert len(document.pages) > 1
    box = document.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = squashed("".join(page.extract_text() for page in document.pages))
    for i in range(40):
        assert f"HBR-2026-{i + 1:06d}" in text
    assert "Totalhourscounted:58.5hours" in text
    assert squashed(NASTY_NAME) in text
    assert f"Pageof{len(document.pages)}".lower() not in text.lower()  # counters resolved
    assert f"Page1of{len(document.pages)}" in text
    root = document.trailer["/Root"]
    assert root["/Lang"] == "en" and "/StructTreeRoot" in root
    assert {"/Table", "/TH", "/TD", "/H1"} <= struct_types(root["/StructTreeRoot"])
    assert document.metadata.title == f"Training transcript: {NASTY_NAME}"
    for page in document.pages:
        assert base_fonts(page) <= {"Harbor-Serif", "Harbor-Serif-Italic", "Harbor-Serif-Semi-Bold"}


# --- start-up checks ---


def test_harfbuzz_subset_check_agrees_with_weasyprint():
    from weasyprint.text import ffi

    assert pdf.harfbuzz_subset_available() is (ffi.harfbuzz_subset is not None)


def test_warm_up_renders_once():
    assert pdf.warm_up() > 0


def test_templates_and_stylesheet_name_no_external_url():
    files = [
        pdf.STATIC_DIR / "css" / "certificate.css",
        pdf.STATIC_DIR / "img" / "seal.svg",
        *Path(pdf.TEMPLATES_DIR).glob("*.html"),
    ]
    for path in files:
        text = path.read_text()
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", ""), path
        assert "https://" not in text, path
