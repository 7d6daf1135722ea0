"""Every report and export page runs the same number of queries for one case as for many.

Each page is read with one child's history behind it, then again with several more, and the
queries counted both times (django's CaptureQueriesContext) must be equal: nothing is fetched per
row. The children each have a short plan, a repeat plan within 12 months of it, and a repeat
request submitted and declined, so that every report and list has a row for each of them.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conferences.models import State
from quality import deep_dive
from tests.factories import ChildFactory, ConferenceRequestFactory, CPPlanFactory, TeamFactory

PERIOD = {"date_from": "2023-01-01", "date_to": "2024-12-31"}
A_YEAR = {"date_from": "2024-01-01", "date_to": "2024-12-31"}  # downloads at once go up to a year
SUBMITTED = dt.date(2024, 3, 10)


def add_children(council, count):
    for _ in range(count):
        child = ChildFactory(team=council.north_team)
        CPPlanFactory(child=child, start_date=dt.date(2023, 1, 10), end_date=dt.date(2023, 4, 1))
        CPPlanFactory(child=child, start_date=dt.date(2023, 9, 1), end_date=dt.date(2024, 2, 1))
        submitted = timezone.make_aware(dt.datetime.combine(SUBMITTED, dt.time(10)))
        request = ConferenceRequestFactory(
            child=child, created_by=council.social_worker, submitted_by=council.social_worker, submitted_at=submitted
        )
        AuditEvent.objects.create(
            action="decline",
            request=request,
            child=child,
            state_before=State.CPC_SCREENING,
            state_after=State.DECLINED,
            at=submitted + dt.timedelta(days=2),
        )


def pages(audit) -> dict:
    """Each report and export page: its address and query string."""
    outcomes = {"date_from": "2021-04-01", "date_to": "2024-12-31"}
    annex_a = {"day": "1", "month": "10", "year": "2023"}
    return {
        "indicators": (reverse("quality:indicators"), PERIOD),
        "indicator plans": (reverse("quality:indicator_cases", args=["repeat_within_12_months"]), PERIOD),
        "indicator requests": (reverse("quality:indicator_cases", args=["outcome_declined"]), PERIOD),
        "indicators csv": (reverse("quality:indicator_download", args=["csv"]), A_YEAR),
        "indicators xlsx": (reverse("quality:indicator_download", args=["xlsx"]), A_YEAR),
        "repeat outcomes": (reverse("quality:repeat_outcomes"), outcomes),
        "repeat outcome children": (
            reverse("quality:repeat_outcome_children"),
            {**outcomes, "measure": "repeat_within_12_months"},
        ),
        "repeat outcomes csv": (reverse("quality:repeat_outcomes_download", args=["csv"]), outcomes),
        "repeat outcomes xlsx": (reverse("quality:repeat_outcomes_download", args=["xlsx"]), outcomes),
        "annex a csv": (reverse("annex_a:export"), {**annex_a, "format": "csv"}),
        "annex a xlsx": (reverse("annex_a:export"), {**annex_a, "format": "xlsx"}),
        "deep dives": (reverse("quality:deep_dives"), {}),
        "deep dive": (reverse("quality:deep_dive", args=[audit.pk]), {}),
        "deep dive report": (reverse("quality:deep_dive_report", args=[audit.pk]), {}),
        "deep dive xlsx": (reverse("quality:deep_dive_report_xlsx", args=[audit.pk]), {}),
    }


def count_queries(client, url, params) -> int:
    client.get(url, params)  # once first: the content types' cache fills on a process's first look
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries)


def audit_of_march(council):
    return deep_dive.start_audit(council.auditor, title="March", period_from=SUBMITTED, period_to=SUBMITTED)


def test_every_report_and_export_page_runs_as_many_queries_for_one_case_as_for_many(client, council):
    client.force_login(council.auditor)
    add_children(council, 1)
    one = {name: count_queries(client, url, params) for name, (url, params) in pages(audit_of_march(council)).items()}

    add_children(council, 6)
    audit = audit_of_march(council)
    assert audit.cases.count() == 7
    many = {name: count_queries(client, url, params) for name, (url, params) in pages(audit).items()}

    assert many == one


# --- Fixed counts, whatever the number of teams, plans and requests -------------------------------------------

INDICATORS_PAGE_QUERIES = 9  # session, user, staff; plans, requests, names, median days; the form's two lists
INDICATORS_COMMAND_QUERIES = 4  # plans, requests, median days, names
OUTCOMES_PAGE_QUERIES = 5  # session, user, staff; the ended plans; the form's service areas


def teams_with_children(council, count):
    """`count` new teams, in both areas, each with a child behind every report and list."""
    for index in range(count):
        team = TeamFactory(service_area=(council.north_team if index % 2 else council.south_team).service_area)
        council.north_team = team  # add_children's team
        add_children(council, 1)


@pytest.mark.parametrize("teams", [1, 10])
def test_the_indicators_page_and_command_run_a_fixed_number_of_queries_whatever_the_teams(
    client, council, teams, django_assert_num_queries
):
    teams_with_children(council, teams)
    client.force_login(council.auditor)
    indicators_page = reverse("quality:indicators")
    client.get(indicators_page, PERIOD)  # once first: the content types' cache fills on a process's first look

    with django_assert_num_queries(INDICATORS_PAGE_QUERIES):
        response = client.get(indicators_page, PERIOD)
    assert len(response.context["by_team"]) == teams
    with django_assert_num_queries(INDICATORS_COMMAND_QUERIES):
        call_command("indicators", "--from", PERIOD["date_from"], "--to", PERIOD["date_to"], stdout=StringIO())


@pytest.mark.parametrize("teams", [1, 10])
def test_what_follows_each_ending_runs_a_fixed_number_of_queries_whatever_the_teams(
    client, council, teams, django_assert_num_queries
):
    teams_with_children(council, teams)
    client.force_login(council.auditor)
    outcomes_page = reverse("quality:repeat_outcomes")
    period = {"date_from": "2021-04-01", "date_to": "2024-12-31"}
    client.get(outcomes_page, period)

    with django_assert_num_queries(OUTCOMES_PAGE_QUERIES):
        response = client.get(outcomes_page, period)
    assert response.context["report"]["plans_ended"] == 2 * teams
    with django_assert_num_queries(1):  # the ended plans
        call_command("repeat_outcomes", "--from", period["date_from"], "--to", period["date_to"], stdout=StringIO())
