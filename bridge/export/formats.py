"""The two export file formats, written row by row so memory stays flat whatever the row count.

CSV is UTF-8 with a byte-order mark, because Excel reads a BOM-less file as the local code page
and garbles every accented name. Any text cell starting with ``= + - @``, a tab or a carriage
return is prefixed with ``'`` (OWASP's CSV-injection advice): a spreadsheet would otherwise run
it as a formula. XLSX goes through XlsxWriter's ``constant_memory`` mode, which flushes each row
to a temporary file as soon as the next one starts; its strings are written as inline values,
so nothing is interpreted as a formula there either.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, Literal

import xlsxwriter

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
MEDIA_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def neutral(value: Any) -> Any:
    """``value`` as a cell that no spreadsheet runs as a formula (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(neutral(value))


def csv_chunks(labels: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The CSV file as byte chunks: the BOM and header first, then one chunk per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def take() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    writer.writerow([_text(label) for label in labels])
    yield (BOM + take().decode("utf-8")).encode("utf-8")
    for row in rows:
        writer.writerow([_text(value) for value in row])
        yield take()


class XlsxFile:
    """An XLSX workbook written row by row into a temporary file, read back in chunks when closed."""

    def __init__(self, labels: Sequence[str], sheet: str = "Export") -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()
        self._book = xlsxwriter.Workbook(
            self._file, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        self._sheet = self._book.add_worksheet(sheet[:31])
        self._bold = self._book.add_format({"bold": True})
        self._when = self._book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self._day = self._book.add_format({"num_format": "yyyy-mm-dd"})
        self._row = 0
        for col, label in enumerate(labels):
            self._sheet.write_string(0, col, str(label), self._bold)

    def add(self, values: Sequence[Any]) -> None:
        """Append one row (types kept: numbers as numbers, dates as dates, text as text)."""
        self._row += 1
        for col, value in enumerate(values):
            self._cell(col, value)

    def _cell(self, col: int, value: Any) -> None:
        row, sheet = self._row, self._sheet
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, int | float | Decimal) and abs(float(value)) < 1e15:
            sheet.write_number(row, col, float(value))
        elif isinstance(value, datetime):
            sheet.write_datetime(row, col, value, self._when)
        elif isinstance(value, date):
            sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), self._day)
        else:
            sheet.write_string(row, col, str(neutral(value)))

    def chunks(self, size: int = 65536) -> Iterator[bytes]:
        """Close the workbook and yield its bytes; the temporary file goes with the iterator."""
        self._book.close()
        try:
            self._file.seek(0)
            while chunk := self._file.read(size):
                yield chunk
        finally:
            self._file.close()

    def discard(self) -> None:
        """Drop an unfinished workbook (the export failed half-way)."""
        self._file.close()
