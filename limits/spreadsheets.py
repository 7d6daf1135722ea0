"""Cells that are safe to open: OWASP's guidance on CSV (formula) injection, for CSV and XLSX alike.

A text cell beginning with =, +, -, @, a tab or a carriage return could be run by a spreadsheet as a
formula (`=HYPERLINK(...)` from a census file, say). In CSV such a cell gets a leading apostrophe,
which spreadsheets show as text; in XLSX it is stored as a string with Excel's own "quote prefix"
(the hidden apostrophe), so the value stays exactly as recorded. Numbers, dates and empty cells are
written as they are. Every export writes its rows through `csv_writer` (CSV) or `append_safe` (XLSX).
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


class SafeCsvWriter:
    """csv.writer whose every row goes through safe_row."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, values: Iterable[Any]):
        return self._writer.writerow(safe_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]):
        for values in rows:
            self.writerow(values)


def csv_writer(out, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(out, **kwargs)


def append_safe(sheet, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet (write-only or not); text that could be a formula stays text."""
    sheet.append([_xlsx_cell(sheet, value) for value in values])


def _xlsx_cell(sheet, value: Any) -> Any:
    from openpyxl.cell import Cell, WriteOnlyCell

    cell = value if isinstance(value, Cell) else None
    text = cell.value if cell is not None else value
    if not (isinstance(text, str) and text.startswith(FORMULA_STARTS)):
        return value
    if cell is None:
        cell = WriteOnlyCell(sheet, value=text)
    # openpyxl would store a string beginning with "=" as a formula: say it is a string.
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell
