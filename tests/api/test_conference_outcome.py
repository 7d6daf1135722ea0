"""The conference and its outcome over the API: the same service as the page, so the plan reaches the child's
record and a date that makes no sense is refused under its field's name."""

import datetime

from django.utils import timezone

from conferences.models import ConferenceRequest, State
from tests.conferences.journeys import checked
from tests.factories import ChildFactory


def record(client, request_obj, **facts):
    version = ConferenceRequest.objects.get(pk=request_obj.pk).version
    return client.post(
        f"/api/v1/requests/{request_obj.pk}/transitions/record_conference/",
        {"expected_version": version, **facts},
        format="json",
    )


def test_a_plan_recorded_over_the_api_is_on_the_childs_record(council, api_as):
    request_obj = checked(council, ChildFactory(team=council.north_team))
    client = api_as(council.cp_chair)
    today = timezone.localdate().isoformat()

    response = record(client, request_obj, held_on=today, outcome="cp_plan", category="PHY", chair="chair2")

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == State.CONVENED
    request_obj.refresh_from_db()
    assert request_obj.conference_chair == council.cp_chair_2
    plans = client.get(f"/api/v1/children/{request_obj.child.local_child_id}/").json()["plans"]
    assert [(plan["start"], plan["end"], plan["initial_category"]) for plan in plans] == [(today, None, "PHY")]


def test_a_conference_before_the_submission_is_400_on_held_on(council, api_as):
    request_obj = checked(council, ChildFactory(team=council.north_team))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = record(api_as(council.cp_chair), request_obj, held_on=yesterday.isoformat(), outcome="cin_plan")

    assert response.status_code == 400
    assert "the date the request was submitted" in response.json()["held_on"][0]
    assert ConferenceRequest.objects.get(pk=request_obj.pk).state == State.READY_TO_CONVENE


def test_the_outcome_is_a_required_fact_and_the_chair_a_cp_chair(council, api_as):
    request_obj = checked(council, ChildFactory(team=council.north_team))
    client = api_as(council.cp_chair)
    today = timezone.localdate().isoformat()

    assert record(client, request_obj, held_on=today).json()["outcome"] == ["This field is required."]
    refused = record(client, request_obj, held_on=today, outcome="cp_plan", category="NEG", chair="cpm")
    assert refused.status_code == 400
    assert "chair" in refused.json()
