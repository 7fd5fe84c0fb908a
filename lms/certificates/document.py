"""What a certificate or transcript PDF says, as frozen dataclasses of primitives (pure).

The PDF templates receive these objects and nothing else: no ORM rows, no request, no user.
Everything a template prints is either a plain field here or one of the formatted properties,
so a golden test of the HTML needs no database and the renderer can run from the CLI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SEPARATORS = re.compile(r"[\s\-_.]+")


def format_date(day: date) -> str:
    """Write a date the way a certificate does: ``30 November 2026`` (no leading zero)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_hours(hours: Decimal) -> str:
    """Write a number of hours without trailing zeros: ``1 hour``, ``1.25 hours``, ``2 hours``."""
    if not hours.is_finite() or hours < 0:
        raise ValueError(f"hours must be a finite, non-negative number, not {hours}")
    number = format(hours.normalize(), "f")
    return f"{number} hour" if hours == 1 else f"{number} hours"


def group_code(code: str, size: int = 4) -> str:
    """Write a code in upper-case groups of ``size`` joined by dashes: ``7KQ2-M9XD-4TNR``.

    Spaces, dashes, dots and underscores already in ``code`` are ignored, so grouping a grouped
    code changes nothing.
    """
    if size < 1:
        raise ValueError("group size must be at least 1")
    compact = _SEPARATORS.sub("", code).upper()
    return "-".join(compact[i : i + size] for i in range(0, len(compact), size))


def _require_text(owner: str, **fields: str) -> None:
    for name, value in fields.items():
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{owner}.{name} must be non-empty text")


@dataclass(frozen=True, slots=True)
class CertificateDocument:
    """Everything printed on one certificate of completion."""

    learner_name: str
    course_title: str
    hours: Decimal
    curriculum_version: str
    issued_on: date
    serial: str  #: readable and guessable, e.g. ``HBR-2026-000123``; grants nothing
    verification_code: str  #: display form, e.g. ``7KQ2-M9XD-4TNR-WB3H``
    verify_url: str  #: what the QR code encodes, printed in full under it
    issuing_body: str
    state_name: str
    expires_on: date | None = None  #: None: the course never expires
    discipline: str | None = None  #: the learner's discipline when it shaped the course
    requirements: tuple[str, ...] = ()  #: statutory requirements this certificate satisfies
    score_percent: int | None = None  #: final knowledge-check score, if the course had one
    issuing_body_short: str | None = None
    status_note: str | None = None  #: e.g. "Reissued 3 March 2027 to correct the name"

    def __post_init__(self) -> None:
        _require_text(
            "CertificateDocument",
            learner_name=self.learner_name,
            course_title=self.course_title,
            curriculum_version=self.curriculum_version,
            serial=self.serial,
            verification_code=self.verification_code,
            verify_url=self.verify_url,
            issuing_body=self.issuing_body,
            state_name=self.state_name,
        )
        if not self.verify_url.startswith(("https://", "http://")):
            raise ValueError("verify_url must be an http(s) URL")
        format_hours(self.hours)  # raises on a negative or non-finite number
        if self.expires_on is not None and self.expires_on < self.issued_on:
            raise ValueError("a certificate cannot expire before it is issued")
        if self.score_percent is not None and not 0 <= self.score_percent <= 100:
            raise ValueError("score_percent must be between 0 and 100")
        if not isinstance(self.requirements, tuple):
            raise TypeError("requirements must be a tuple of names")

    @property
    def issued_label(self) -> str:
        """Return the issue date as printed."""
        return format_date(self.issued_on)

    @property
    def expires_label(self) -> str | None:
        """Return the expiry date as printed, or None when the certificate does not expire."""
        return None if self.expires_on is None else format_date(self.expires_on)

    @property
    def hours_label(self) -> str:
        """Return the credit hours as printed (``1.25 hours``)."""
        return format_hours(self.hours)

    @property
    def code_label(self) -> str:
        """Return the verification code in groups of four."""
        return group_code(self.verification_code)

    @property
    def title(self) -> str:
        """Return the document title (PDF metadata and the first thing a screen reader says)."""
        return f"Certificate of completion {self.serial}: {self.course_title}"


@dataclass(frozen=True, slots=True)
class TranscriptRow:
    """One certificate on a transcript."""

    course_title: str
    serial: str
    issued_on: date
    hours: Decimal
    status: str  #: a public status word, e.g. "Valid", "Expired", "Revoked"
    expires_on: date | None = None

    def __post_init__(self) -> None:
        _require_text(
            "TranscriptRow", course_title=self.course_title, serial=self.serial, status=self.status
        )
        format_hours(self.hours)

    @property
    def issued_label(self) -> str:
        """Return the issue date as printed."""
        return format_date(self.issued_on)

    @property
    def expires_label(self) -> str:
        """Return the expiry date as printed, or a dash for a course that never expires."""
        return "—" if self.expires_on is None else format_date(self.expires_on)

    @property
    def hours_label(self) -> str:
        """Return the hours as a bare number for a table column (``1.25``)."""
        return format(self.hours.normalize(), "f")


@dataclass(frozen=True, slots=True)
class TranscriptDocument:
    """A learner's training record: every certificate, with the total hours that count.

    The caller decides which rows count towards ``total_hours`` (revoked certificates, for
    instance, are listed but not counted), so the total is a field and not a sum done here.
    """

    learner_name: str
    issuing_body: str
    generated_on: date
    rows: tuple[TranscriptRow, ...]
    total_hours: Decimal
    agency_name: str | None = None

    def __post_init__(self) -> None:
        _require_text(
            "TranscriptDocument", learner_name=self.learner_name, issuing_body=self.issuing_body
        )
        format_hours(self.total_hours)
        if not isinstance(self.rows, tuple):
            raise TypeError("rows must be a tuple of TranscriptRow")

    @property
    def generated_label(self) -> str:
        """Return the generation date as printed."""
        return format_date(self.generated_on)

    @property
    def total_label(self) -> str:
        """Return the total hours as printed (``12.5 hours``)."""
        return format_hours(self.total_hours)

    @property
    def title(self) -> str:
        """Return the document title (PDF metadata)."""
        return f"Training transcript: {self.learner_name}"
