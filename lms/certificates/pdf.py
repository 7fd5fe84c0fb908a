"""Certificate and transcript PDFs: the only module that calls WeasyPrint.

The templates (``lms/templates/certificates/pdf/``) get a document of primitives from
:mod:`lms.certificates.document` and nothing else; they are rendered by a Jinja2 environment
of this module's own (autoescape on), so bulk issuance from the CLI needs no Flask request.

WeasyPrint fetches through :class:`StaticFetcher`: files under the repository's ``static/``
directory and PNG ``data:`` URIs (the QR code), nothing else. No network, no ``file:`` outside
``static/``, no ``..`` escapes; a refused fetch stops the render instead of printing a
certificate with a hole in it. The fonts are bundled in ``static/fonts/``.

Speed (see ``bench/pdf.py``): one shared :class:`FontConfiguration` and one parsed stylesheet
per process, a QR code as a small PNG (a PDF of hundreds of SVG squares is five times slower),
and ``libharfbuzz-subset`` for font subsetting (without it fontTools subsets, about 15 times
slower). Renders are serialised by a lock: WeasyPrint's shared font map is not thread-safe.
"""

from __future__ import annotations

import base64
import binascii
import ctypes
import logging
import mimetypes
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import segno
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from lms.certificates.document import CertificateDocument, TranscriptDocument

LOG = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
STATIC_DIR = (ROOT / "static").resolve()
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "certificates" / "pdf"
BASE_URL = STATIC_DIR.as_uri() + "/"
STYLESHEET = "css/certificate.css"
SEAL = "img/seal.svg"
PDF_VARIANT = "pdf/ua-1"  # tagged: StructTreeRoot, MarkInfo, /Lang; about +15 ms
MAX_DATA_URI_BYTES = 64 * 1024
_PNG_DATA_PREFIX = "data:image/png;base64,"
_HARFBUZZ_SUBSET = (
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
)

FONT_CONFIG = FontConfiguration()
_RENDER_LOCK = threading.Lock()
_stylesheet: CSS | None = None
#: Certificate templates first, then the app's (other printed documents, such as the annual
#: report, name theirs from lms/templates).
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader([TEMPLATES_DIR, TEMPLATES_DIR.parent.parent]),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    auto_reload=False,
)


class ResourceRefused(ValueError):
    """A URL the certificate renderer will not fetch."""


def static_path(url: str) -> Path:
    """Return the file under ``static/`` that a ``file:`` URL names, or raise ResourceRefused.

    The path is resolved (symlinks included) before it is checked, so ``..`` segments, encoded
    or not, cannot leave ``static/``. Queries, fragments and remote hosts are refused.
    """
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ResourceRefused(f"only files under static/ may be fetched, not {url[:80]!r}")
    if parts.query or parts.fragment:
        raise ResourceRefused(f"a static URL has no query or fragment: {url[:80]!r}")
    raw = unquote(parts.path)
    if "\x00" in raw or ".." in Path(raw).parts:
        raise ResourceRefused(f"path escapes are refused: {url[:80]!r}")
    path = Path(raw).resolve()
    if not path.is_relative_to(STATIC_DIR) or not path.is_file():
        raise ResourceRefused(f"not a file under static/: {url[:80]!r}")
    return path


def _png_data(url: str) -> bytes:
    if not url.startswith(_PNG_DATA_PREFIX) or len(url) > MAX_DATA_URI_BYTES:
        raise ResourceRefused("only small base64 PNG data URIs (the QR code) are allowed")
    try:
        data = base64.b64decode(url[len(_PNG_DATA_PREFIX) :], validate=True)
    except binascii.Error as error:
        raise ResourceRefused("malformed PNG data URI") from error
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ResourceRefused("the data URI is not a PNG")
    return data


class StaticFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves ``static/`` and the QR data URI, and refuses the rest.

    ``fail_on_errors`` makes a refusal fatal, so a template or stylesheet that reaches for
    anything else fails loudly in tests rather than quietly dropping an image or a font.
    """

    def __init__(self) -> None:
        super().__init__(
            allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True
        )

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """Return the resource at ``url`` or raise ResourceRefused."""
        if url.startswith("data:"):
            return URLFetcherResponse(url, _png_data(url), {"Content-Type": "image/png"})
        path = static_path(url)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})


FETCHER = StaticFetcher()


def fetch_resource(url: str) -> URLFetcherResponse:
    """Fetch ``url`` exactly as the renderer would (raises ResourceRefused when refused)."""
    return FETCHER.fetch(url)


def _static_url(relative: str) -> str:
    """Return the ``file:`` URL of a file under static/, refusing anything outside it."""
    return static_path((STATIC_DIR / relative).as_uri()).as_uri()


def qr_data_uri(url: str) -> str:
    """Return a QR code for ``url`` as a PNG data URI, one pixel per module, quiet zone included."""
    return segno.make(url, error="m", micro=False).png_data_uri(scale=1, border=4)


def certificate_html(doc: CertificateDocument, *, seal_path: str | None = SEAL) -> str:
    """Render the certificate's HTML (autoescaped), for the PDF and for golden-file tests."""
    seal_src = None if seal_path is None else _static_url(seal_path)
    template = _templates.get_template("certificate.html")
    return template.render(doc=doc, qr_src=qr_data_uri(doc.verify_url), seal_src=seal_src)


def transcript_html(doc: TranscriptDocument) -> str:
    """Render the transcript's HTML (autoescaped)."""
    return _templates.get_template("transcript.html").render(doc=doc)


def _shared_stylesheet() -> CSS:
    # Parsed once per process: this also registers the @font-face rules in FONT_CONFIG.
    global _stylesheet
    if _stylesheet is None:
        _stylesheet = CSS(url=_static_url(STYLESHEET), url_fetcher=FETCHER, font_config=FONT_CONFIG)
    return _stylesheet


def _write_pdf(html: str, identifier: str) -> bytes:
    with _RENDER_LOCK:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=FETCHER)
        try:
            pdf = document.write_pdf(
                stylesheets=[_shared_stylesheet()],
                font_config=FONT_CONFIG,
                pdf_variant=PDF_VARIANT,
                pdf_identifier=identifier.encode(),
            )
        except FatalURLFetchingError as error:
            # WeasyPrint's fatal error is a BaseException; callers should see a plain error.
            raise ResourceRefused(str(error)) from error.__cause__
    assert pdf is not None
    return pdf


def render_certificate(doc: CertificateDocument, *, seal_path: str | None = SEAL) -> bytes:
    """Render a one-page A4 landscape certificate as a tagged PDF (PDF/UA-1).

    ``seal_path`` is relative to ``static/`` (default ``img/seal.svg``); None prints no seal.
    The same document always gives the same bytes, so a stored file's SHA-256 can be checked.
    """
    return _write_pdf(certificate_html(doc, seal_path=seal_path), identifier=doc.serial)


def render_transcript(doc: TranscriptDocument) -> bytes:
    """Render a learner's transcript as a tagged A4 portrait PDF, as many pages as it needs."""
    identifier = f"transcript {doc.learner_name} {doc.generated_on.isoformat()}"
    return _write_pdf(transcript_html(doc), identifier=identifier)


def document_html(template: str, **context: object) -> str:
    """Render another printed document's template (under lms/templates), autoescaped."""
    return _templates.get_template(template).render(**context)


def render_html(html: str, identifier: str) -> bytes:
    """Render a caller's own autoescaped HTML document as a tagged PDF (PDF/UA-1).

    The same fetcher (``static/`` only), bundled fonts and shared stylesheet as certificates;
    for other documents (the annual report), so that WeasyPrint is still called only here.
    """
    return _write_pdf(html, identifier=identifier)


def harfbuzz_subset_available() -> bool:
    """Tell whether ``libharfbuzz-subset`` loads (Debian: ``libharfbuzz-subset0``).

    Without it WeasyPrint falls back to fontTools and a certificate takes ~840 ms, not ~50 ms.
    """
    for name in _HARFBUZZ_SUBSET:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


SAMPLE = CertificateDocument(
    learner_name="Sample Learner",
    course_title="Sample course",
    hours=Decimal("1.5"),
    curriculum_version="1",
    issued_on=date(2026, 1, 1),
    expires_on=date(2028, 1, 1),
    serial="HBR-2026-000000",
    verification_code="0000000000000000",
    verify_url="https://example.org/verify/0000000000000000",
    issuing_body="Harbor",
    state_name="Example State",
)


def warm_up() -> float:
    """Render a sample certificate once and return the milliseconds it took.

    Call it where a process starts serving (a gunicorn ``post_fork`` hook, a CLI bulk run): the
    first render loads fonts, parses the stylesheet and fills caches (~450 ms); later ones do not.
    """
    if not harfbuzz_subset_available():
        LOG.warning("libharfbuzz-subset is missing: certificate PDFs will render ~15x slower")
    started = time.perf_counter()
    render_certificate(SAMPLE)
    return (time.perf_counter() - started) * 1000
