"""A one-sheet XLSX workbook written as a stream (pure: no database, no clock).

openpyxl, even write-only, finishes the whole zip in a temporary file before the first byte
can be sent: a state-wide export (about 300,000 rows, 12 columns) took 51 s to its first
byte, beyond gunicorn's and most proxies' timeouts. Here the zip is written to an unseekable
sink, so :mod:`zipfile` uses data descriptors and each part leaves as soon as it is written;
the worksheet is SpreadsheetML written row by row. Memory stays at one chunk, and the first
bytes leave at once. openpyxl remains the reference reader: the tests load every workbook
written here with it.

Cells: strings are inline strings (``t="inlineStr"``, never a formula or an error value),
with characters XML cannot carry dropped; numbers are numbers; dates are date serials shown
``yyyy-mm-dd``; booleans are booleans; None is an empty cell. The header row is bold, frozen
and carries an auto-filter over the data.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape, quoteattr

#: Excel's limits.
MAX_ROWS = 1_048_576
MAX_SHEET_NAME = 31
CHUNK_BYTES = 64 * 1024
#: Characters XML 1.0 cannot carry (openpyxl drops the same ones).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EPOCH = date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug is before 1 March 1900)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OOXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OOXML}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_OOXML}.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
#: Style 0 plain, 1 bold (the header), 2 a date as yyyy-mm-dd.
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)  # fmt: skip


class _Sink:
    """An append-only, unseekable file: zipfile then streams (data descriptors, no seeks)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._size = 0
        self._position = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._size += len(data)
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def seek(self, *_args: object) -> int:
        raise OSError("not seekable")

    def seekable(self) -> bool:
        return False

    def flush(self) -> None:
        pass

    @property
    def pending(self) -> int:
        return self._size

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        self._size = 0
        return data


def column(index: int) -> str:
    """Return the column letters of a 0-based index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text(value: str) -> str:
    """Return ``value`` without the characters XML cannot carry."""
    return ILLEGAL.sub("", value)


def _cell(ref: str, value: Any, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{ref}" s="2"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, int | float | Decimal | Fraction):
        number = float(value) if isinstance(value, Fraction) else value
        return f'<c r="{ref}"{s}><v>{number}</v></c>'
    body = escape(text(str(value)))
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{body}</t></is></c>'


def _row(number: int, letters: Sequence[str], values: Sequence[Any], style: int = 0) -> str:
    cells = "".join(
        _cell(f"{letters[i]}{number}", v, style) for i, v in enumerate(values) if i < len(letters)
    )
    return f'<row r="{number}">{cells}</row>'


def stream(
    head: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet: str = "Sheet1",
    widths: Sequence[int] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    max_rows: int = MAX_ROWS,
) -> Iterator[bytes]:
    """Yield an XLSX workbook of one sheet, chunk by chunk, as ``rows`` are read.

    Cells beyond the header's width are ignored. Raises ``ValueError`` after the row that
    exceeds Excel's limit (callers count first: a download cut short is a broken file).
    """
    name = text(sheet)[:MAX_SHEET_NAME] or "Sheet1"
    letters = [column(i) for i in range(len(head))]
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr(
            "xl/workbook.xml",
            _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        yield sink.drain()
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            cols = "".join(
                f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
                for i, w in enumerate(widths or ())
            )
            part.write(
                (
                    _HEAD + f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    "</sheetView></sheetViews>" + (f"<cols>{cols}</cols>" if cols else "")
                    + "<sheetData>" + _row(1, letters, list(head), style=1)
                ).encode()
            )  # fmt: skip
            number = 1
            for values in rows:
                number += 1
                if number > max_rows:
                    raise ValueError(f"an XLSX sheet holds at most {max_rows:,} rows")
                part.write(_row(number, letters, values).encode())
                if sink.pending >= chunk_bytes:
                    yield sink.drain()
            last = letters[-1] if letters else "A"
            part.write(f'</sheetData><autoFilter ref="A1:{last}{number}"/></worksheet>'.encode())
    yield sink.drain()
