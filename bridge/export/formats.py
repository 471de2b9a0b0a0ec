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
from collections.abc import Iterable, Sequence
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


class CsvFile:
    """CSV text made a batch of rows at a time: the BOM and the header first."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def _take(self) -> bytes:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text.encode("utf-8")

    def head(self, labels: Sequence[str]) -> bytes:
        self._writer.writerow([_text(label) for label in labels])
        return BOM.encode("utf-8") + self._take()

    def lines(self, rows: Iterable[Sequence[Any]]) -> bytes:
        self._writer.writerows([_text(value) for value in row] for row in rows)
        return self._take()


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

    def add_all(self, rows: Iterable[Sequence[Any]]) -> None:
        """Append a batch of rows (run off the event loop: XlsxWriter is CPU work)."""
        for values in rows:
            self.add(values)

    def close(self) -> None:
        """Finish the workbook (assembling the zip: CPU and disk work, run off the event loop)."""
        self._book.close()
        self._file.seek(0)

    def read(self, size: int = 65536) -> bytes:
        """The next chunk of the finished file; b"" at its end."""
        return self._file.read(size)

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

    def discard(self) -> None:
        """Drop the temporary file (after the export, or when it failed half-way)."""
        self._file.close()
