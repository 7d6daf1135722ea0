"""The performance indicators give the numbers their definitions give by hand (quality/indicators.py).

Plans are built at known dates, including the boundaries (29 February, month ends, exactly 3 months,
exactly 1 and 2 years); requests are walked through the real transitions, or given audit events at
known times where the working days in a stage are counted.
"""

import datetime as dt
import json
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Child, CPPlan
from cases.selectors import previous_plans_before_each
from conferences import records, transitions
from conferences.assessment import within_months
from conferences.models import ConferenceRequest, State
from conferences.requirements import step_missing
from conferences.selectors import assessment_for
from conferences.timescales import working_days_between
from quality import indicators
from tests.conferences.journeys import checked, child_with_plans, proceeded, screened
from tests.factories import ChildFactory, CPPlanFactory, FamilyFactory

YEAR_FROM, YEAR_TO = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def d(text):
    return dt.date.fromisoformat(text)


def plans(child, *spans, **kwargs):
    for start, end in spans:
        CPPlanFactory(child=child, start_date=d(start), end_date=end and d(end), **kwargs)


@pytest.fixture
def history(council):
    """Plans around the boundaries of 2025; north and south teams so that the scope can be checked."""
    north, south = council.north_team, council.south_team
    # A: previous plan ended 29 Feb 2024; + 1 year is 28 Feb 2025, so 27 Feb is within 12 months.
    plans(ChildFactory(team=north), ("2023-01-10", "2024-02-29"), ("2025-02-27", None))
    # B: previous ended 29 Feb 2024, the new plan starts on 28 Feb 2025 exactly: not within 12 months, within 2 years.
    plans(ChildFactory(team=north), ("2024-01-01", "2024-02-29"), ("2025-02-28", None))
    # C: no earlier plan on record, but the census declared one: a repeat with no date to measure from.
    CPPlanFactory(child=ChildFactory(team=south), start_date=d("2025-03-01"), end_date=None, declared_previous_plans=1)
    # D: a first plan that starts and ends in 2025, lasting exactly 3 months (in the "up to 3 months" band).
    plans(ChildFactory(team=south), ("2025-04-01", "2025-07-01"))
    # E: the third plan; the previous ended 1 May 2022, + 2 years is 1 May 2024: not within 2 years.
    plans(ChildFactory(team=north), ("2021-01-01", "2021-06-01"), ("2022-01-01", "2022-05-01"), ("2025-05-01", None))
    # F: declared two previous plans: third or later.
    CPPlanFactory(child=ChildFactory(team=south), start_date=d("2025-08-01"), end_date=None, declared_previous_plans=2)
    # G: started before the period, ended 1 day after 3 months: "3 to 6 months".
    plans(ChildFactory(team=north), ("2024-12-31", "2025-04-01"))
    # H: an earlier plan held by another council counts as history, never as this council's plan.
    other = ChildFactory(team=north)
    plans(other, ("2025-01-15", "2025-03-01"), held_by_other_council=True, other_council="Shire County")
    plans(other, ("2025-06-01", None))
    # I, J, K: exactly 1 year (6-12 months), exactly 2 years (1-2 years), more than 2 years.
    plans(ChildFactory(team=south), ("2024-06-30", "2025-06-30"))
    plans(ChildFactory(team=south), ("2023-05-15", "2025-05-15"))
    plans(ChildFactory(team=north), ("2022-01-01", "2025-01-02"))
    # L: 30 Nov 2024 + 3 months is 28 Feb 2025, so a plan ending that day is "up to 3 months".
    plans(ChildFactory(team=north), ("2024-11-30", "2025-02-28"))
    # Outside the period: starts 1 Jan 2026; ended 31 Dec 2024.
    plans(ChildFactory(team=north), ("2024-03-01", "2024-12-31"), ("2026-01-01", None))
    return council


def test_plan_indicators_match_the_definitions_worked_by_hand(history):
    figures = indicators.indicators(YEAR_FROM, YEAR_TO)

    # Started in 2025, this council's: A, B, C, D, E, F, H (not H's other-council plan, not 2026's).
    assert figures["plans_started"] == 7
    # A, B, H (plan on record), C (declared 1), E (two on record), F (declared 2); not D.
    assert figures["repeat_plans_started"] == 6
    assert figures["repeat_rate"] == 85.7
    assert figures["national_repeat_rate_2025"] == 24.5
    # A (27 Feb < 28 Feb 2025) and H (1 Jun 2025 < 1 Mar 2026); not B (starts on the limit), C/F (no date), E.
    assert figures["repeat_within_12_months"] == 2
    assert figures["repeat_within_2_years"] == 3  # A, B, H
    assert figures["third_or_later_plans_started"] == 2  # E, F
    assert figures["plans_ended_by_length"] == {
        "up_to_3_months": 2,  # D (exactly 3 months), L (30 Nov + 3 months = 28 Feb)
        "3_to_6_months": 1,  # G
        "6_to_12_months": 1,  # I (exactly 1 year)
        "1_to_2_years": 1,  # J (exactly 2 years)
        "2_years_or_more": 1,  # K
    }
    assert figures["plans_ended"] == 6


def test_a_service_area_counts_only_its_childrens_plans(history):
    south = indicators.indicators(YEAR_FROM, YEAR_TO, service_area="Birth-25 Service")

    assert south["plans_started"] == 3  # C, D, F
    assert south["repeat_plans_started"] == 2  # C, F
    assert south["repeat_rate"] == 66.7
    assert south["third_or_later_plans_started"] == 1
    assert sum(south["plans_ended_by_length"].values()) == 3  # D, I, J


def test_a_period_with_no_plans_gives_no_rate_rather_than_a_division_by_zero(council):
    figures = indicators.indicators(YEAR_FROM, YEAR_TO)

    assert figures["plans_started"] == 0
    assert figures["repeat_rate"] is None
    assert figures["compliance"]["partners_informed"] == {"count": 0, "of": 0, "percent": None}


def test_the_cases_behind_a_number_are_exactly_those_it_counts(history):
    for key in indicators.PLAN_MEASURES:
        behind = CPPlan.objects.filter(pk__in=indicators.ids_behind(key, YEAR_FROM, YEAR_TO))
        counts = indicators._plan_counts(indicators._params(YEAR_FROM, YEAR_TO))["all"]
        assert behind.count() == counts[key], key
    within = CPPlan.objects.filter(pk__in=indicators.ids_behind("repeat_within_12_months", YEAR_FROM, YEAR_TO))
    assert sorted(plan.start_date for plan in within) == [d("2025-02-27"), d("2025-06-01")]


def test_monthly_trend_clips_months_to_the_period_and_keeps_empty_months(history):
    months = indicators.monthly(d("2025-02-15"), d("2025-05-31"))

    assert [row["month"] for row in months] == [d("2025-02-01"), d("2025-03-01"), d("2025-04-01"), d("2025-05-01")]
    assert [row["plans_started"] for row in months] == [2, 1, 1, 1]  # A, B | C | D | E
    assert [row["repeat_rate"] for row in months] == [100.0, 100.0, 0.0, 100.0]
    assert [row["plans_ended"] for row in months] == [1, 0, 1, 1]  # L | - | G | J


def test_breakdown_by_service_area_adds_up_to_the_whole(history):
    rows = indicators.breakdown(YEAR_FROM, YEAR_TO, "service_area")

    assert {row["name"]: row["plans_started"] for row in rows} == {"Area Units": 4, "Birth-25 Service": 3}
    teams = indicators.breakdown(YEAR_FROM, YEAR_TO, "team")
    assert {row["name"]: row["repeat_plans_started"] for row in teams} == {
        "Area Units: North Area Unit": 4,
        "Birth-25 Service: South Birth-25 Team": 2,
    }


# --- The date rules in SQL and in Python agree -------------------------------------------------------------------

TRICKY_ENDS = [
    "2024-02-29", "2023-02-28", "2024-02-28", "2024-03-01", "2024-01-31", "2024-03-31",
    "2024-08-31", "2024-12-31", "2025-02-28", "2027-02-28", "2028-02-29", "2023-11-30",
]  # fmt: skip


def test_sql_calendar_arithmetic_agrees_with_the_assessments_date_rules_on_every_boundary(db):
    """PostgreSQL's `date + interval` and dateutil agree: 29 Feb 2024 + 1 year = 28 Feb 2025, month ends clip."""
    pairs = []
    for end in map(d, TRICKY_ENDS):
        for months in (3, 6, 12, 24):
            limit = end + relativedelta(months=months)
            pairs += [(end, limit + dt.timedelta(days=offset)) for offset in range(-2, 3)]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT earlier, later,
                      later < earlier + interval '1 year', later < earlier + interval '2 years',
                      later <= earlier + interval '3 months', later <= earlier + interval '6 months'
               FROM unnest(%s::date[], %s::date[]) AS pair(earlier, later)""",
            [[p[0] for p in pairs], [p[1] for p in pairs]],
        )
        rows = cursor.fetchall()
    assert len(rows) == len(pairs)
    for earlier, later, within_year, within_two, up_to_3, up_to_6 in rows:
        assert within_year == within_months(later, earlier, 12), (earlier, later)
        assert within_two == within_months(later, earlier, 24), (earlier, later)
        assert up_to_3 == (later <= earlier + relativedelta(months=3)), (earlier, later)
        assert up_to_6 == (later <= earlier + relativedelta(months=6)), (earlier, later)


def test_repeat_within_12_months_is_the_assessments_within_months_for_every_plan(council):
    """End to end: the plans the SQL counts are those within_months picks, around 29 February."""
    expected = set()
    for start in ["2025-02-26", "2025-02-27", "2025-02-28", "2025-03-01", "2026-02-27"]:
        child = ChildFactory(team=council.north_team)
        plans(child, ("2023-06-01", "2024-02-29"))
        plan = CPPlanFactory(child=child, start_date=d(start), end_date=None)
        if within_months(plan.start_date, d("2024-02-29"), 12):
            expected.add(plan.pk)
    found = set(
        CPPlan.objects.filter(
            pk__in=indicators.ids_behind("repeat_within_12_months", d("2025-01-01"), d("2026-12-31"))
        ).values_list("pk", flat=True)
    )
    assert found == expected
    assert len(found) == 2  # 26 and 27 February 2025


# --- Requests decided in the period: outcomes and the practice direction -------------------------------------------


def _short_plan_child(council):
    """A child whose previous plan lasted exactly 3 months, short by DESIGN.md section 3: a challenge and
    resolution trigger (R11)."""
    child = ChildFactory(team=council.north_team)
    CPPlanFactory(child=child, start_date=d("2024-10-01"), end_date=d("2025-01-01"))
    return child


@pytest.fixture
def decided(council):
    """Repeat requests taken to each outcome through the real transitions, all decided today."""
    sw, am, chair, hos = council.social_worker, council.area_manager, council.cp_chair, council.head_of_service
    made = {}

    request = proceeded(council, child_with_plans(council, 1))
    screened(council, request)
    made["proceeded"] = transitions.accept(request.pk, chair)

    request = checked(council, child_with_plans(council, 1))
    made["alternative"] = transitions.choose_alternative_route(
        request.pk, am, route="pre_proceedings", alternatives_considered=["child_in_need"], rationale="PLO fits better."
    )

    request = proceeded(council, child_with_plans(council, 1))
    made["declined"] = transitions.decline(request.pk, chair, reason="No difference from a CIN plan.")

    request = proceeded(council, child_with_plans(council, 2))
    screened(council, request)
    transitions.accept(request.pk, chair)
    made["third"] = transitions.agree(
        request.pk, hos, grounds=["risks_significantly_different"], rationale="New risks from a new partner."
    )

    request = checked(council, child_with_plans(council, 1))
    made["withdrawn"] = transitions.withdraw(request.pk, sw, reason="Family moved away.")

    request = proceeded(council, _short_plan_child(council))
    screened(council, request)
    records.issue_challenge(
        request.pk,
        chair,
        triggers=["stepped_down_early"],
        challenge="Why was the plan ended at 3 months?",
        response_due=timezone.localdate() + dt.timedelta(days=10),
    )
    made["challenged"] = transitions.accept(request.pk, chair)

    request = proceeded(council, _short_plan_child(council))
    screened(council, request)
    records.record_screening(
        request.pk,
        chair,
        difference="Plan adds drug services.",
        timescale_weeks=12,
    )
    records.record_challenge_not_issued(request.pk, chair, reason="The early step-down was agreed by conference.")
    made["not_challenged"] = transitions.accept(request.pk, chair)

    family = FamilyFactory()
    child = child_with_plans(council, 1)
    child.family = family
    child.save()
    sibling = ChildFactory(team=council.north_team, family=family)
    request = proceeded(council, child)
    screened(council, request)
    records.record_sibling_decision(request.pk, sw, sibling_id=sibling.pk, include=False, reason="Lives with father.")
    made["sibling"] = transitions.accept(request.pk, chair)

    # Not decided: still at screening.
    made["open"] = proceeded(council, child_with_plans(council, 1))
    return made


def today_only():
    today = timezone.localdate()
    return today, today


def test_outcomes_of_repeat_requests_decided_in_the_period(decided):
    figures = indicators.indicators(*today_only())

    assert figures["repeat_requests_decided"] == 8
    assert figures["outcomes"] == {
        "proceeded": 5,  # proceeded, third (agreed), challenged, not_challenged, sibling
        "alternative_route": {"legal_planning": 0, "pre_proceedings": 1, "child_in_need": 0},
        "declined": 1,
        "withdrawn": 1,
    }


def test_practice_direction_compliance_counted_over_the_requests_each_step_applies_to(decided):
    compliance = indicators.indicators(*today_only())["compliance"]

    # Every decided request had the manager's discussion except the one withdrawn before it.
    assert compliance["manager_discussion_recorded"] == {"count": 7, "of": 8, "percent": 87.5}
    # Partners were told only for the five requests that were fully screened.
    assert compliance["partners_informed"] == {"count": 5, "of": 8, "percent": 62.5}
    # Six reached screening (five accepted, one declined); the declined one had no conversation recorded.
    assert compliance["cp_chair_conversation"] == {"count": 5, "of": 6, "percent": 83.3}
    assert compliance["cp_manager_consultation"] == {"count": 5, "of": 6, "percent": 83.3}
    assert compliance["head_of_service_signoff"] == {"count": 1, "of": 1, "percent": 100.0}
    # Two had a trigger (a plan of 3 months); one challenge was issued, the other recorded why not.
    assert compliance["challenge_issued_where_triggers"] == {"count": 1, "of": 2, "percent": 50.0}
    assert compliance["sibling_consideration"] == {"count": 1, "of": 1, "percent": 100.0}


def test_compliance_in_sql_says_what_requirements_step_missing_says(decided):
    """The SQL restates conferences.requirements.step_missing; on every decided request the two agree."""
    steps = {
        "manager_discussion_recorded": "manager_discussion",
        "partners_informed": "partners_informed",
        "cp_chair_conversation": "cp_chair_conversation",
        "cp_manager_consultation": "cp_manager_consultation",
        "head_of_service_signoff": "head_of_service_signoff",
        "sibling_consideration": "sibling_consideration",
    }
    today = today_only()
    for name, step in steps.items():
        applies = set(ConferenceRequest.objects.filter(pk__in=indicators.ids_behind(f"{name}_applies", *today)))
        met = set(ConferenceRequest.objects.filter(pk__in=indicators.ids_behind(name, *today)))
        assert applies, name
        for request in applies:
            assessment = assessment_for(request, on_date=today[0])
            assert (request in met) == (not step_missing(request, step, assessment)), (name, request.pk)


def test_a_decision_counts_in_the_period_of_its_day_in_england(council):
    """23:30 UTC on 31 March 2025 is 00:30 on 1 April in London: decided in April."""
    request = ConferenceRequest.objects.create(
        child=ChildFactory(team=council.north_team), created_by=council.social_worker
    )
    AuditEvent.objects.create(
        action="decline",
        request=request,
        child=request.child,
        state_before=State.CPC_SCREENING,
        state_after=State.DECLINED,
        at=dt.datetime(2025, 3, 31, 23, 30, tzinfo=dt.UTC),
    )
    assert indicators.indicators(d("2025-03-01"), d("2025-03-31"))["repeat_requests_decided"] == 0
    assert indicators.indicators(d("2025-04-01"), d("2025-04-30"))["repeat_requests_decided"] == 1


# --- Working days in each stage ----------------------------------------------------------------------------------


def _walk(council, stages):
    """A request whose audit events move it through (state, entered at) pairs; times are UK noon."""
    request = ConferenceRequest.objects.create(
        child=ChildFactory(team=council.north_team), created_by=council.social_worker
    )
    previous = State.DRAFT
    for state, day in stages:
        AuditEvent.objects.create(
            action="move",
            request=request,
            child=request.child,
            state_before=previous,
            state_after=state,
            at=dt.datetime.combine(d(day), dt.time(12), tzinfo=dt.UTC),
        )
        previous = state
    return request


def test_median_working_days_in_each_stage_skip_weekends_and_bank_holidays(council):
    # Mon 3 Mar -> Wed 5 Mar -> Mon 10 Mar -> Fri 14 Mar 2025.
    _walk(
        council,
        [
            (State.PRIOR_PLAN_CHECK, "2025-03-03"),
            (State.MANAGER_DISCUSSION, "2025-03-05"),
            (State.CPC_SCREENING, "2025-03-10"),
            (State.READY_TO_CONVENE, "2025-03-14"),
        ],
    )
    # Thu 17 Apr -> Tue 22 Apr (Good Friday and Easter Monday between) -> Wed 23 Apr -> declined Thu 1 May.
    _walk(
        council,
        [
            (State.PRIOR_PLAN_CHECK, "2025-04-17"),
            (State.MANAGER_DISCUSSION, "2025-04-22"),
            (State.CPC_SCREENING, "2025-04-23"),
            (State.DECLINED, "2025-05-01"),
        ],
    )
    # Fri 2 May -> Thu 8 May (Early May bank holiday on the 5th) -> closed the same day.
    _walk(
        council,
        [
            (State.PRIOR_PLAN_CHECK, "2025-05-02"),
            (State.MANAGER_DISCUSSION, "2025-05-08"),
            (State.CLOSED_ALTERNATIVE_ROUTE, "2025-05-08"),
        ],
    )

    stages = indicators.indicators(YEAR_FROM, YEAR_TO)["median_working_days_in_stage"]

    assert working_days_between(d("2025-04-17"), d("2025-04-22")) == 1
    assert stages["prior_plan_check"] == {"median": 2.0, "requests": 3}  # 2, 1 and 3 working days
    assert stages["manager_discussion"] == {"median": 1.0, "requests": 3}  # 3, 1 and 0
    assert stages["cpc_screening"] == {"median": 5.0, "requests": 2}  # 4 and 6: the median is halfway
    assert stages["head_of_service_signoff"] == {"median": None, "requests": 0}


def test_sql_working_days_agree_with_timescales_working_days_between(db):
    days = [d("2025-04-16") + dt.timedelta(days=n) for n in range(0, 40, 3)] + [d("2025-12-24"), d("2026-01-02")]
    pairs = [(a, b) for a in days for b in days if a <= b]
    params = indicators._params(d("2025-01-01"), d("2026-12-31"))
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT entered, left_on,
                      (SELECT COUNT(*)
                       FROM generate_series((entered + 1)::timestamp, left_on::timestamp, interval '1 day') AS day
                       WHERE EXTRACT(ISODOW FROM day) < 6 AND day::date <> ALL(%s::date[]))
               FROM unnest(%s::date[], %s::date[]) AS pair(entered, left_on)""",
            [params["bank_holidays"], [a for a, _ in pairs], [b for _, b in pairs]],
        )
        for entered, left_on, counted in cursor.fetchall():
            assert counted == working_days_between(entered, left_on), (entered, left_on)
    assert "generate_series((entered + 1)::timestamp, left_on::timestamp" in indicators.STAGE_DAYS


# --- A fixed number of queries whatever the data -----------------------------------------------------------------


def _many(council, count):
    for index in range(count):
        child = ChildFactory(team=council.north_team if index % 2 else council.south_team)
        plans(child, ("2023-01-01", "2024-06-30"), (f"2025-{index % 12 + 1:02d}-10", None))


@pytest.mark.parametrize("count", [5, 50])
def test_indicator_queries_do_not_grow_with_the_data(council, count, django_assert_num_queries):
    _many(council, count)
    request = proceeded(council, child_with_plans(council, 1))
    transitions.decline(request.pk, council.cp_chair, reason="Not needed.")

    with django_assert_num_queries(3):
        figures = indicators.indicators(YEAR_FROM, timezone.localdate())
    assert figures["plans_started"] == count
    assert figures["repeat_requests_decided"] == 1
    with django_assert_num_queries(2):
        indicators.monthly(YEAR_FROM, YEAR_TO)
    with django_assert_num_queries(3):
        indicators.breakdown(YEAR_FROM, YEAR_TO, "team")
    with django_assert_num_queries(4):  # everything the page shows: plans, requests, median days, names
        report = indicators.report(YEAR_FROM, timezone.localdate())
    assert report["headline"] == figures


# --- The command line ----------------------------------------------------------------------------------------------


def test_command_prints_the_same_figures_as_json_and_csv(history):
    out = StringIO()
    call_command("indicators", "--from", "2025-01-01", "--to", "2025-12-31", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["plans_started"] == 7
    assert printed["plans_ended_by_length"]["up_to_3_months"] == 2
    # The whole report the page shows: the months and the breakdowns too.
    assert [row["month"] for row in printed["monthly"]][:2] == ["2025-01-01", "2025-02-01"]
    assert sum(row["plans_started"] for row in printed["monthly"]) == 7
    assert {row["name"]: row["plans_started"] for row in printed["by_service_area"]} == {
        "Area Units": 4,
        "Birth-25 Service": 3,
    }
    assert len(printed["by_team"]) == 2

    out = StringIO()
    call_command(
        "indicators",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--service-area",
        "Birth-25 Service",
        "--format",
        "csv",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == "Section,Row,Indicator,Value"  # the page's CSV download: the words on screen, not keys
    assert "Headline figures,,CP plans started,3" in lines
    assert "Headline figures,,CP plans ended lasting 1 to 2 years,1" in lines
    assert "Headline figures,,Service area,Birth-25 Service" in lines
    assert "By team,Birth-25 Service: South Birth-25 Team,CP plans started,3" in lines


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "2025-13-01", "--to", "2025-12-31"], "not a date"),
        (["--from", "2025-12-31", "--to", "2025-01-01"], "on or before"),
        (["--from", "2025-01-01", "--to", "2025-12-31", "--service-area", "Nowhere"], "No service area is called"),
    ],
)
def test_command_refuses_bad_input_with_a_clear_message(council, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("indicators", *arguments, stdout=StringIO())


def test_the_previous_plans_of_each_plan_are_the_selectors_count(db):
    """The indicators' SQL counts previous plans as cases.selectors does: the record raised to the
    census's NumberOfPreviousCPP, for every plan of every child."""
    declared_histories = [[None, None], [2, None, None], [None, 4, 0], [0, None, 1]]
    for number, declared in enumerate(declared_histories):
        child = ChildFactory(local_child_id=f"SQL{number}")
        start = d("2020-01-01")
        for count in declared:
            end = start + dt.timedelta(days=100)
            CPPlanFactory(child=child, start_date=start, end_date=end, declared_previous_plans=count)
            start = end + dt.timedelta(days=50)
    sql = f"WITH {indicators.PLAN_FACTS} SELECT id, previous_plans FROM plan_facts"
    found = indicators._rows(sql, indicators._params(d("2020-01-01"), d("2022-12-31")))
    expected = {}
    for child in Child.objects.filter(local_child_id__startswith="SQL"):
        expected.update(previous_plans_before_each(child.plans.all()))
    assert {row["id"]: row["previous_plans"] for row in found} == expected
    assert sorted(expected.values()) == [0, 0, 0, 1, 1, 2, 2, 3, 4, 4, 5]
