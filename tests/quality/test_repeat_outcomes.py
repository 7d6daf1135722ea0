"""`repeat_outcomes` against an independent count: a census return of several years, made here, goes in
through `import_cin_census`; the figures are then worked by hand from the XML itself (ElementTree and
dateutil, not the SQL in audit/repeat_outcomes.py), following the definitions as the issue states them:

- a plan ended in the period when its end date is in it, both days included;
- the following plan is the child's next plan by start date;
- repeat within 12 months / 2 years: the following plan starts before end + 1 year / + 2 years
  (calendar arithmetic: 29 February + 1 year is 28 February);
- length bands include their upper bound (exactly 3 months is "up to 3 months").

The generated history puts plans on the boundaries: gaps of exactly 12 months and 2 years, a day
either side, endings on 29 February, plans of exactly 3, 6, 12 and 24 months.
"""

import json
import random
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.urls import reverse

from audit.models import RecordAccess
from cases.models import CPPlan
from tests.cases.census_xml import census, child, episode, plan, write

PERIOD = (date(2021, 4, 1), date(2024, 3, 31))
LENGTHS = [
    relativedelta(months=3),
    relativedelta(months=3, days=1),
    relativedelta(months=2),
    relativedelta(months=6),
    relativedelta(months=6, days=1),
    relativedelta(months=9),
    relativedelta(years=1),
    relativedelta(years=1, days=1),
    relativedelta(months=18),
    relativedelta(years=2),
    relativedelta(years=2, days=1),
    relativedelta(years=3),
]
GAPS = [
    relativedelta(days=1),
    relativedelta(months=4),
    relativedelta(years=1, days=-1),
    relativedelta(years=1),
    relativedelta(years=1, days=1),
    relativedelta(months=18),
    relativedelta(years=2, days=-1),
    relativedelta(years=2),
    relativedelta(years=2, days=1),
    relativedelta(years=3),
]
BANDS = {  # name: (lower bound excluded, upper bound included), as lengths from the start date
    "up_to_3_months": (None, relativedelta(months=3)),
    "3_to_6_months": (relativedelta(months=3), relativedelta(months=6)),
    "6_to_12_months": (relativedelta(months=6), relativedelta(years=1)),
    "1_to_2_years": (relativedelta(years=1), relativedelta(years=2)),
    "2_years_or_more": (relativedelta(years=2), None),
}


def history(rng: random.Random) -> list[tuple[date, date | None]]:
    """One child's plans, oldest first, from 2016; the last may still be open at the census date."""
    plans, start = [], date(2016, 1, 1) + timedelta(days=rng.randrange(0, 1200))
    if rng.random() < 0.1:
        start = date(2020, 2, 29) - rng.choice(LENGTHS)  # ends on 29 February
    for _ in range(rng.randint(1, 4)):
        end = start + rng.choice(LENGTHS)
        if end > date(2025, 3, 31):
            if rng.random() < 0.5:
                plans.append((start, None))
            break
        plans.append((start, end))
        start = end + rng.choice(GAPS)
        if start > date(2025, 3, 1):
            break
    return plans


YEARS = range(2016, 2026)  # census years ending 31 March 2016 ... 31 March 2025


def year_return(histories: dict[str, list], year: int) -> str:
    """One year's return, as a council sends it: each child's plans open during the census year (rule
    8930: an end date falls within the year), a plan still open on the reference date without one."""
    first, last = date(year - 1, 4, 1), date(year, 3, 31)
    children = []
    for child_id, plans in histories.items():
        episodes = [
            episode(
                plan(start.isoformat(), end.isoformat() if end and end <= last else None, previous=str(index)),
                referral=(start - timedelta(days=20)).isoformat(),
                conference=start.isoformat(),
            )
            for index, (start, end) in enumerate(plans)
            if start <= last and (end is None or end >= first)
        ]
        if episodes:
            children.append(child(child_id, *episodes, birth="2012-06-01"))
    return census(*children, reference=last.isoformat())


@pytest.fixture
def imported(db, tmp_path) -> list:
    """Ten years of returns, imported oldest first; a plan open at one year's end is closed by a later return."""
    rng = random.Random(14)
    histories = {f"RPT{number:05d}": history(rng) for number in range(120)}
    paths = [write(tmp_path, f"cin_{year}.xml", year_return(histories, year)) for year in YEARS]
    for path in paths:
        call_command("import_cin_census", str(path), stdout=StringIO())
    return paths


def plans_in_returns(paths) -> dict[str, dict[date, date | None]]:
    """Each child's plans by start date, across the returns; a later return's end date completes a plan."""
    children = {}
    for path in paths:
        for node in ET.parse(path).getroot().iter("Child"):
            plans = children.setdefault(node.findtext("ChildIdentifiers/LAchildID"), {})
            for p in node.iter("ChildProtectionPlans"):
                start = date.fromisoformat(p.findtext("CPPstartDate"))
                end = p.findtext("CPPendDate")
                plans[start] = date.fromisoformat(end) if end else plans.get(start)
    return children


def by_hand(paths) -> dict:
    counts = {"plans_ended": 0, "repeat_within_12_months": 0, "repeat_within_2_years": 0, "by_length": {}}
    for band in BANDS:
        counts["by_length"][band] = {"plans_ended": 0, "repeat_within_12_months": 0, "repeat_within_2_years": 0}
    for by_start in plans_in_returns(paths).values():
        plans = sorted(by_start.items())
        for index, (start, end) in enumerate(plans):
            if end is None or not PERIOD[0] <= end <= PERIOD[1]:
                continue
            following = plans[index + 1][0] if index + 1 < len(plans) else None
            within_12 = following is not None and following < end + relativedelta(years=1)
            within_24 = following is not None and following < end + relativedelta(years=2)
            band = next(
                name
                for name, (lower, upper) in BANDS.items()
                if (lower is None or end > start + lower) and (upper is None or end <= start + upper)
            )
            for bucket in (counts, counts["by_length"][band]):
                bucket["plans_ended"] += 1
                bucket["repeat_within_12_months"] += within_12
                bucket["repeat_within_2_years"] += within_24
    return counts


def test_repeat_outcomes_equals_an_independent_count_of_the_census(imported):
    out = StringIO()
    call_command("repeat_outcomes", "--from", PERIOD[0].isoformat(), "--to", PERIOD[1].isoformat(), stdout=out)
    report = json.loads(out.getvalue())
    expected = by_hand(imported)

    assert CPPlan.objects.count() == sum(len(plans) for plans in plans_in_returns(imported).values())
    assert CPPlan.objects.filter(end_date__isnull=True).count() == sum(
        1 for plans in plans_in_returns(imported).values() for end in plans.values() if end is None
    )
    assert expected["plans_ended"] > 50 and expected["repeat_within_12_months"] > 5, "the census tests too little"
    assert {key: report[key] for key in ("plans_ended", "repeat_within_12_months", "repeat_within_2_years")} == {
        key: expected[key] for key in ("plans_ended", "repeat_within_12_months", "repeat_within_2_years")
    }
    assert report["by_length"] == expected["by_length"]
    assert all(expected["by_length"][band]["plans_ended"] for band in BANDS), "every band should be exercised"
    # Imported plans record no ending or team: every ending is "not recorded", every child unallocated.
    assert report["by_how_ended"]["not_recorded"]["plans_ended"] == expected["plans_ended"]
    assert report["by_closure"]["neither"]["plans_ended"] == expected["plans_ended"]
    assert report["by_team"] == {
        "Not allocated": {
            key: expected[key] for key in ("plans_ended", "repeat_within_12_months", "repeat_within_2_years")
        }
    }


def test_csv_has_a_line_for_every_figure(imported):
    out = StringIO()
    call_command(
        "repeat_outcomes", "--from", PERIOD[0].isoformat(), "--to", PERIOD[1].isoformat(), "--format", "csv", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == "Breakdown,Row,Plans ended,Another plan within 12 months,Another plan within 2 years"
    expected = by_hand(imported)
    figures = [expected[key] for key in ("plans_ended", "repeat_within_12_months", "repeat_within_2_years")]
    assert lines[1] == "All plans ended,," + ",".join(map(str, figures))
    assert "By length of the plan,Up to 3 months," in out.getvalue()


def test_bad_arguments_are_clear_messages(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("repeat_outcomes", "--from", "2024-13-01", "--to", "2024-12-31")
    with pytest.raises(CommandError, match="on or before"):
        call_command("repeat_outcomes", "--from", "2024-12-31", "--to", "2024-01-01")
    with pytest.raises(CommandError, match="No service area"):
        call_command("repeat_outcomes", "--from", "2024-01-01", "--to", "2024-12-31", "--service-area", "Nowhere")


QUERY = {"date_from": PERIOD[0].isoformat(), "date_to": PERIOD[1].isoformat()}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("auditor", 200),
        ("cp_manager", 200),
        ("head_of_service", 200),
        ("area_manager", 200),
        ("service_manager", 200),
        ("social_worker", 403),
        ("team_manager", 403),
        ("cp_chair", 403),
    ],
)
def test_the_page_and_its_files_are_for_managers_and_auditors(client, council, role, status):
    client.force_login(getattr(council, role))
    assert client.get(reverse("quality:repeat_outcomes"), QUERY).status_code == status
    assert (
        client.get(reverse("quality:repeat_outcome_children"), {**QUERY, "measure": "plans_ended"}).status_code
        == status
    )
    for file_format in ("csv", "xlsx"):
        assert client.get(reverse("quality:repeat_outcomes_download", args=[file_format]), QUERY).status_code == status


def test_the_drill_down_lists_the_children_and_logs_each_look(client, council):
    from tests.factories import ChildFactory, CPPlanFactory

    followed = ChildFactory(team=council.north_team)
    CPPlanFactory(child=followed, start_date=date(2022, 1, 1), end_date=date(2022, 3, 1))
    CPPlanFactory(child=followed, start_date=date(2022, 9, 1), end_date=date(2023, 9, 1))
    theirs = ChildFactory(team=council.south_team)
    CPPlanFactory(child=theirs, start_date=date(2022, 1, 1), end_date=date(2022, 3, 1))
    CPPlanFactory(child=theirs, start_date=date(2022, 9, 1), end_date=None)

    client.force_login(council.area_manager)  # north area only
    page = client.get(reverse("quality:repeat_outcomes"), QUERY).content.decode()
    assert "What follows each ending" in page
    response = client.get(
        reverse("quality:repeat_outcome_children"),
        {**QUERY, "breakdown": "by_length", "group": "up_to_3_months", "measure": "repeat_within_12_months"},
    )
    text = response.content.decode()
    assert followed.full_name in text and theirs.full_name not in text
    assert list(RecordAccess.objects.values_list("children", flat=True)) == [[followed.pk]]  # one record, the list
    assert client.get(reverse("quality:repeat_outcome_children"), {**QUERY, "measure": "nonsense"}).status_code == 404

    client.force_login(council.auditor)
    response = client.get(reverse("quality:repeat_outcome_children"), {**QUERY, "measure": "repeat_within_12_months"})
    assert theirs.full_name in response.content.decode()
    assert RecordAccess.objects.filter(user=council.auditor, children__contains=[theirs.pk]).exists()
    xlsx = client.get(reverse("quality:repeat_outcomes_download", args=["xlsx"]), QUERY)
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_period_over_five_years_is_prepared_in_the_background_not_while_the_person_waits(
    client, council, django_capture_on_commit_callbacks
):
    from quality.models import ReportRun
    from tests.factories import ChildFactory, CPPlanFactory

    child = ChildFactory(team=council.north_team)
    CPPlanFactory(child=child, start_date=date(2015, 1, 1), end_date=date(2015, 3, 1))
    CPPlanFactory(child=child, start_date=date(2015, 9, 1), end_date=date(2023, 9, 1))
    long = {"date_from": "2014-01-01", "date_to": "2024-12-31"}
    client.force_login(council.area_manager)

    response = client.get(reverse("quality:repeat_outcomes"), long)
    assert response.status_code == 200 and "report" not in response.context  # no figures worked out
    assert "Prepare the report" in response.content.decode()
    for address in (
        reverse("quality:repeat_outcome_children") + "?measure=plans_ended",
        reverse("quality:repeat_outcomes_download", args=["csv"]),
    ):
        answer = client.get(address, long)
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("quality:repeat_outcomes"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("quality:repeat_outcomes_report"), {**long, "file_format": "csv"})
    run = ReportRun.objects.get()
    assert response["Location"] == reverse("quality:report_run", args=[run.pk])
    assert (run.kind, run.status, run.parameters["area_id"]) == (
        "repeat_outcomes",
        "done",
        council.north_team.service_area_id,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Report: what follows each ending" in page
    assert "Download repeat-outcomes-2014-01-01-to-2024-12-31.csv" in page
    lines = client.get(reverse("quality:report_download", args=[run.pk])).content.decode().splitlines()
    assert "All plans ended,,2,1,1" in lines  # 1 Mar 2015, followed within 12 months, and 1 Sep 2023
