"""The demo council has what a new user needs to try every role's job."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from conferences.demo import DEMO_PASSWORD, PEOPLE
from conferences.models import ConferenceRequest, State


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
    }


def test_demo_loads_once_with_if_empty(db):
    call_command("demo_data", children=12)
    count = ConferenceRequest.objects.count()
    call_command("demo_data", "--if-empty")
    assert ConferenceRequest.objects.count() == count
