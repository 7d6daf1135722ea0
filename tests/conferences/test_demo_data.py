"""The demo council has what a new user needs to try every role's job."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cases.models import CPPlan, PlanSource
from conferences.demo import DEMO_PASSWORD, PEOPLE
from conferences.models import OPEN_STATES, ConferenceRequest, State
from quality import indicators


def test_demo_builds_a_council_with_requests_in_every_state(db):
    call_command("demo_data", children=60)

    states = set(ConferenceRequest.objects.values_list("state", flat=True))
    assert states == set(State.values)
    users = get_user_model().objects.filter(username__in=PEOPLE)
    assert users.count() == len(PEOPLE)
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
    assert {user.staff.role for user in users} >= {
        "social_worker",
        "practice_lead",
        "team_manager",
        "area_manager",
        "service_manager",
        "cp_chair",
        "cp_manager",
        "head_of_service",
        "auditor",
        "data_manager",
    }


def test_demo_loads_once_with_if_empty(db):
    call_command("demo_data", children=12)
    count = ConferenceRequest.objects.count()
    call_command("demo_data", "--if-empty")
    assert ConferenceRequest.objects.count() == count


def test_the_demo_trail_and_stage_clocks_agree_so_medians_and_days_waiting_match(db):
    """Each request is walked through the past, a day between steps: the days a dashboard shows waiting
    are the days the trail shows, and the indicators' medians are more than nought."""
    call_command("demo_data", children=60)
    today = timezone.localdate()

    for request in ConferenceRequest.objects.filter(state__in=OPEN_STATES).exclude(state=State.DRAFT):
        entered = request.audit_events.filter(state_after=request.state).latest("at", "pk")
        assert entered.at == request.stage_entered_at, request
        assert entered.at < timezone.now()
    assert max((today - timezone.localdate(r.stage_entered_at)).days for r in ConferenceRequest.objects.all()) > 3

    medians = indicators.indicators(today - datetime.timedelta(days=60), today)["median_working_days_in_stage"]
    assert medians[State.MANAGER_DISCUSSION]["median"] >= 1


def test_demo_plans_say_where_they_came_from(db):
    call_command("demo_data", children=30)
    census = CPPlan.objects.filter(source=PlanSource.CENSUS)
    assert census.exists() and not census.filter(source_date__isnull=True).exists()
    assert all(plan.end_date <= plan.source_date for plan in census)
    assert CPPlan.objects.filter(source=PlanSource.ENTERED).exists()
