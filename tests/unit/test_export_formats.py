"""The export file formats, without a database: what a spreadsheet reads back from them."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl

from bridge.export.formats import CsvFile, XlsxFile, neutral


def test_formula_starts_are_neutralised_and_numbers_are_not() -> None:
    """Text that a spreadsheet would run as a formula gets a quote; a negative number stays a number."""
    for text in ("=1+1", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx", "\nx", "\0x"):
        assert neutral(text) == "'" + text
    assert neutral("PT Maju") == "PT Maju"
    assert neutral(-5) == -5


def test_csv_has_a_bom_a_header_and_the_rows_excel_reads() -> None:
    """UTF-8 with a BOM (Excel), CRLF rows, quoting of commas and quotes, injection neutralised."""
    rows = [(1, 'CV Ágüng, "Nusantara"', None), (2, '=HYPERLINK("x")', datetime(2026, 1, 2, 3, 4, 5))]
    out = CsvFile()
    data = out.head(["Id", "Name", "Created"]) + out.lines(rows[:1]) + out.lines(rows[1:])
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed == [
        ["Id", "Name", "Created"],
        ["1", 'CV Ágüng, "Nusantara"', ""],
        ["2", '\'=HYPERLINK("x")', "2026-01-02 03:04:05"],
    ]


def test_xlsx_keeps_types_and_neutralises_text() -> None:
    """The workbook reads back with numbers as numbers, dates as dates, formulas as inert text."""
    book = XlsxFile(["Id", "Name", "When"])
    book.add([7, "=1+1", datetime(2026, 5, 6, 7, 8, 9)])
    book.add([8, "Toko Ñandú", None])
    book.close()
    data = b"".join(iter(book.read, b""))
    book.discard()
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert values == [
        ("Id", "Name", "When"),
        (7, "'=1+1", datetime(2026, 5, 6, 7, 8, 9)),
        (8, "Toko Ñandú", None),
    ]
