"""A child's CP plan history as their record shows it: each plan's words, dates and place on the timeline.

Everything the page prints for a plan is worked out here once, in plain strings, so that the template
only places them: a child with fifty plans would otherwise cost the template thousands of lookups,
filters and includes (the page's largest cost).
"""

from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from cases.codes import name_of, names_of
from cases.durations import duration_words, is_long, is_short, within_months
from cases.models import CPPlan, PlanSource
from cases.selectors import PreviousPlans, previous_plans

TIMELINE_WIDTH = 1000.0
AXIS_HEIGHT, ROW_HEIGHT = 30, 40
MOST_YEAR_LABELS = 12
# The timeline's bars: a plan held here, by another council, and the current plan.
HELD_HERE, HELD_ELSEWHERE, CURRENT = "#1d70b8", "#912b88", "#00703c"
SHORT_OUTLINE = mark_safe(' stroke="#f47738" stroke-width="3"')
# One plan on the timeline: its bar and its label. Drawn here, once a plan, rather than by the template
# attribute by attribute: the chart is a drawing from numbers, and fifty plans made it hundreds of lookups.
BAR = (
    '<rect x="{}" y="{}" width="{}" height="18" rx="2" fill="{}"{}/>\n'
    '    <text x="{}" y="{}" text-anchor="{}" font-family="Arial, sans-serif" font-size="13" fill="#0b0c0c">{}</text>'
)


def short_date(day: date | None) -> str:
    """As the `date:"j M Y"` filter shows it ("7 Sep 2024"); nothing for no date."""
    return f"{day:%-d %b %Y}" if day else ""


def long_date(day: date | None) -> str:
    """As the `date:"j F Y"` filter shows it ("7 September 2024"); nothing for no date."""
    return f"{day:%-d %B %Y}" if day else ""


@dataclass(frozen=True)
class PlanRow:
    """One CP plan as the record shows it; the short/long tests are the assessment's own helpers."""

    number: int
    plan: CPPlan
    started: str
    ended: str  # the table's words: the end date, open at a census, or current
    title: str
    length: str
    length_days: int
    short: bool
    long: bool
    gap_before: str  # time between the previous plan's end and this one's start
    categories: str
    held_by: str
    source: str  # where the plan came from, in words
    factors: str
    services: list[str]  # each service and how the family engaged
    how_ended: str
    bar: SafeString  # its bar and label on the timeline, in SVG


@dataclass(frozen=True)
class History:
    rows: list[PlanRow]
    previous: PreviousPlans
    open_plan: CPPlan | None
    last_end: date | None
    since_last_end: str
    within_12_months: bool
    axis_start: date
    axis_years: list[tuple[str, str]]  # each year labelled, and its x
    chart_height: int


def _source(plan: CPPlan) -> str:
    if plan.source == PlanSource.CENSUS:
        words = "Census return" + (f" of {long_date(plan.source_date)}" if plan.source_date else "")
        if plan.open_only_per_census:
            words += f": open at the census of {long_date(plan.source_date)}, and not known to have ended since"
    elif plan.source == PlanSource.CONFERENCE:
        words = "Conference" + (f" on {long_date(plan.source_date)}" if plan.source_date else "")
    else:
        words = "Entered by the data manager"
    return words + (", corrected since (below)" if plan.corrections else "")


def _ended(plan: CPPlan) -> str:
    if plan.end_date:
        return short_date(plan.end_date)
    if plan.open_only_per_census:
        return f"Open at the census of {long_date(plan.source_date)}"
    return "Current"


def _categories(plan: CPPlan) -> str:
    later = plan.latest_category and plan.latest_category != plan.initial_category
    return name_of(str(plan.initial_category)) + (f", later {name_of(plan.latest_category)}" if later else "")


def plan_history(plans: list[CPPlan], today: date) -> History:
    """The child's plans in order, with lengths and the gaps between them, placed on a timeline up to today.

    Each plan carries its `corrections` (cases.corrections) and its prefetched `services`."""
    plans = sorted(plans, key=lambda plan: plan.start_date)
    axis_start = date(plans[0].start_date.year, 1, 1) if plans else date(today.year, 1, 1)
    span = max((today - axis_start).days, 1)

    def x(day: date) -> float:
        return round(TIMELINE_WIDTH * (day - axis_start).days / span, 1)

    rows, previous_end = [], None
    for number, plan in enumerate(plans, start=1):
        end = plan.end_date or today
        length = duration_words(plan.start_date, end)
        at_left = x(plan.start_date) < TIMELINE_WIDTH * 0.7
        held_by = (plan.other_council or "Another council") if plan.held_by_other_council else "This council"
        short = bool(plan.end_date) and is_short(plan.start_date, plan.end_date)
        label = f"Plan {number}: {length}"
        if plan.held_by_other_council:
            label += f" ({plan.other_council or 'another council'})"
        if not plan.end_date:
            label += " (current)"
        bar_y = AXIS_HEIGHT + (number - 1) * ROW_HEIGHT + 16
        rows.append(
            PlanRow(
                number=number,
                plan=plan,
                started=short_date(plan.start_date),
                ended=_ended(plan),
                title=f"Plan {number}: {short_date(plan.start_date)} to {short_date(plan.end_date) or 'now'}",
                length=length,
                length_days=(end - plan.start_date).days,
                short=short,
                long=bool(plan.end_date) and is_long(plan.start_date, plan.end_date),
                gap_before=duration_words(previous_end, plan.start_date) if previous_end else "",
                categories=_categories(plan),
                held_by=held_by,
                source=_source(plan),
                factors=names_of(plan.assessment_factors),
                services=[
                    f"{service.name}: {service.get_engagement_display().lower()}"
                    + (f". {service.notes}" if service.notes else "")
                    for service in plan.services.all()
                ],
                how_ended=plan.get_how_ended_display() if plan.end_date else "",
                bar=format_html(
                    BAR,
                    x(plan.start_date),
                    bar_y,
                    max(x(end) - x(plan.start_date), 3.0),
                    CURRENT if not plan.end_date else HELD_ELSEWHERE if plan.held_by_other_council else HELD_HERE,
                    SHORT_OUTLINE if short else "",
                    x(plan.start_date) if at_left else x(end),
                    bar_y - 3,
                    "start" if at_left else "end",
                    label,
                ),
            )
        )
        previous_end = plan.end_date
    ended = [plan for plan in plans if plan.end_date and plan.end_date <= today]
    last_end = max((plan.end_date for plan in ended), default=None)
    step = -(-(today.year + 1 - axis_start.year) // MOST_YEAR_LABELS)
    years = [(str(year), str(x(date(year, 1, 1)))) for year in range(axis_start.year, today.year + 1, step)]
    return History(
        rows=rows,
        previous=previous_plans(plans, today),
        open_plan=next((plan for plan in plans if plan.end_date is None), None),
        last_end=last_end,
        since_last_end=duration_words(last_end, today) if last_end else "",
        within_12_months=bool(last_end) and within_months(today, last_end, 12),
        axis_start=axis_start,
        axis_years=years,
        chart_height=AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 10,
    )
