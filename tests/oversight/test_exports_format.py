"""The export writers (pure): formula escaping, CSV and XLSX that read back as written."""

from __future__ import annotations

import csv
import gc
import io
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.oversight import exports
from lms.oversight.exports import ExportRow, csv_chunks, safe_cell, xlsx_chunks

ESCAPED = [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
    ("+1", "'+1"),
    ("-1", "'-1"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("\n=1", "'\n=1"),
    ("  =1+1", "'  =1+1"),  # after leading whitespace
    ("\u00a0@x", "'\u00a0@x"),  # after a no-break space
    ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
    ("\uff20x", "'\uff20x"),
]
UNCHANGED = [
    "José Núñez",
    "O'Brien",
    "Smith-Jones",  # a dash inside is fine
    "a=b",
    "",
    "   ",
    "#N/A",
    "2026-12-05",
]


@pytest.mark.parametrize(("value", "expected"), ESCAPED)
def test_dangerous_strings_are_quoted(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize("value", UNCHANGED)
def test_harmless_strings_are_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize(
    "value", [-1, 0, 3.5, -2.25, date(2026, 12, 5), datetime(2026, 1, 1, 9), None, True]
)
def test_other_values_are_unchanged(value):
    assert safe_cell(value) is value


def _read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_csv_round_trips_with_escaping_and_iso_dates():
    rows = [
        ['José, "the" chief', "=1+1", -3, date(2026, 1, 2), None],
        ["line\nbreak", "@x", 4.5, date(2027, 2, 28), "ok"],
    ]
    body = b"".join(csv_chunks(["a", "b", "c", "d", "e"], rows))
    assert _read_csv(body) == [
        ["a", "b", "c", "d", "e"],
        ['José, "the" chief', "'=1+1", "-3", "2026-01-02", ""],
        ["line\nbreak", "'@x", "4.5", "2027-02-28", "ok"],
    ]
    assert b"\r\n" in body  # RFC 4180 line ends


def test_csv_is_yielded_in_bounded_chunks():
    rows = ([f"learner {i}", "x" * 50] for i in range(5000))
    chunks = list(csv_chunks(["name", "pad"], rows, chunk_bytes=4096))
    assert len(chunks) > 50
    assert max(len(c) for c in chunks) < 4096 + 200
    assert len(_read_csv(b"".join(chunks))) == 5001


def _read_xlsx(body: bytes):
    return openpyxl.load_workbook(io.BytesIO(body)).active


def test_xlsx_keeps_types_and_stores_strings_as_text():
    rows = [["=1+1", -3, 2.5, date(2026, 1, 2), None, "#N/A", "José\x07"]]
    body = b"".join(xlsx_chunks(["a", "b", "c", "d", "e", "f", "g"], rows, chunk_bytes=1024))
    assert body[:2] == b"PK"
    ws = _read_xlsx(body)
    head, row = list(ws.iter_rows())
    assert [c.value for c in head] == ["a", "b", "c", "d", "e", "f", "g"]
    assert head[0].font.b
    assert row[0].value == "'=1+1" and row[0].data_type == "s"  # text, not a formula
    assert (row[1].value, row[1].data_type) == (-3, "n")
    assert row[2].value == 2.5
    assert row[3].value == datetime(2026, 1, 2) and row[3].is_date
    assert row[3].number_format == "yyyy-mm-dd"
    assert row[4].value is None
    assert (row[5].value, row[5].data_type) == ("#N/A", "s")  # text, not an error value
    assert row[6].value == "José"  # a control character XML cannot hold is dropped


def test_xlsx_never_stores_a_formula_even_unescaped(monkeypatch):
    monkeypatch.setattr(exports, "safe_cell", lambda v: v)
    body = b"".join(xlsx_chunks(["a"], [["=SUM(1,2)"]]))
    cell = list(_read_xlsx(body).iter_rows())[1][0]
    assert (cell.value, cell.data_type) == ("=SUM(1,2)", "s")


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_xlsx_refuses_more_rows_than_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    with pytest.raises(ValueError, match="at most"):
        b"".join(xlsx_chunks(["a"], [[1], [2], [3]]))
    gc.collect()  # the abandoned workbook's writer complains when collected: here, not later


# -- the compliance columns ----------------------------------------------------------------------


def _row(code: str, due: date | None, lapses: date | None) -> ExportRow:
    return ExportRow(
        "Ana", "ana@example.org", "Harbor PD", "Law enforcement", "Harbor County", "Coastal",
        "Law enforcement", "Core training", code, due, lapses,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("code", "lapses", "status", "bucket", "until"),
    [
        ("compliant", date(2028, 1, 1), "Compliant", None, date(2028, 1, 1)),
        ("compliant", date.max, "Compliant", None, "No expiry"),
        ("renew_30", date(2027, 1, 1), "Due soon", "0-30 days", date(2027, 1, 1)),
        ("due_60", None, "Due soon", "31-60 days", None),
        ("due_90", date(2025, 1, 1), "Due soon", "61-90 days", None),  # lapsed: not met
        ("in_progress", None, "In progress", None, None),
        ("not_started", None, "Not started", None, None),
        ("expired", date(2025, 1, 1), "Expired", None, None),
        ("overdue", None, "Overdue", None, None),
    ],
)
def test_status_columns(code, lapses, status, bucket, until):
    (cells,) = exports.table([_row(code, date(2026, 12, 31), lapses)])
    assert dict(zip(exports.header(), cells, strict=True)) == {
        "Learner": "Ana",
        "Email": "ana@example.org",
        "Agency": "Harbor PD",
        "Agency type": "Law enforcement",
        "County": "Harbor County",
        "Region": "Coastal",
        "Discipline": "Law enforcement",
        "Requirement": "Core training",
        "Status": status,
        "Due soon": bucket,
        "Due date": date(2026, 12, 31),
        "Training valid until": until,
    }


def test_filename_is_dated_and_plain():
    assert exports.filename("state", date(2026, 12, 5), "csv") == (
        "harbor-compliance-state-2026-12-05.csv"
    )
    assert exports.filename('agency:7"; x', date(2026, 1, 2), "xlsx") == (
        "harbor-compliance-agency-7---x-2026-01-02.xlsx"
    )


# -- property: whatever learners call themselves, no exported string starts a formula -----------

cells = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="=+-@\t\r\n \u00a0\uff1dab1", max_size=6),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.none(),
)


#: Written out again here, so the property does not trust the code it checks.
FORMULA = set("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def _starts_formula(text: str) -> bool:
    return bool(text) and (text[0] in FORMULA or text.lstrip()[:1] in FORMULA)


@settings(deadline=None)  # a busy CI machine is no failure
@given(st.lists(st.lists(cells, min_size=3, max_size=3), max_size=8))
def test_no_csv_string_cell_starts_a_formula(rows):
    body = b"".join(csv_chunks(["a", "b", "c"], rows, chunk_bytes=64))
    read = _read_csv(body)[1:]
    assert len(read) == len(rows)
    for original, back in zip(rows, read, strict=True):
        for value, text in zip(original, back, strict=True):
            if isinstance(value, str):
                assert not _starts_formula(text)
                assert text in (value, "'" + value)  # nothing else changes


@settings(deadline=None, max_examples=50)  # each example writes a workbook
@given(st.lists(st.lists(st.one_of(st.text(max_size=10), st.integers()), min_size=2,
                         max_size=2), max_size=5))  # fmt: skip
def test_no_xlsx_string_cell_starts_a_formula(rows):
    ws = _read_xlsx(b"".join(xlsx_chunks(["a", "b"], rows)))
    for cell in (c for row in ws.iter_rows(min_row=2) for c in row):
        if isinstance(cell.value, str):
            assert cell.data_type == "s"
            assert not _starts_formula(cell.value)
        else:
            assert cell.data_type == "n"
