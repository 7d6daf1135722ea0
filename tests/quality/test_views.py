"""The quality-assurance pages: who sees them, the indicators with their cases, reports, a deep dive end to end."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import RecordAccess
from conferences import transitions
from quality.models import DeepDiveAudit, ReportRun
from tests.conferences import journeys
from tests.factories import ChildFactory, ConferenceRequestFactory, CPPlanFactory

YEAR = {"date_from": "2025-01-01", "date_to": "2025-12-31"}


@pytest.fixture
def plans(council):
    """Two repeat plans in the north, one first plan in the south, all started in 2025."""
    for team, earlier in ((council.north_team, True), (council.north_team, True), (council.south_team, False)):
        child = ChildFactory(team=team)
        if earlier:
            CPPlanFactory(child=child, start_date=dt.date(2023, 1, 1), end_date=dt.date(2024, 6, 1))
        CPPlanFactory(child=child, start_date=dt.date(2025, 3, 1), end_date=None)
    return council


def signed_in(client, user):
    client.force_login(user)
    return client


INDICATORS = reverse("quality:indicators")


@pytest.mark.parametrize("role", ["auditor", "cp_manager", "head_of_service", "area_manager", "service_manager"])
def test_the_overseeing_roles_see_the_indicators(client, plans, role):
    response = signed_in(client, getattr(plans, role)).get(INDICATORS, YEAR)

    assert response.status_code == 200
    assert response.context["figures"]["plans_started"] == 3


@pytest.mark.parametrize("role", ["social_worker", "team_manager", "cp_chair"])
def test_case_workers_and_chairs_do_not_see_quality_pages(client, council, role):
    client = signed_in(client, getattr(council, role))
    assert client.get(INDICATORS).status_code == 403
    assert client.get(reverse("quality:deep_dives")).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, council):
    response = client.get(INDICATORS)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_indicators_page_shows_the_rate_beside_englands_with_charts_and_their_tables(client, plans):
    response = signed_in(client, plans.auditor).get(INDICATORS, YEAR)
    page = response.content.decode()

    assert "66.7%" in page and "England: 24.5% (2025)" in page
    assert page.count('role="img"') == 4  # four monthly charts
    assert '<title id="plans-started-title">CP plans started per month</title>' in page
    assert 'aria-labelledby="plans-started-heading"' in page  # the data table beside the chart
    cases_url = reverse("quality:indicator_cases", args=["repeat_plans_started"])
    assert f'href="{cases_url}?date_from=2025-01-01&amp;date_to=2025-12-31"' in page


def test_without_a_period_the_page_shows_the_last_twelve_months(client, council):
    response = signed_in(client, council.auditor).get(INDICATORS)

    assert response.status_code == 200
    assert response.context["form"].cleaned_data["date_to"] == timezone.localdate()


def test_a_bad_period_is_a_clear_message_and_keeps_what_was_typed(client, council):
    typed = {"date_from_0": "30", "date_from_1": "2", "date_from_2": "2025", "date_to": "2025-01-01"}
    response = signed_in(client, council.auditor).get(INDICATORS, typed)

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The first day of the period must be a real date" in page
    assert 'name="date_from_0" type="text" inputmode="numeric" value="30"' in page
    response = client.get(INDICATORS, {"date_from": "2025-06-01", "date_to": "2025-01-01"})
    assert "The last day of the period must be on or after the first." in response.content.decode()


def test_the_cases_behind_a_number_are_listed_within_the_viewers_access(client, plans):
    url = reverse("quality:indicator_cases", args=["plans_started"])

    council_wide = signed_in(client, plans.auditor).get(url, YEAR)
    assert council_wide.context["total"] == 3 and council_wide.context["page_obj"].paginator.count == 3

    north = signed_in(client, plans.area_manager).get(url, YEAR)
    assert north.context["total"] == 3
    assert {plan.child.team for plan in north.context["page_obj"]} == {plans.north_team}
    assert "you can see 2 of them" in north.content.decode()


def test_an_unknown_indicator_is_not_found(client, council):
    response = signed_in(client, council.auditor).get(reverse("quality:indicator_cases", args=["nonsense"]), YEAR)
    assert response.status_code == 404


def test_an_area_manager_sees_only_their_own_area_in_the_breakdowns(client, plans):
    response = signed_in(client, plans.area_manager).get(INDICATORS, YEAR)

    assert [row["name"] for row in response.context["by_area"]] == ["Area Units"]
    assert [row["name"] for row in response.context["by_team"]] == ["Area Units: North Area Unit"]
    assert response.context["figures"]["plans_started"] == 3  # the headline counts are for the whole council


def test_downloads_for_a_year_come_at_once(client, plans):
    client = signed_in(client, plans.auditor)
    csv = client.get(reverse("quality:indicator_download", args=["csv"]), YEAR)
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode()
    assert "Headline figures,,CP plans started,3" in text
    assert "Headline figures,,Strategy discussion partners informed (R3): percent met," in text
    assert "Month by month,January 2025,CP plans started," in text
    assert "plans_started" not in text and "period.from" not in text

    xlsx = client.get(reverse("quality:indicator_download", args=["xlsx"]), YEAR)
    book = load_workbook(BytesIO(xlsx.content))
    assert book.sheetnames == ["Indicators", "Monthly", "By service area", "By team"]
    assert ("CP plans started", 3) in list(book["Indicators"].iter_rows(values_only=True))
    assert next(book["By team"].iter_rows(values_only=True))[:2] == ("Name", "CP plans started")


def test_a_long_report_is_prepared_in_the_background_and_kept_for_download(
    client, plans, django_capture_on_commit_callbacks
):
    client = signed_in(client, plans.auditor)
    long = {"date_from": "2020-01-01", "date_to": "2025-12-31"}
    assert client.get(reverse("quality:indicator_download", args=["csv"]), long).status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("quality:report_start"), {**long, "file_format": "xlsx"})
    run = ReportRun.objects.get()
    assert response["Location"] == reverse("quality:report_run", args=[run.pk])
    assert (run.status, run.progress) == ("done", 100)

    page = client.get(response["Location"]).content.decode()
    assert "Download repeat-plan-indicators-2020-01-01-to-2025-12-31.xlsx" in page
    download = client.get(reverse("quality:report_download", args=[run.pk]))
    assert load_workbook(BytesIO(download.content))["Monthly"].max_row == 73  # 72 months and the heading row

    other = signed_in(client, plans.cp_manager)
    assert other.get(reverse("quality:report_download", args=[run.pk])).status_code == 404


def test_a_queued_report_page_refreshes_itself_until_it_is_ready(client, council):
    run = ReportRun.objects.create(
        kind="indicators", requested_by=council.auditor, parameters={**YEAR, "format": "csv"}
    )
    page = signed_in(client, council.auditor).get(reverse("quality:report_run", args=[run.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<progress id="report-progress" max="100" value="0">' in page


# --- A sampled deep dive, start to finish -----------------------------------------------------------------------


@pytest.fixture
def march_requests(council):
    made = []
    for day in (3, 10, 17, 24):
        child = ChildFactory(team=council.north_team)
        CPPlanFactory(child=child, start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 9, 1))
        made.append(
            ConferenceRequestFactory(
                child=child,
                created_by=council.social_worker,
                submitted_by=council.social_worker,
                submitted_at=timezone.make_aware(dt.datetime(2025, 3, day, 10)),
            )
        )
    return made


def _answers(judgement="met", **extra):
    data = {f"R{n}_judgement": judgement for n in range(1, 10)} | {
        "R13_judgement": judgement,
        "R14_judgement": judgement,
    }
    return {**data, "grade": "good", "learning_points": "", **extra}


def test_an_auditor_completes_a_sampled_deep_dive_and_downloads_its_report(client, council, march_requests):
    client = signed_in(client, council.auditor)
    start = client.post(
        reverse("quality:deep_dive_start"),
        {
            "title": "March repeat plans",
            **dict(zip(["period_from_0", "period_from_1", "period_from_2"], ["1", "3", "2025"], strict=True)),
            **dict(zip(["period_to_0", "period_to_1", "period_to_2"], ["31", "3", "2025"], strict=True)),
            "service_area": council.north.pk,
            "sample_size": "3",
            "seed": "",
        },
    )
    audit = DeepDiveAudit.objects.get()
    assert start["Location"] == reverse("quality:deep_dive", args=[audit.pk])
    assert audit.cases.count() == 3 and audit.seed

    detail = client.get(start["Location"]).content.decode()
    assert "0 of 3 cases graded" in detail

    first = reverse("quality:deep_dive_case", args=[audit.pk, 1])
    page = client.get(first)
    assert page.status_code == 200
    assert "R14 CP Manager oversight" in page.content.decode()
    assert RecordAccess.objects.filter(user=council.auditor, child=audit.cases.get(position=1).request.child).exists()

    # A judgement short of "met" needs a comment; the page keeps what was typed.
    refused = client.post(first, _answers(R2_judgement="not_met", learning_points="Keep me"))
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "a comment is needed when it is not met" in text and "Keep me" in text

    saved = client.post(
        first,
        _answers(
            R2_judgement="not_met",
            R2_comment="No alternatives recorded.",
            learning_points="Record the alternatives considered.",
            grade="inadequate",
        ),
    )
    assert saved["Location"] == reverse("quality:deep_dive_case", args=[audit.pk, 2])
    assert "1 of 3 cases graded" in client.get(start["Location"]).content.decode()
    for position in (2, 3):
        client.post(reverse("quality:deep_dive_case", args=[audit.pk, position]), _answers())
    audit.refresh_from_db()
    assert audit.completed_at is not None

    report = client.get(reverse("quality:deep_dive_report", args=[audit.pk])).content.decode()
    assert "Record the alternatives considered." in report
    assert "quality/quality.css" in report  # the print style sheet
    xlsx = client.get(reverse("quality:deep_dive_report_xlsx", args=[audit.pk]))
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    summary = list(load_workbook(BytesIO(xlsx.content))["Summary"].iter_rows(values_only=True))
    assert ("R2", "Manager discussion", 2, 0, 1, 3, 66.7) in summary


def test_an_auditor_saves_a_case_part_way_and_finishes_it_later(client, council, march_requests):
    from quality import deep_dive

    audit = deep_dive.start_audit(
        council.auditor, title="March", period_from=dt.date(2025, 3, 1), period_to=dt.date(2025, 3, 31)
    )
    client = signed_in(client, council.auditor)
    case_url = reverse("quality:deep_dive_case", args=[audit.pk, 1])
    detail_url = reverse("quality:deep_dive", args=[audit.pk])

    # Two standards of fourteen, a comment with no judgement yet, no grade: kept as it is.
    later = client.post(
        case_url,
        {"R1_judgement": "met", "R2_judgement": "not_met", "R3_comment": "Check the strategy minutes.", "later": "1"},
    )
    assert later["Location"] == detail_url
    case = audit.cases.get(position=1)
    assert not case.grade and case.audited_by == council.auditor
    assert {a.question: (a.judgement, a.comment) for a in case.answers.all()} == {
        "R1": ("met", ""),
        "R2": ("not_met", ""),
        "R3": ("", "Check the strategy minutes."),
    }
    detail = client.get(detail_url).content.decode()
    total = audit.cases.count()
    assert f"0 of {total} cases graded" in detail and "In progress" in detail

    reopened = client.get(case_url).content.decode()
    assert "Check the strategy minutes." in reopened
    assert 'name="R2_judgement" type="radio" value="not_met" checked' in reopened

    # Finishing it asks for everything again: R2 not met needs its comment.
    refused = client.post(case_url, _answers(R2_judgement="not_met", R3_comment="Check the strategy minutes."))
    assert refused.status_code == 400 and "Check the strategy minutes." in refused.content.decode()
    client.post(case_url, _answers(R2_judgement="not_met", R2_comment="No alternatives recorded."))
    case.refresh_from_db()
    assert case.grade == "good"
    assert f"1 of {total} cases graded" in client.get(detail_url).content.decode()
    assert "Save and come back later" not in client.get(case_url).content.decode()


def test_a_cp_manager_reads_deep_dives_but_does_not_answer_or_start_them(client, council, march_requests):
    from quality import deep_dive

    audit = deep_dive.start_audit(
        council.auditor, title="March", period_from=dt.date(2025, 3, 1), period_to=dt.date(2025, 3, 31)
    )
    client = signed_in(client, council.cp_manager)
    case_url = reverse("quality:deep_dive_case", args=[audit.pk, 1])

    page = client.get(case_url)
    assert page.status_code == 200 and '<form method="post" novalidate>' not in page.content.decode()
    assert client.post(case_url, _answers()).status_code == 403
    assert client.get(reverse("quality:deep_dive_start")).status_code == 403
    assert signed_in(client, council.area_manager).get(reverse("quality:deep_dives")).status_code == 403


def test_starting_an_audit_with_no_cases_says_why(client, council):
    response = signed_in(client, council.auditor).post(
        reverse("quality:deep_dive_start"),
        {
            "title": "Empty",
            **dict(zip(["period_from_0", "period_from_1", "period_from_2"], ["1", "1", "2020"], strict=True)),
            **dict(zip(["period_to_0", "period_to_1", "period_to_2"], ["31", "1", "2020"], strict=True)),
            "sample_size": "5",
        },
    )
    assert response.status_code == 400
    assert "No repeat-plan requests were submitted" in response.content.decode()


def test_the_cases_behind_a_request_figure_show_each_requests_own_stage(client, council):
    request = journeys.screened(council, journeys.proceeded(council, journeys.child_with_plans(council, 1)))
    transitions.decline(request.pk, council.cp_chair, reason="Child in Need planning can meet the need.")
    today = timezone.localdate().isoformat()
    url = reverse("quality:indicator_cases", args=["outcome_declined"])
    page = signed_in(client, council.auditor).get(url, {"date_from": today, "date_to": today}).content.decode()
    stage_cell = page.split(f"Request {request.pk}</a>")[1].split("</tr>")[0]
    assert '<strong class="govuk-tag govuk-tag--red">Declined</strong>' in stage_cell
    assert "Requests declined" not in stage_cell  # the figure's name is the page's heading, not a stage
