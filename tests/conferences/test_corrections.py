"""Corrections: a CP plan by the data manager, a fact on a request by the recorder's manager or the data
manager; always with a reason, the original shown beside the correction, refused to anyone else."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, RecordAccess
from cases.history_import import import_census
from cases.models import CPPlan, PlanSource
from cases.plans import plan_correct, plan_version
from conferences import transitions
from conferences.models import ConferenceRequest, State
from tests.cases import census_xml as x
from tests.conferences import journeys
from tests.factories import ChildFactory, CPPlanFactory

PLAN = datetime.date(2023, 1, 10)


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def plan_correction(plan, reason="The census return keyed the end date wrongly.", end=datetime.date(2023, 10, 10)):
    return {
        **date_fields("start_date", plan.start_date),
        **date_fields("end_date", end),
        "initial_category": plan.initial_category,
        "latest_category": plan.latest_category,
        "how_ended": "stepped_down_cin",
        "reason": reason,
        "expected_version": plan_version(plan),
    }


@pytest.fixture
def plan(council):
    return CPPlanFactory(child=ChildFactory(team=council.north_team), start_date=PLAN, how_ended="stepped_down_cin")


def test_the_data_manager_corrects_a_plan_and_the_childs_page_shows_it_beside_the_original(client, council, plan):
    client.force_login(council.data_manager)
    url = reverse("corrections:plan", args=[plan.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, plan_correction(plan))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.end_date == datetime.date(2023, 10, 10)
    event = AuditEvent.objects.get(action="correct_plan")
    assert event.before == {"end_date": "2023-09-10"} and event.after == {"end_date": "2023-10-10"}
    assert CPPlan.pgh_event_model.objects.filter(pgh_obj_id=plan.pk).count() == 2  # the original and the correction
    assert RecordAccess.objects.filter(user=council.data_manager, child=plan.child, path=url).exists()

    page = client.get(reverse("cases:child_detail", args=[plan.child_id])).content.decode()
    assert "The census return keyed the end date wrongly." in page
    assert "End: 10 October 2023 (was 10 September 2023)" in page
    assert "Entered by the data manager, corrected since" in page


def test_a_correction_without_a_reason_is_refused_and_keeps_what_was_typed(client, council, plan):
    client.force_login(council.data_manager)
    response = client.post(reverse("corrections:plan", args=[plan.pk]), plan_correction(plan, reason=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the reason for the correction." in page and 'value="2023"' in page and 'value="10"' in page
    assert CPPlan.objects.get(pk=plan.pk).end_date == datetime.date(2023, 9, 10)


@pytest.mark.parametrize("role", ["auditor", "cp_chair", "social_worker", "cp_manager"])
def test_nobody_but_the_data_manager_corrects_a_plan(client, council, plan, role):
    client.force_login(getattr(council, role))
    url = reverse("corrections:plan", args=[plan.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, plan_correction(plan)).status_code == 403
    assert client.post(reverse("corrections:plan_end", args=[plan.pk]), {}).status_code == 403
    assert CPPlan.objects.get(pk=plan.pk).end_date == datetime.date(2023, 9, 10)
    assert not AuditEvent.objects.filter(action="correct_plan").exists()
    page = client.get(reverse("cases:child_detail", args=[plan.child_id])).content.decode()
    assert reverse("corrections:plan", args=[plan.pk]) not in page


def test_a_correction_on_a_plan_changed_since_the_page_opened_is_refused_and_keeps_what_was_typed(
    client, council, plan
):
    client.force_login(council.data_manager)
    seen = plan_correction(plan, reason="My reason, typed carefully.")
    plan_correct(
        plan=plan, user=council.data_manager, values={"latest_category": "EMO"}, reason="Another data manager."
    )
    response = client.post(reverse("corrections:plan", args=[plan.pk]), seen)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone changed this plan after you opened the page." in page
    assert "My reason, typed carefully." in page and "Emotional abuse" in page
    assert CPPlan.objects.get(pk=plan.pk).end_date == datetime.date(2023, 9, 10)
    again = client.post(reverse("corrections:plan", args=[plan.pk]), {**seen, "expected_version": plan_version(plan)})
    assert again.status_code == 302 and CPPlan.objects.get(pk=plan.pk).end_date == datetime.date(2023, 10, 10)


def test_a_worker_of_another_team_is_not_told_the_plan_exists(client, council, plan):
    client.force_login(council.other_social_worker)
    assert client.get(reverse("corrections:plan", args=[plan.pk])).status_code == 404


def test_a_plan_a_census_left_open_says_so_and_the_data_manager_records_its_end(client, council, tmp_path):
    path = x.write(
        tmp_path, "2025.xml", x.census(x.child("OPEN1", x.episode(x.plan("2023-10-01"))), reference="2025-03-31")
    )
    import_census(str(path))
    plan = CPPlan.objects.get(child__local_child_id="OPEN1")
    assert (plan.source, plan.source_date, plan.open_only_per_census) == (
        PlanSource.CENSUS,
        datetime.date(2025, 3, 31),
        True,
    )
    client.force_login(council.data_manager)
    page = client.get(reverse("cases:child_detail", args=[plan.child_id])).content.decode()
    assert "Open at the census of 31 March 2025" in page
    end_url = reverse("corrections:plan_end", args=[plan.pk])
    assert end_url in page

    response = client.post(
        end_url,
        {
            **date_fields("end_date", datetime.date(2025, 6, 2)),
            "how_ended": "closed",
            "reason": "Review minutes.",
            "expected_version": plan_version(plan),
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.end_date == datetime.date(2025, 6, 2) and plan.how_ended == "closed"
    page = client.get(reverse("cases:child_detail", args=[plan.child_id])).content.decode()
    assert "Open at the census" not in page and "Review minutes." in page
    assert "Census return of 31 March 2025, corrected since" in page


def test_a_census_return_that_changes_a_plan_marks_the_childs_request(council, tmp_path):
    child = ChildFactory(team=council.north_team, local_child_id="MARK1")
    CPPlanFactory(child=child, start_date=datetime.date(2024, 1, 10), end_date=datetime.date(2024, 9, 10))
    request = journeys.proceeded(council, child)
    ret = x.census(x.child("MARK1", x.episode(x.plan("2024-01-10", "2024-09-20"))), reference="2025-03-31")
    import_census(str(x.write(tmp_path, "2025.xml", ret)), user=council.data_manager)
    request = ConferenceRequest.objects.get(pk=request.pk)
    assert request.history_changed_at is not None and "census return of 31 March 2025" in request.history_change


def at_ready_to_convene(council):
    request = journeys.screened(council, journeys.proceeded(council, journeys.child_with_plans(council, 1)))
    transitions.accept(request.pk, council.cp_chair_2)
    return ConferenceRequest.objects.get(pk=request.pk)  # with the version the trigger raised


def test_the_cp_manager_corrects_the_screening_record_and_the_request_shows_both(client, council):
    request = at_ready_to_convene(council)
    client.force_login(council.cp_manager)
    url = reverse("corrections:request", args=[request.pk, "screening"])
    response = client.post(
        url,
        {
            "expected_version": request.version,
            "screening_difference": "Plan adds drug and alcohol services.",
            "screening_timescale_weeks": "16",
            "reason": "The chair typed 12 weeks; the minutes say 16.",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.screening_difference, request.screening_timescale_weeks, request.state) == (
        "Plan adds drug and alcohol services.",
        16,
        State.READY_TO_CONVENE,
    )
    event = AuditEvent.objects.get(action="correct_screening", request=request)
    assert event.before["screening_timescale_weeks"] == 12 and event.after["screening_timescale_weeks"] == 16
    page = client.get(reverse("conferences:request_detail", args=[request.pk])).content.decode()
    assert "The chair typed 12 weeks; the minutes say 16." in page
    assert "Before the correction: Plan adds drug services." in page


def test_the_team_manager_corrects_the_analysis(client, council):
    request = at_ready_to_convene(council)
    client.force_login(council.team_manager)
    fields = {
        "analysis_time_since": "Five months.",
        "analysis_plan_length": "Seven months, not nine.",
        "analysis_risks": "Same neglect; new drug use.",
        "analysis_services": "New family support worker.",
    }
    response = client.post(
        reverse("corrections:request", args=[request.pk, "analysis"]),
        {**fields, "expected_version": request.version, "reason": "The length was wrong."},
    )
    assert response.status_code == 302
    assert ConferenceRequest.objects.get(pk=request.pk).analysis_plan_length == "Seven months, not nine."


def test_the_data_manager_corrects_the_conference_date(client, council):
    request = at_ready_to_convene(council)
    today = timezone.localdate()
    transitions.record_conference(request.pk, council.cp_chair, held_on=today, outcome="no_further_action")
    request.refresh_from_db()
    client.force_login(council.data_manager)
    page = client.get(reverse("cases:child_detail", args=[request.child_id])).content.decode()
    assert reverse("corrections:request", args=[request.pk, "conference_date"]) in page
    response = client.post(
        reverse("corrections:request", args=[request.pk, "conference_date"]),
        {**date_fields("conference_held_on", today), "expected_version": request.version, "reason": "No change."},
    )
    assert response.status_code == 400 and "Nothing was changed" in response.content.decode()
    response = client.post(
        reverse("corrections:request", args=[request.pk, "conference_date"]),
        {
            **date_fields("conference_held_on", today + datetime.timedelta(days=1)),
            "expected_version": request.version,
            "reason": "Typed a day out.",
        },
    )
    assert response.status_code == 400 and "must be today or in the past" in response.content.decode()
    assert ConferenceRequest.objects.get(pk=request.pk).conference_held_on == today


@pytest.mark.parametrize(
    "role, correction",
    [
        ("cp_chair", "screening"),
        ("social_worker", "analysis"),
        ("auditor", "screening"),
        ("other_team_manager", "analysis"),
        ("head_of_service", "screening"),
    ],
)
def test_someone_else_cannot_correct_a_request_fact(client, council, role, correction):
    request = at_ready_to_convene(council)
    client.force_login(getattr(council, role))
    url = reverse("corrections:request", args=[request.pk, correction])
    response = client.post(url, {"expected_version": request.version, "reason": "Because."})
    assert response.status_code in (403, 404)
    assert ConferenceRequest.objects.get(pk=request.pk).version == request.version
    assert not AuditEvent.objects.filter(action=f"correct_{correction}").exists()
