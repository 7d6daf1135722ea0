"""End to end: a census return we did not write goes in through `import_cin_census`, then `indicators`
gives the numbers the definitions give by hand.

The hand figures are worked from the XML itself (ElementTree, dateutil), following the definitions
as the issue states them, not the SQL in quality/indicators.py, so a fault in the import or in the
indicators shows as a difference:
- a plan starts (ends) in the period when its start (end) date is in it, both days included;
- an earlier plan on record is one of the child's plans that ended on or before this plan started;
  the previous plan on record is the one of those that ended last;
- repeat: an earlier plan on record, or NumberOfPreviousCPP >= 1; third or later: two or more
  earlier plans on record, or NumberOfPreviousCPP >= 2;
- within 12 months / 2 years: a repeat plan that starts before its previous plan on record ended
  + 1 year / + 2 years (calendar arithmetic);
- length bands include their upper bound (exactly 3 months is "up to 3 months").
The one child whose plan ends before it starts (HID00009, census rule 8925) must be rejected and
reported, and is left out of the hand figures. Importing the same file again changes nothing.
"""

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.core.management import call_command

from cases.models import Child, CPPlan
from tests.cases.census_xml import SAMPLE

PERIOD = (date(2024, 4, 1), date(2025, 3, 31))
REJECTED_CHILD, REJECTED_RULE = "HID00009", "8925"

BANDS = {  # name: (lower bound excluded, upper bound included), as lengths from the start date
    "up_to_3_months": (None, relativedelta(months=3)),
    "3_to_6_months": (relativedelta(months=3), relativedelta(months=6)),
    "6_to_12_months": (relativedelta(months=6), relativedelta(years=1)),
    "1_to_2_years": (relativedelta(years=1), relativedelta(years=2)),
    "2_years_or_more": (relativedelta(years=2), None),
}


@dataclass(frozen=True)
class Plan:
    start: date
    end: date | None
    declared: int


def plans_in_file(path: Path) -> dict[str, list[Plan]]:
    """Every child's CP plans as the return gives them, in start order."""
    children = {}
    for child in ET.parse(path).getroot().iter("Child"):
        plans = [
            Plan(
                start=date.fromisoformat(plan.findtext("CPPstartDate")),
                end=date.fromisoformat(plan.findtext("CPPendDate")) if plan.findtext("CPPendDate") else None,
                declared=int(plan.findtext("NumberOfPreviousCPP")),
            )
            for plan in child.iter("ChildProtectionPlans")
        ]
        children[child.findtext("ChildIdentifiers/LAchildID")] = sorted(plans, key=lambda plan: plan.start)
    return children


def in_period(day: date | None) -> bool:
    return day is not None and PERIOD[0] <= day <= PERIOD[1]


def band_of(plan: Plan) -> str:
    for name, (lower, upper) in BANDS.items():
        if (lower is None or plan.end > plan.start + lower) and (upper is None or plan.end <= plan.start + upper):
            return name
    raise AssertionError(f"no band for {plan}")


def by_hand(children: dict[str, list[Plan]]) -> dict:
    """The plan-based indicators for PERIOD, worked from the definitions."""
    figures = dict.fromkeys(
        [
            "plans_started",
            "repeat_plans_started",
            "repeat_within_12_months",
            "repeat_within_2_years",
            "third_or_later_plans_started",
            "plans_ended",
        ],
        0,
    )
    ended_by_length = dict.fromkeys(BANDS, 0)
    for plans in children.values():
        for plan in plans:
            if in_period(plan.end):
                figures["plans_ended"] += 1
                ended_by_length[band_of(plan)] += 1
            if not in_period(plan.start):
                continue
            figures["plans_started"] += 1
            earlier = sorted(
                (other for other in plans if other.end is not None and other.end <= plan.start), key=lambda p: p.end
            )
            if earlier or plan.declared >= 1:
                figures["repeat_plans_started"] += 1
                if earlier and plan.start < earlier[-1].end + relativedelta(years=1):
                    figures["repeat_within_12_months"] += 1
                if earlier and plan.start < earlier[-1].end + relativedelta(years=2):
                    figures["repeat_within_2_years"] += 1
            if len(earlier) >= 2 or plan.declared >= 2:
                figures["third_or_later_plans_started"] += 1
    figures["repeat_rate"] = round(100 * figures["repeat_plans_started"] / figures["plans_started"], 1)
    figures["plans_ended_by_length"] = ended_by_length
    return figures


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def import_sample() -> str:
    return run("import_cin_census", str(SAMPLE), "--no-progress")


def indicators_for_period() -> dict:
    return json.loads(
        run("indicators", "--from", PERIOD[0].isoformat(), "--to", PERIOD[1].isoformat(), "--format", "json")
    )


def held_plans() -> set[tuple]:
    return set(CPPlan.objects.values_list("child__local_child_id", "start_date", "end_date", "declared_previous_plans"))


def history_events() -> int:
    return sum(apps.get_model("cases", name).objects.count() for name in ("ChildEvent", "CPPlanEvent"))


@pytest.fixture
def census():
    assert SAMPLE.is_file(), f"the shared sample census return is missing: {SAMPLE}"
    children = plans_in_file(SAMPLE)
    rejected = children.pop(REJECTED_CHILD)
    assert any(plan.end is not None and plan.end < plan.start for plan in rejected), "the sample changed"
    return children


@pytest.mark.django_db
def test_imported_census_gives_the_indicators_the_definitions_give(census):
    output = import_sample()
    print(output)

    rejections = [line for line in output.splitlines() if line.startswith("Rejected ")]
    assert rejections, output
    assert all(line.startswith(f"Rejected {REJECTED_CHILD}: Rule {REJECTED_RULE}:") for line in rejections), output
    plan_count = sum(len(plans) for plans in census.values())
    assert f"Children: {len(census)} created, 0 updated, 0 unchanged, 1 rejected" in output
    assert f"CP plans: {plan_count} created, 0 updated, 0 unchanged" in output
    assert not Child.objects.filter(local_child_id=REJECTED_CHILD).exists()
    assert held_plans() == {
        (child_id, plan.start, plan.end, plan.declared) for child_id, plans in census.items() for plan in plans
    }

    expected = by_hand(census)
    figures = indicators_for_period()
    shown = {key: figures[key] for key in expected}
    print(f"Plan indicators {PERIOD[0]} to {PERIOD[1]}, by hand | from `indicators`:")
    for key in expected:
        print(f"  {key}: {expected[key]} | {shown[key]}")
    assert shown == expected

    events = history_events()
    again = import_sample()
    print(again)
    assert f"Children: 0 created, 0 updated, {len(census)} unchanged, 1 rejected" in again
    assert f"CP plans: 0 created, 0 updated, {plan_count} unchanged" in again
    assert history_events() == events
    assert held_plans() == {
        (child_id, plan.start, plan.end, plan.declared) for child_id, plans in census.items() for plan in plans
    }
    assert indicators_for_period() == figures
