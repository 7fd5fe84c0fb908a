"""Compliance exports as CSV and XLSX, written row by row in bounded memory (pure).

One row per learner and requirement that covers them (:class:`ExportRow`, built by
:mod:`lms.oversight.export_queries`). The writers take a header and an iterator of rows and
yield ``bytes`` chunks, so a state-wide export is streamed to the browser as it is read from
the database: memory depends on the chunk size, not on the number of rows.

**Formula injection** (OWASP "CSV injection"): a spreadsheet treats a cell that starts with
``=``, ``+``, ``-`` or ``@`` as a formula, and a tab or carriage return first can hide one, so
a learner who registers as ``=HYPERLINK("http://evil", "click")`` would otherwise plant a live
formula in an overseer's spreadsheet. :func:`safe_cell` prefixes such strings with a single
quote. It also looks past leading whitespace (LibreOffice and some importers trim it before
deciding) and at the full-width forms of those characters (East Asian input methods type
them, and Excel reads them as the ASCII ones). The quote stays visible in the cell: the text
is shown exactly as stored, plus one character that says it was neutralised. Only strings are
escaped: numbers and dates stay real values (a negative number is not text).

**CSV** is RFC 4180 (``\\r\\n`` line ends, quoting as needed) in UTF-8 **with a byte-order
mark**: without it Excel on Windows reads the file as the local code page and mangles accented
names ("José" becomes "JosÃ©"); Python reads it with ``encoding="utf-8-sig"``, and LibreOffice
and pandas skip it. Dates are ISO 8601 (``2026-12-05``), which every spreadsheet recognises.

**XLSX** is streamed by :mod:`lms.oversight.xlsx` (a zip written to an unseekable sink, the
sheet row by row): the first bytes leave at once, where openpyxl's write-only workbook made a
state-wide export wait 51 s for its first byte. Dates are real date cells formatted
``yyyy-mm-dd``; every string cell is an inline string, never a formula or error value, even if
it were not escaped; characters XML cannot carry (control characters) are dropped rather than
failing half-way through a download. openpyxl reads every workbook back in the tests.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from lms.oversight import xlsx
from lms.oversight.compliance import CODES

#: Characters that make a spreadsheet read a cell as a formula (OWASP), and their full-width
#: forms (U+FF1D, U+FF0B, U+FF0D, U+FF20).
FORMULA_START = frozenset("=+-@\t\r\n" + "\uff1d\uff0b\uff0d\uff20")
CHUNK_BYTES = 64 * 1024
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel's limit; a longer export would be cut off, so the writer refuses it.
XLSX_MAX_ROWS = 1_048_576


def dangerous(text: str) -> bool:
    """Return whether a spreadsheet could read ``text`` as a formula."""
    if not text:
        return False
    if text[0] in FORMULA_START:
        return True
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in FORMULA_START


def safe_cell(value: Any) -> Any:
    """Return ``value`` safe to put in a spreadsheet cell: strings a spreadsheet would read as a
    formula get a leading single quote; every other value (numbers, dates, None) is unchanged."""
    if isinstance(value, str) and dangerous(value):
        return "'" + value
    return value


# -- what an export row holds, and its columns ---------------------------------------------------


class ExportRow(NamedTuple):
    """One learner and one requirement that covers them, as the query returns it."""

    learner: str
    email: str
    agency: str | None
    agency_type: str | None  #: the human label ("Law enforcement")
    county: str | None
    region: str | None
    discipline: str | None
    requirement: str
    code: str  #: a status code, see :data:`lms.oversight.compliance.CODES`
    due_on: date | None
    lapses_on: date | None


@dataclass(frozen=True)
class Column:
    header: str
    get: Callable[[ExportRow], Any]


#: Due-soon bucket -> the range of days left it stands for.
BUCKET_LABELS = {30: "0-30 days", 60: "31-60 days", 90: "61-90 days"}
#: Shown for training that is met and never lapses (a credit without an end date, say).
NO_EXPIRY = "No expiry"


def status_label(code: str) -> str:
    """Return the human label of a status code ("Due soon", "Overdue", ...)."""
    return CODES[code][0].label


def bucket_label(code: str) -> str | None:
    """Return the due-soon bucket of a status code ("0-30 days"), None when not due soon."""
    bucket = CODES[code][1]
    return None if bucket is None else BUCKET_LABELS[bucket]


def valid_until(row: ExportRow) -> date | str | None:
    """Return the first day the training no longer counts, while it is met (else None)."""
    if not CODES[row.code][2] or row.lapses_on is None:
        return None
    return NO_EXPIRY if row.lapses_on == date.max else row.lapses_on


COLUMNS: tuple[Column, ...] = (
    Column("Learner", lambda r: r.learner),
    Column("Email", lambda r: r.email),
    Column("Agency", lambda r: r.agency),
    Column("Agency type", lambda r: r.agency_type),
    Column("County", lambda r: r.county),
    Column("Region", lambda r: r.region),
    Column("Discipline", lambda r: r.discipline),
    Column("Requirement", lambda r: r.requirement),
    Column("Status", lambda r: status_label(r.code)),
    Column("Due soon", lambda r: bucket_label(r.code)),
    Column("Due date", lambda r: r.due_on),
    Column("Training valid until", valid_until),
)


def header(columns: Sequence[Column] = COLUMNS) -> list[str]:
    return [c.header for c in columns]


def table(rows: Iterable[ExportRow], columns: Sequence[Column] = COLUMNS) -> Iterator[list[Any]]:
    """Return each row's cell values, in column order (not yet escaped)."""
    getters = [c.get for c in columns]
    for row in rows:
        yield [get(row) for get in getters]


def filename(scope: str, today: date, extension: str) -> str:
    """Return a download name such as ``harbor-compliance-state-2026-12-05.csv``."""
    safe = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in scope.lower()).strip("-")
    return f"harbor-compliance-{safe or 'export'}-{today.isoformat()}.{extension}"


# -- writers -------------------------------------------------------------------------------------


def _csv_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def csv_chunks(
    head: Sequence[str], rows: Iterable[Sequence[Any]], chunk_bytes: int = CHUNK_BYTES
) -> Iterator[bytes]:
    """Yield the CSV file (UTF-8 with a byte-order mark) in chunks of about ``chunk_bytes``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([_csv_value(h) for h in head])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        if buffer.tell() >= chunk_bytes:  # characters, not bytes: close enough for a chunk
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def xlsx_chunks(
    head: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet: str = "Compliance",
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[bytes]:
    """Yield an XLSX workbook of one sheet in chunks, streamed as rows are read.

    Raises ``ValueError`` if there are more rows than a sheet holds: the views count first.
    """

    def convert(value: Any) -> Any:
        # Drop what XML cannot hold first: "\x01=1" must not become an unescaped "=1".
        return safe_cell(xlsx.text(value)) if isinstance(value, str) else value

    widths = [max(14, min(40, len(title) + 4)) for title in head]
    cells = ([convert(v) for v in row] for row in rows)
    head = [xlsx.text(h) for h in head]
    yield from xlsx.stream(head, cells, sheet, widths, chunk_bytes, XLSX_MAX_ROWS)
