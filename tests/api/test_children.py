"""Children and their plans: the same access as the pages, every read logged, plans kept by the data manager."""

import datetime

import pytest

from audit.models import AuditEvent, RecordAccess
from cases.models import CPPlan
from people.groups import place_staff
from people.models import Staff
from tests.factories import ChildFactory, CPPlanFactory, PlanServiceFactory, StaffFactory


@pytest.fixture
def data_manager(council):
    staff = StaffFactory(role="data_manager", user__username="dm")
    place_staff(staff)
    return staff.user


@pytest.fixture
def north_child(council):
    child = ChildFactory(team=council.north_team, first_name="Amy", last_name="Smith", local_child_id="N1")
    plan = CPPlanFactory(child=child, start_date=datetime.date(2023, 1, 10), end_date=datetime.date(2023, 9, 10))
    PlanServiceFactory(plan=plan, name="Parenting programme")
    CPPlanFactory(
        child=child,
        start_date=datetime.date(2021, 1, 1),
        end_date=datetime.date(2021, 6, 1),
        held_by_other_council=True,
        other_council="Shire County",
    )
    return child


def test_search_finds_the_callers_children_by_name_or_id_paginated(council, north_child, api_as):
    ChildFactory(team=council.south_team, last_name="Smith", local_child_id="S1")

    body = api_as(council.social_worker).get("/api/v1/children/", {"q": "smi"}).json()

    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    assert [row["local_child_id"] for row in body["results"]] == ["N1"]
    council_wide = api_as(council.cp_chair).get("/api/v1/children/", {"q": "smith"}).json()
    assert sorted(row["local_child_id"] for row in council_wide["results"]) == ["N1", "S1"]


def test_a_search_with_a_nul_character_is_400_not_500(council, api_as):
    response = api_as(council.cp_chair).get("/api/v1/children/", {"q": "a\x00b"})

    assert response.status_code == 400
    assert "q" in response.json()


def test_a_childs_record_has_its_plans_and_current_assessment_and_the_read_is_logged(council, north_child, api_as):
    response = api_as(council.social_worker).get("/api/v1/children/N1/")

    assert response.status_code == 200
    body = response.json()
    assert [(p["start"], p["end"], p["held_by"]) for p in body["plans"]] == [
        ("2021-01-01", "2021-06-01", "Shire County"),
        ("2023-01-10", "2023-09-10", "this council"),
    ]
    assert body["plans"][1]["categories"] == ["NEG"] and body["plans"][1]["factors"] == ["3B"]
    assert body["plans"][1]["services"] == ["Parenting programme"]
    assert body["current_assessment"]["plan_number"] == 3
    assert body["assessment_problem"] is None
    access = RecordAccess.objects.get()
    assert (access.user, access.child, access.path) == (council.social_worker, north_child, "/api/v1/children/N1/")


def test_an_open_plan_gives_no_assessment_and_says_why(council, api_as):
    child = ChildFactory(team=council.north_team, local_child_id="OPEN")
    CPPlanFactory(child=child, start_date=datetime.date(2024, 1, 1), end_date=None)

    body = api_as(council.cp_chair).get("/api/v1/children/OPEN/").json()

    assert body["current_assessment"] is None
    assert "review conference" in body["assessment_problem"]


def test_a_child_of_another_team_is_404_exactly_like_a_missing_one_and_nothing_is_logged(council, north_child, api_as):
    client = api_as(council.other_social_worker)

    hidden, missing = client.get("/api/v1/children/N1/"), client.get("/api/v1/children/NOPE/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert not RecordAccess.objects.exists()


PLAN = {
    "start": "2024-03-01",
    "end": "2024-09-01",
    "initial_category": "PHY",
    "latest_category": "PHY",
    "factors": ["2B"],
    "services": ["CAMHS"],
}


def test_the_data_manager_adds_a_plan_and_the_trail_keeps_it(council, north_child, data_manager, api_as):
    response = api_as(data_manager).post("/api/v1/children/N1/plans/", {**PLAN, "reason": "From Mosaic"}, format="json")

    assert response.status_code == 201, response.json()
    plan = CPPlan.objects.get(child=north_child, start_date=datetime.date(2024, 3, 1))
    assert plan.initial_category == "PHY" and list(plan.services.values_list("name", flat=True)) == ["CAMHS"]
    assert response.json()["current_assessment"]["plan_number"] == 4
    event = AuditEvent.objects.get(action="create_plan")
    assert event.actor == data_manager and event.child == north_child and event.description == "From Mosaic"


@pytest.mark.parametrize(
    ("plan", "rule"),
    [
        ({"end": "2024-02-01"}, "Rule 8925"),
        ({"end": "2024-03-01"}, "Rule 8840"),
        ({"start": "2023-05-01", "end": "2023-12-01"}, "Rule 8940"),
        ({"start": "2023-01-10", "end": "2023-02-01"}, "Rule 8940"),
    ],
)
def test_a_plan_breaking_a_census_rule_is_400_naming_the_rule_and_nothing_is_written(
    council, north_child, data_manager, api_as, plan, rule
):
    response = api_as(data_manager).post("/api/v1/children/N1/plans/", {**PLAN, **plan}, format="json")

    assert response.status_code == 400
    assert rule in response.json()["detail"]
    assert north_child.plans.count() == 2
    assert not AuditEvent.objects.filter(action="create_plan").exists()


def test_the_data_manager_corrects_a_plan_with_a_reason(council, north_child, data_manager, api_as):
    plan = north_child.plans.get(start_date=datetime.date(2023, 1, 10))
    client = api_as(data_manager)
    url = f"/api/v1/children/N1/plans/{plan.pk}/"

    refused = client.patch(url, {"end": "2023-10-10"}, format="json")
    response = client.patch(url, {"end": "2023-10-10", "reason": "Census return corrected"}, format="json")

    assert refused.status_code == 400 and "reason" in refused.json()
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.end_date == datetime.date(2023, 10, 10)
    event = AuditEvent.objects.get(action="correct_plan")
    assert event.before == {"end_date": "2023-09-10"} and event.after == {"end_date": "2023-10-10"}
    assert event.description == "Census return corrected"


def test_a_correction_breaking_a_census_rule_is_400_naming_it(council, north_child, data_manager, api_as):
    plan = north_child.plans.get(start_date=datetime.date(2023, 1, 10))

    response = api_as(data_manager).patch(
        f"/api/v1/children/N1/plans/{plan.pk}/", {"end": "2023-01-10", "reason": "typo"}, format="json"
    )

    assert response.status_code == 400 and "Rule 8840" in response.json()["detail"]
    plan.refresh_from_db()
    assert plan.end_date == datetime.date(2023, 9, 10)


@pytest.mark.parametrize("role", ["social_worker", "team_manager", "cp_chair", "auditor", "head_of_service"])
def test_only_the_data_manager_writes_plans(council, north_child, api_as, role):
    response = api_as(getattr(council, role)).post("/api/v1/children/N1/plans/", PLAN, format="json")

    assert response.status_code == 403
    assert north_child.plans.count() == 2


def test_the_data_manager_role_exists_with_that_name(data_manager):
    assert Staff.objects.get(user=data_manager).get_role_display() == "Data manager"
