"""Requests over the API: state, version, what is missing, and transitions with 200/400/403/404/409."""

import pytest

from audit.models import AuditEvent, RecordAccess
from conferences.models import ConferenceRequest, State
from tests.conferences.journeys import checked, child_with_plans, drafted, submitted


@pytest.fixture
def at_manager_discussion(council):
    return checked(council, child_with_plans(council))


def detail(client, request_obj):
    response = client.get(f"/api/v1/requests/{request_obj.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_list_is_what_the_caller_may_see_filtered_by_state(council, at_manager_discussion, api_as):
    submitted(council, child_with_plans(council))

    everyone = api_as(council.cp_chair).get("/api/v1/requests/").json()
    waiting = api_as(council.cp_chair).get("/api/v1/requests/", {"state": "manager_discussion"}).json()
    other_area = api_as(council.other_area_manager).get("/api/v1/requests/").json()

    assert everyone["count"] == 2
    assert [row["id"] for row in waiting["results"]] == [at_manager_discussion.pk]
    assert other_area["count"] == 0
    assert api_as(council.cp_chair).get("/api/v1/requests/", {"state": "nonsense"}).status_code == 400


def test_the_detail_says_state_version_plan_number_steps_and_what_the_caller_may_do(
    council, at_manager_discussion, api_as
):
    body = detail(api_as(council.area_manager), at_manager_discussion)

    assert body["state"] == "manager_discussion"
    assert body["plan_number"] == 2
    assert "manager_discussion" in body["required_steps"]
    assert sorted(body["available_transitions"]) == ["choose_alternative_route", "proceed", "withdraw"]
    assert body["missing"]["proceed"] == [
        "The Area or Service Manager must record the alternatives considered and the rationale."
    ]
    assert isinstance(body["version"], int)
    assert detail(api_as(council.social_worker), at_manager_discussion)["available_transitions"] == ["withdraw"]
    assert RecordAccess.objects.filter(child=at_manager_discussion.child).count() == 2


def test_proceed_with_its_facts_is_200_with_the_new_state_and_one_trail_event(council, at_manager_discussion, api_as):
    client = api_as(council.area_manager)
    version = detail(client, at_manager_discussion)["version"]

    response = client.post(
        f"/api/v1/requests/{at_manager_discussion.pk}/transitions/proceed/",
        {"expected_version": version, "alternatives_considered": ["pre_proceedings"], "rationale": "A last chance."},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "cpc_screening"
    assert response.json()["version"] > version
    assert ConferenceRequest.objects.get(pk=at_manager_discussion.pk).state == State.CPC_SCREENING
    assert (
        AuditEvent.objects.filter(request=at_manager_discussion, action="proceed", actor=council.area_manager).count()
        == 1
    )


def test_missing_facts_are_400_with_field_errors(council, at_manager_discussion, api_as):
    client = api_as(council.area_manager)
    version = detail(client, at_manager_discussion)["version"]

    response = client.post(
        f"/api/v1/requests/{at_manager_discussion.pk}/transitions/proceed/",
        {"expected_version": version},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) >= {"alternatives_considered", "rationale", "detail"}
    assert ConferenceRequest.objects.get(pk=at_manager_discussion.pk).state == State.MANAGER_DISCUSSION


def test_facts_the_rules_still_need_are_400_saying_what_is_missing(council, api_as):
    request_obj = drafted(council, child_with_plans(council))
    client = api_as(council.social_worker)
    version = detail(client, request_obj)["version"]

    response = client.post(
        f"/api/v1/requests/{request_obj.pk}/transitions/submit/", {"expected_version": version}, format="json"
    )
    assert response.status_code == 200
    response = client.post(
        f"/api/v1/requests/{request_obj.pk}/transitions/confirm_previous_plan/",
        {"expected_version": response.json()["version"], "sources_checked": ["this_council"]},
        format="json",
    )

    assert response.status_code == 400
    assert "CP-IS" in response.json()["detail"]
    assert ConferenceRequest.objects.get(pk=request_obj.pk).state == State.PRIOR_PLAN_CHECK


def test_one_who_may_see_but_not_act_is_403(council, at_manager_discussion, api_as):
    client = api_as(council.cp_chair)
    version = detail(client, at_manager_discussion)["version"]

    response = client.post(
        f"/api/v1/requests/{at_manager_discussion.pk}/transitions/proceed/",
        {"expected_version": version, "alternatives_considered": ["pre_proceedings"], "rationale": "Yes."},
        format="json",
    )

    assert response.status_code == 403
    assert ConferenceRequest.objects.get(pk=at_manager_discussion.pk).state == State.MANAGER_DISCUSSION


def test_a_stale_version_is_409_and_changes_nothing(council, at_manager_discussion, api_as):
    client = api_as(council.area_manager)
    version = detail(client, at_manager_discussion)["version"]

    response = client.post(
        f"/api/v1/requests/{at_manager_discussion.pk}/transitions/proceed/",
        {"expected_version": version - 1, "alternatives_considered": ["pre_proceedings"], "rationale": "Yes."},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["version"] == version
    assert ConferenceRequest.objects.get(pk=at_manager_discussion.pk).state == State.MANAGER_DISCUSSION


def test_a_request_of_another_area_is_404_like_a_missing_one(council, at_manager_discussion, api_as):
    client = api_as(council.other_area_manager)
    url = f"/api/v1/requests/{at_manager_discussion.pk}/"
    body = {"expected_version": 1, "alternatives_considered": ["pre_proceedings"], "rationale": "Yes."}

    assert client.get(url).status_code == 404
    assert client.get("/api/v1/requests/999999/").status_code == 404
    assert client.post(url + "transitions/proceed/", body, format="json").status_code == 404
    assert client.post("/api/v1/requests/999999/transitions/proceed/", body, format="json").status_code == 404
    assert not RecordAccess.objects.exists()


def test_an_unknown_transition_is_404(council, at_manager_discussion, api_as):
    response = api_as(council.area_manager).post(
        f"/api/v1/requests/{at_manager_discussion.pk}/transitions/approve_everything/",
        {"expected_version": 1},
        format="json",
    )

    assert response.status_code == 404
