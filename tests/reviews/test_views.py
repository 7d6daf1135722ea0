"""The review conference pages through the Django test client: who may see and act, and every look logged."""

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, RecordAccess
from cases.models import CPPlan
from reviews import services
from reviews.models import ReviewConference, ReviewDecision, ReviewState
from tests.factories import ChildFactory, CPPlanFactory

TODAY = timezone.localdate
SEES_NORTH = [
    "social_worker",
    "practice_lead",
    "team_manager",
    "area_manager",
    "service_manager",
    "cp_chair",
    "cp_manager",
    "head_of_service",
    "auditor",
]
WRONG_PLACE = ["other_social_worker", "other_team_manager", "other_area_manager"]
CHAIRS = {"cp_chair", "cp_manager"}


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def plan(council):
    child = ChildFactory(team=council.north_team)
    return CPPlanFactory(child=child, start_date=TODAY() - relativedelta(months=3), end_date=None)


def awaiting(council, plan):
    review = services.record_review(plan.pk, council.cp_chair, held_on=TODAY(), decision=ReviewDecision.END)
    services.record_step_down_plan(
        review.pk, council.cp_chair, how_ended="stepped_down_early_help", core_group_actions_not_implemented=False
    )
    return services.propose_ending(review.pk, council.cp_chair, reason="Early help holds the family now.")


@pytest.mark.parametrize("role", SEES_NORTH + WRONG_PLACE)
def test_the_record_page_is_for_chairs_and_404_to_the_wrong_place(client, council, plan, role):
    user = getattr(council, role)
    client.force_login(user)
    response = client.get(reverse("reviews:record", args=[plan.pk]))
    expected = 404 if role in WRONG_PLACE else 200 if role in CHAIRS else 403
    assert response.status_code == expected
    assert RecordAccess.objects.filter(user=user, child=plan.child).exists() == (expected == 200)


@pytest.mark.parametrize("role", SEES_NORTH + WRONG_PLACE)
def test_the_review_page_shows_the_signals_to_those_who_see_the_child(client, council, plan, role):
    review = awaiting(council, plan)
    user = getattr(council, role)
    client.force_login(user)
    response = client.get(reverse("reviews:review", args=[review.pk]))
    if role in WRONG_PLACE:
        assert response.status_code == 404
        assert not RecordAccess.objects.filter(user=user, child=plan.child).exists()
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "The plan has lasted 3 months or less" in page
    assert ("Do you agree that the plan ends?" in page) == (role == "cp_manager")
    assert RecordAccess.objects.filter(user=user, child=plan.child, path=response.request["PATH_INFO"]).exists()


@pytest.mark.parametrize("role", [r for r in SEES_NORTH + WRONG_PLACE if r != "cp_manager"])
def test_only_the_cp_manager_agrees_and_a_refusal_changes_nothing(client, council, plan, role):
    review = awaiting(council, plan)
    events = AuditEvent.objects.count()
    client.force_login(getattr(council, role))
    response = client.post(reverse("reviews:review", args=[review.pk]), {"agree": "yes", "reason": "Agreed."})
    assert response.status_code == (404 if role in WRONG_PLACE else 403)
    review.refresh_from_db()
    plan.refresh_from_db()
    assert review.state == ReviewState.AWAITING_AGREEMENT
    assert plan.end_date is None
    assert AuditEvent.objects.count() == events


def test_the_cp_manager_agrees_through_the_page(client, council, plan):
    review = awaiting(council, plan)
    client.force_login(council.cp_manager)
    url = reverse("reviews:review", args=[review.pk])
    assert client.post(url, {"agree": "yes", "reason": ""}).status_code == 400
    response = client.post(url, {"agree": "yes", "reason": "Early help is in place."})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.end_date, plan.how_ended) == (TODAY(), "stepped_down_early_help")


def test_the_chair_walks_the_ending_through_the_pages(client, council, plan):
    client.force_login(council.cp_chair)
    response = client.post(
        reverse("reviews:record", args=[plan.pk]), {**date_fields("held_on", TODAY()), "decision": "end"}
    )
    review = ReviewConference.objects.get()
    assert response.url == reverse("reviews:step_down_plan", args=[review.pk])
    bad = client.post(response.url, {"how_ended": "", "core_group_implemented": ""})
    assert bad.status_code == 400
    assert "Choose how the plan ends." in bad.content.decode()
    response = client.post(response.url, {"how_ended": "stepped_down_cin", "core_group_implemented": "yes"})
    assert response.url == reverse("reviews:actions", args=[review.pk])
    client.post(
        response.url,
        {
            "action": "School nurse review",
            "owner": "School nurse",
            **date_fields("due_by", TODAY() + relativedelta(weeks=2)),
        },
    )
    assert review.actions.get().owner == "School nurse"
    detail = reverse("reviews:review", args=[review.pk])
    page = client.get(detail).content.decode()
    assert "Actions are still outstanding" in page and "Ask the CP Manager to agree the ending" in page
    assert client.post(detail, {"reason": ""}).status_code == 400
    assert client.post(detail, {"reason": "The nurse holds the last action."}).status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.AWAITING_AGREEMENT
    assert CPPlan.objects.get(pk=plan.pk).end_date is None


def test_the_endings_list_is_for_chairs_and_cp_managers(client, council, plan):
    review = awaiting(council, plan)
    client.force_login(council.cp_manager)
    page = client.get(reverse("reviews:endings")).content.decode()
    assert reverse("reviews:review", args=[review.pk]) in page
    client.force_login(council.social_worker)
    assert client.get(reverse("reviews:endings")).status_code == 403


def test_the_childs_page_offers_a_review_to_a_chair_only(client, council, plan):
    url = reverse("cases:child_detail", args=[plan.child.pk])
    record = reverse("reviews:record", args=[plan.pk])
    client.force_login(council.cp_chair)
    assert record in client.get(url).content.decode()
    client.force_login(council.social_worker)
    assert record not in client.get(url).content.decode()
