"""The streamed XLSX writer: a valid workbook (openpyxl reads it back), sent as it is written."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lms.oversight import xlsx


def read(chunks) -> list[tuple]:
    book = load_workbook(io.BytesIO(b"".join(chunks)), read_only=False)
    sheet = book.active
    return [tuple(c.value for c in row) for row in sheet.iter_rows()], sheet


def test_values_keep_their_types():
    rows, sheet = read(xlsx.stream(
        ["Name", "Due", "Count", "Share", "Flag", "Empty"],
        [["Zoë <&> \"O'Neil\"", date(2027, 3, 1), 3, Decimal("7.5"), True, None],
         ["=1+1", date(1900, 3, 1), -2, 0.25, False, ""]],
        sheet="Compliance & more",
    ))  # fmt: skip
    assert rows[0] == ("Name", "Due", "Count", "Share", "Flag", "Empty")
    assert rows[1][0] == 'Zoë <&> "O\'Neil"' and rows[1][1].date() == date(2027, 3, 1)
    assert rows[1][2:5] == (3, 7.5, True)
    assert rows[2][0] == "=1+1"  # an inline string is text, never a formula
    assert sheet.cell(3, 1).data_type == "s"
    assert rows[2][1].date() == date(1900, 3, 1)
    assert sheet.title == "Compliance & more"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F3"
    assert sheet.cell(1, 1).font.b and sheet.cell(2, 2).number_format == "yyyy-mm-dd"


def test_control_characters_are_dropped_not_fatal():
    rows, _ = read(xlsx.stream(["a"], [["bell\x07 and\x00 nul"]]))
    assert rows[1] == ("bell and nul",)


def test_the_first_bytes_leave_before_the_rows_are_read():
    consumed = []

    def rows():
        for n in range(50_000):
            consumed.append(n)
            yield [f"learner {n}", n, date(2027, 1, 1)]

    chunks = xlsx.stream(["name", "n", "due"], rows(), chunk_bytes=16 * 1024)
    first = next(chunks)
    assert first.startswith(b"PK") and consumed == []  # the fixed parts, before any row
    second = next(chunks)
    assert 0 < len(consumed) < 50_000  # streamed: a chunk left long before the last row
    body = first + second + b"".join(chunks)
    got, sheet = read([body])
    assert len(got) == 50_001 and got[-1][:2] == ("learner 49999", 49999)


def test_column_letters():
    assert [xlsx.column(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_too_many_rows_is_an_error_not_a_truncated_file():
    with pytest.raises(ValueError, match="at most 2"):
        b"".join(xlsx.stream(["a"], [[1], [2], [3]], max_rows=2))
