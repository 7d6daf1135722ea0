"""What follows each ending (R15): of the plans that ended in a period, how many were followed by another.

A report beside the indicators (audit/indicators.py; it moves with them to quality/). Definitions:
- A plan *ended in the period* when its end date falls in it, both days included; plans held by
  other councils are history only, as in the indicators, so they are never counted as endings.
- The *following plan* is the child's next recorded plan by start date, in any council. Plans known
  only from a census count have no dates and never count.
- *Repeat within 12 months / 2 years*: the following plan starts before the end + 1 year / + 2 years,
  the assessment's rule (conferences.assessment.within_months, calendar arithmetic).
- *Length band*: the indicators' bands (quality.indicators.PLAN_LENGTH_BANDS), upper bound included,
  computed in SQL with PostgreSQL's calendar intervals like the indicators.
- By how it ended (CPPlan.how_ended), by what was outstanding at closure (a plan with actions
  outstanding and core-group actions not implemented counts in both rows), and by the child's team.

One query reads the ended plans with the following plan's start (a window function); the counts and
every drill-down list come from the same rows, so a figure and its list never disagree.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from cases.durations import within_months
from cases.models import HowPlanEnded
from limits.spreadsheets import append_safe, csv_writer
from quality.indicators import PLAN_LENGTH_BANDS, length_band
from quality.replica import report_cursor

MEASURES = ("plans_ended", "repeat_within_12_months", "repeat_within_2_years")
MEASURE_LABELS = {
    "plans_ended": "Plans ended",
    "repeat_within_12_months": "Another plan within 12 months",
    "repeat_within_2_years": "Another plan within 2 years",
}
BAND_LABELS = {
    "up_to_3_months": "Up to 3 months",
    "3_to_6_months": "Over 3 and up to 6 months",
    "6_to_12_months": "Over 6 and up to 12 months",
    "1_to_2_years": "Over 1 and up to 2 years",
    "2_years_or_more": "Over 2 years",
}
NOT_RECORDED = "not_recorded"
HOW_ENDED_LABELS = {**{choice.value: choice.label for choice in HowPlanEnded}, NOT_RECORDED: "Not recorded"}
CLOSURE_LABELS = {
    "actions_outstanding": "Actions outstanding at closure",
    "core_group_actions_not_implemented": "Core-group actions not implemented",
    "neither": "Neither",
}
NO_TEAM = "Not allocated"
BREAKDOWNS = {
    "by_length": "By length of the plan",
    "by_how_ended": "By how the plan ended",
    "by_closure": "By what was outstanding at closure",
    "by_team": "By team",
}


ENDED_PLANS = f"""
WITH ordered AS (
    SELECT plan.*, LEAD(plan.start_date) OVER (PARTITION BY plan.child_id ORDER BY plan.start_date) AS next_start
    FROM cases_cpplan plan
)
SELECT plan.id AS plan_id, plan.child_id, plan.start_date, plan.end_date, plan.how_ended,
       plan.outstanding_actions_at_closure, plan.core_group_actions_not_implemented, plan.next_start,
       child.team_id, team.name AS team_name, team.service_area_id, {length_band()} AS band
FROM ordered plan
JOIN cases_child child ON child.id = plan.child_id
LEFT JOIN cases_team team ON team.id = child.team_id
LEFT JOIN cases_servicearea area ON area.id = team.service_area_id
WHERE NOT plan.held_by_other_council
  AND plan.end_date BETWEEN %(date_from)s AND %(date_to)s
  AND (%(service_area)s::text IS NULL OR area.name = %(service_area)s)
  AND (%(area_id)s::bigint IS NULL OR team.service_area_id = %(area_id)s)
ORDER BY plan.end_date, plan.id
"""


@dataclass(frozen=True)
class EndedPlan:
    plan_id: int
    child_id: int
    start_date: date
    end_date: date
    how_ended: str
    outstanding_actions_at_closure: bool
    core_group_actions_not_implemented: bool
    next_start: date | None
    team_id: int | None
    team_name: str | None
    service_area_id: int | None
    band: str

    @property
    def repeat_within_12_months(self) -> bool:
        return self.next_start is not None and within_months(self.next_start, self.end_date, 12)

    @property
    def repeat_within_2_years(self) -> bool:
        return self.next_start is not None and within_months(self.next_start, self.end_date, 24)

    def groups(self, breakdown: str) -> list[str]:
        """The rows of a breakdown this plan counts in."""
        if breakdown == "by_length":
            return [self.band]
        if breakdown == "by_how_ended":
            return [self.how_ended or NOT_RECORDED]
        if breakdown == "by_closure":
            flags = [
                name
                for name, present in (
                    ("actions_outstanding", self.outstanding_actions_at_closure),
                    ("core_group_actions_not_implemented", self.core_group_actions_not_implemented),
                )
                if present
            ]
            return flags or ["neither"]
        if breakdown == "by_team":
            return [self.team_name or NO_TEAM]
        raise ValueError(f"No breakdown called {breakdown!r}.")

    def counts_in(self, measure: str) -> bool:
        return measure == "plans_ended" or getattr(self, measure)


def ended_plans(date_from: date, date_to: date, *, service_area: str | None = None, area_id=None) -> list[EndedPlan]:
    """The plans that ended in the period (see the module's definitions), oldest ending first.

    `area_id` limits to one service area by id (an Area or Service Manager's own).
    """
    if date_from > date_to:
        raise ValueError("The start of the period must not be after its end.")
    params = {"date_from": date_from, "date_to": date_to, "service_area": service_area or None, "area_id": area_id}
    with report_cursor() as cursor:
        cursor.execute(ENDED_PLANS, params)
        names = [column.name for column in cursor.description]
        return [EndedPlan(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _tally(plans: list[EndedPlan]) -> dict:
    return {measure: sum(1 for plan in plans if plan.counts_in(measure)) for measure in MEASURES}


def _keys(breakdown: str, plans: list[EndedPlan]) -> list[str]:
    """Every row of a fixed breakdown, in its order (zeros shown); the teams found, by name."""
    if breakdown == "by_length":
        return list(PLAN_LENGTH_BANDS)
    if breakdown == "by_how_ended":
        return list(HOW_ENDED_LABELS)
    if breakdown == "by_closure":
        return list(CLOSURE_LABELS)
    return sorted({plan.team_name or NO_TEAM for plan in plans}, key=lambda name: (name == NO_TEAM, name))


def outcomes(date_from: date, date_to: date, *, service_area: str | None = None, area_id=None) -> dict:
    """The report: headline counts, and each breakdown's counts per row. JSON-ready."""
    plans = ended_plans(date_from, date_to, service_area=service_area, area_id=area_id)
    report = {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "service_area": service_area,
        **_tally(plans),
    }
    for breakdown in BREAKDOWNS:
        report[breakdown] = {
            key: _tally([plan for plan in plans if key in plan.groups(breakdown)]) for key in _keys(breakdown, plans)
        }
    return report


def plans_behind(plans: list[EndedPlan], breakdown: str | None, group: str | None, measure: str) -> list[EndedPlan]:
    """The ended plans behind one figure: a breakdown's row (or the headline) and a measure."""
    if measure not in MEASURES:
        raise ValueError(f"No measure called {measure!r}.")
    if breakdown is not None and breakdown not in BREAKDOWNS:
        raise ValueError(f"No breakdown called {breakdown!r}.")
    return [
        plan for plan in plans if plan.counts_in(measure) and (breakdown is None or group in plan.groups(breakdown))
    ]


def row_label(breakdown: str, key: str) -> str:
    labels = {"by_length": BAND_LABELS, "by_how_ended": HOW_ENDED_LABELS, "by_closure": CLOSURE_LABELS}
    return labels.get(breakdown, {}).get(key, key)


# Files: team names are typed by people, so every row goes through the formula-safe writers.


def rows(report: dict) -> list[list]:
    """One line per figure: breakdown, row, and the three measures; the headline first."""
    lines = [["All plans ended", "", *(report[m] for m in MEASURES)]]
    for breakdown, title in BREAKDOWNS.items():
        for key, counts in report[breakdown].items():
            lines.append([title, row_label(breakdown, key), *(counts[m] for m in MEASURES)])
    return lines


HEADER = ["Breakdown", "Row", *(MEASURE_LABELS[m] for m in MEASURES)]


def report_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(report))
    return out.getvalue()


def report_xlsx(report: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "What follows each ending"
    append_safe(sheet, [f"Plans ended {report['date_from']} to {report['date_to']}"])
    append_safe(sheet, HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in rows(report):
        append_safe(sheet, line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(date_from: date, date_to: date, file_format: str) -> str:
    return f"repeat-outcomes-{date_from:%Y-%m-%d}-to-{date_to:%Y-%m-%d}.{file_format}"


RENDERERS: dict[str, Callable[[dict], str | bytes]] = {"csv": report_csv, "xlsx": report_xlsx}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
