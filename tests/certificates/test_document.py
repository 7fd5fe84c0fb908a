"""The certificate and transcript documents: formatting helpers and validation (pure)."""

from __future__ import annotations

import ast
import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.certificates import document
from lms.certificates.document import (
    CertificateDocument,
    TranscriptDocument,
    TranscriptRow,
    format_date,
    format_hours,
    group_code,
)


def certificate(**changes: object) -> CertificateDocument:
    fields: dict[str, object] = {
        "learner_name": "Ada Officer",
        "course_title": "Safe Harbor foundations",
        "hours": Decimal("1.25"),
        "curriculum_version": "2026.1",
        "issued_on": date(2026, 11, 30),
        "expires_on": date(2028, 11, 30),
        "serial": "HBR-2026-000123",
        "verification_code": "7KQ2M9XD4TNRWB3H",
        "verify_url": "https://harbor.example.org/verify/7KQ2M9XD4TNRWB3H",
        "issuing_body": "Example State Council on Youth Exploitation Response",
        "state_name": "Example State",
    }
    fields.update(changes)
    return CertificateDocument(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 11, 30), "30 November 2026"),
        (date(2027, 1, 1), "1 January 2027"),
        (date(2028, 2, 29), "29 February 2028"),
        (date(2026, 9, 9), "9 September 2026"),
    ],
)
def test_format_date_writes_day_month_year_without_leading_zero(day, text):
    assert format_date(day) == text


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (Decimal("1"), "1 hour"),
        (Decimal("1.00"), "1 hour"),
        (Decimal("1.25"), "1.25 hours"),
        (Decimal("0.5"), "0.5 hours"),
        (Decimal("2.50"), "2.5 hours"),
        (Decimal("0"), "0 hours"),
        (Decimal("100"), "100 hours"),
        (Decimal("1E+2"), "100 hours"),
    ],
)
def test_format_hours_drops_trailing_zeros_and_agrees_in_number(hours, text):
    assert format_hours(hours) == text


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("NaN"), Decimal("Infinity")])
def test_format_hours_refuses_negative_or_non_finite(bad):
    with pytest.raises(ValueError):
        format_hours(bad)


@pytest.mark.parametrize(
    ("code", "grouped"),
    [
        ("7KQ2M9XD4TNRWB3H", "7KQ2-M9XD-4TNR-WB3H"),
        ("7kq2 m9xd 4tnr wb3h", "7KQ2-M9XD-4TNR-WB3H"),
        ("7KQ2-M9XD-4TNR-WB3H", "7KQ2-M9XD-4TNR-WB3H"),
        ("7KQ2M9XD4TNRWB3HAB", "7KQ2-M9XD-4TNR-WB3H-AB"),
        ("", ""),
    ],
)
def test_group_code(code, grouped):
    assert group_code(code) == grouped


def test_group_code_with_another_group_size():
    assert group_code("ABCDEFGHIJ", size=5) == "ABCDE-FGHIJ"
    with pytest.raises(ValueError):
        group_code("ABC", size=0)


@given(st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZabc -", max_size=40))
def test_grouping_is_idempotent_and_keeps_every_character(code):
    once = group_code(code)
    assert group_code(once) == once
    assert once.replace("-", "") == "".join(code.split()).replace("-", "").upper()
    assert all(len(part) <= 4 for part in once.split("-"))


def test_certificate_labels():
    doc = certificate()
    assert doc.issued_label == "30 November 2026"
    assert doc.expires_label == "30 November 2028"
    assert doc.hours_label == "1.25 hours"
    assert doc.code_label == "7KQ2-M9XD-4TNR-WB3H"
    assert doc.title == "Certificate of completion HBR-2026-000123: Safe Harbor foundations"
    assert certificate(expires_on=None).expires_label is None


def test_certificate_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        certificate().learner_name = "Someone else"  # type: ignore[misc]


@pytest.mark.parametrize(
    "changes",
    [
        {"learner_name": "  "},
        {"course_title": ""},
        {"serial": ""},
        {"verify_url": "javascript:alert(1)"},
        {"verify_url": "/verify/relative"},
        {"hours": Decimal("-0.5")},
        {"expires_on": date(2026, 11, 29)},
        {"score_percent": 101},
        {"score_percent": -1},
    ],
)
def test_certificate_refuses_impossible_values(changes):
    with pytest.raises(ValueError):
        certificate(**changes)


def test_certificate_requirements_must_be_a_tuple():
    with pytest.raises(TypeError):
        certificate(requirements=["Annual training"])
    assert certificate(requirements=("Annual training",)).requirements == ("Annual training",)


def test_transcript_rows_and_labels():
    row = TranscriptRow(
        course_title="Foundations",
        serial="HBR-2026-000001",
        issued_on=date(2026, 3, 2),
        hours=Decimal("1.50"),
        status="Valid",
    )
    assert row.issued_label == "2 March 2026"
    assert row.expires_label == "—"
    assert row.hours_label == "1.5"
    doc = TranscriptDocument(
        learner_name="Ada Officer",
        issuing_body="Example State Council",
        generated_on=date(2026, 12, 1),
        rows=(row,),
        total_hours=Decimal("1.5"),
    )
    assert doc.total_label == "1.5 hours"
    assert doc.generated_label == "1 December 2026"
    assert doc.title == "Training transcript: Ada Officer"


def test_transcript_refuses_a_list_of_rows_and_negative_totals():
    common = {"learner_name": "Ada", "issuing_body": "Council", "generated_on": date(2026, 1, 1)}
    with pytest.raises(TypeError):
        TranscriptDocument(rows=[], total_hours=Decimal(0), **common)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        TranscriptDocument(rows=(), total_hours=Decimal(-1), **common)  # type: ignore[arg-type]


def test_document_module_is_pure():
    tree = ast.parse(Path(document.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    forbidden = {"flask", "sqlalchemy", "weasyprint", "jinja2", "lms.db", "lms.clock"}
    assert not imported & forbidden
    assert not any(name.startswith(("lms.extensions", "lms.db", "lms.clock")) for name in imported)
