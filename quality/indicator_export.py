"""The indicators as a report file (CSV or XLSX), for downloads, the background task and the command.

The figures all come from quality.indicators; this module only lays them out.
"""

import io
from collections.abc import Callable
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from limits.spreadsheets import append_safe, csv_writer
from quality import indicators
from quality.wording import SECTIONS as SECTION_WORDS
from quality.wording import words_for

SECTIONS = ("headline", "monthly", "by_service_area", "by_team")
BREAKDOWN_COLUMNS = (
    "plans_started",
    "repeat_plans_started",
    "repeat_rate",
    "repeat_within_12_months",
    "repeat_within_2_years",
    "third_or_later_plans_started",
    "plans_ended",
    "repeat_requests_decided",
)


def only_area(rows: list[dict], area_id: int | None) -> list[dict]:
    """Breakdown rows of one service area: what an Area or Service Manager may see."""
    return [row for row in rows if row["service_area_id"] == area_id]


def build(
    date_from: date,
    date_to: date,
    service_area=None,
    team=None,
    *,
    limit_to_area: int | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> dict:
    """Every section of the report; `progress(percent, message)` is told when the figures are worked out.

    `limit_to_area` (a service area id) keeps only that area's rows in the breakdowns.
    """
    result = indicators.report(date_from, date_to, service_area, team)
    if limit_to_area is not None:
        for section in ("by_service_area", "by_team"):
            result[section] = only_area(result[section], limit_to_area)
    if progress:
        progress(100, "Worked out the figures.")
    return result


def flatten(values: dict, prefix: str = "") -> list[tuple[str, object]]:
    """Nested indicators as (dotted key, value) rows: compliance.partners_informed.percent, 87.5."""
    rows = []
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += flatten(value, f"{name}.")
        else:
            rows.append((name, value))
    return rows


def worded(values: dict) -> list[tuple[str, object]]:
    """The headline figures as (the words on screen, value) rows."""
    return [(words_for(key), value) for key, value in flatten(values)]


def as_json(report: dict) -> dict:
    """The report as the command prints it and the API returns it: the headline's figures at the top
    level (as before the report had sections), then the months and the breakdowns."""
    return {
        **report["headline"],
        "monthly": [{**row, "month": row["month"].isoformat()} for row in report["monthly"]],
        "by_service_area": report["by_service_area"],
        "by_team": report["by_team"],
    }


def report_csv(report: dict) -> str:
    """One CSV with a section column, so a spreadsheet can filter each part."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["Section", "Row", "Indicator", "Value"])
    for words, value in worded(report["headline"]):
        writer.writerow([SECTION_WORDS["headline"], "", words, value])
    for row in report["monthly"]:
        for key, value in row.items():
            if key != "month":
                writer.writerow([SECTION_WORDS["monthly"], f"{row['month']:%B %Y}", words_for(key), value])
    for section in ("by_service_area", "by_team"):
        for row in report[section]:
            for key in BREAKDOWN_COLUMNS:
                writer.writerow([SECTION_WORDS[section], row["name"], words_for(key), row[key]])
    return out.getvalue()


def report_xlsx(report: dict) -> bytes:
    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = "Indicators"
    append_safe(sheet, ["Indicator", "Value"])
    for words, value in worded(report["headline"]):
        append_safe(sheet, [words, value])

    monthly = book.create_sheet("Monthly")
    columns = list(report["monthly"][0]) if report["monthly"] else ["month"]
    append_safe(monthly, [words_for(column) for column in columns])
    for row in report["monthly"]:
        append_safe(monthly, [row[column] for column in columns])

    for section, title in (("by_service_area", "By service area"), ("by_team", "By team")):
        sheet = book.create_sheet(title)
        append_safe(sheet, ["Name", *[words_for(key) for key in BREAKDOWN_COLUMNS]])
        for row in report[section]:
            append_safe(sheet, [row["name"], *[row[key] for key in BREAKDOWN_COLUMNS]])
    for worksheet in book.worksheets:
        for cell in worksheet[1]:
            cell.font = bold
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(date_from: date, date_to: date, file_format: str) -> str:
    return f"repeat-plan-indicators-{date_from.isoformat()}-to-{date_to.isoformat()}.{file_format}"


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(report: dict, file_format: str) -> bytes:
    return report_csv(report).encode() if file_format == "csv" else report_xlsx(report)
