"""`generate_history`: a council's ten years built in one go has the national shape, every request
state, the demo people, and the database's guards still on."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Child, CPPlan
from cases.permissions import children_visible_to
from conferences import demo, generated_history
from conferences.models import ConferenceRequest
from conferences.permissions import requests_visible_to
from conferences.stages import State
from quality.indicators import indicators

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def history():
    return generated_history.generate(children=300, today=TODAY)


def test_about_a_quarter_of_plans_are_repeats_and_lengths_follow_the_national_bands(history):
    assert Child.objects.count() == 300
    figures = indicators(TODAY - relativedelta(years=10), TODAY)
    # The two long histories kept for the benchmark (50 and 10 plans) aside, as they would be lost in a real council's.
    repeats, started = figures["repeat_plans_started"] - 49 - 9, figures["plans_started"] - 50 - 10
    assert 0.18 <= repeats / started <= 0.33
    assert figures["third_or_later_plans_started"] > 0
    assert 0 < figures["repeat_within_12_months"] < figures["repeat_within_2_years"]
    bands = figures["plans_ended_by_length"]
    assert all(count > 0 for count in bands.values())
    assert max(bands, key=bands.get) == "6_to_12_months"
    # Brothers and sisters share a family, and a few children are on a plan today.
    assert Child.objects.values("family").annotate(size=Count("pk")).filter(size__gt=1).exists()
    assert CPPlan.objects.filter(end_date__isnull=True).exists()
    assert Child.objects.get(local_child_id=generated_history.FIFTY_PLANS_CHILD).plans.count() == 50
    assert Child.objects.get(local_child_id=generated_history.TEN_PLANS_CHILD).plans.count() == 10


def test_requests_in_every_state_with_their_trail(history):
    states = set(ConferenceRequest.objects.values_list("state", flat=True))
    assert states == set(State.values)
    assert AuditEvent.objects.filter(action="start_request").count() == history["requests"]
    # The indicators read the decisions from the trail, so decided requests show there.
    figures = indicators(TODAY - relativedelta(years=10), TODAY)
    assert figures["repeat_requests_decided"] > 0
    assert figures["outcomes"]["proceeded"] > 0


def test_the_demo_people_sign_in_and_see_what_their_role_gives_them(history, client):
    signed_in = client.post(reverse("login"), {"username": "worker", "password": demo.DEMO_PASSWORD})
    assert signed_in.status_code == 302 and client.get(reverse("home")).status_code == 200
    worker = User.objects.get(username="worker")
    north = Child.objects.filter(team__name="North Area Unit")
    assert set(children_visible_to(worker)) == set(north)
    assert requests_visible_to(worker).exclude(child__in=north).count() == 0
    chair = User.objects.get(username="cp.chair")
    screening = requests_visible_to(chair).filter(state=State.CPC_SCREENING)
    assert screening.count() >= 1
    # The queue's facts are kept for the open requests, as saving them on a page keeps them.
    assert all(request.queue_facts.plan_number for request in screening)


def test_the_trail_and_the_census_rules_still_hold(history):
    # Every row went in through the triggers: each plan has its history event.
    assert apps.get_model("cases", "CPPlanEvent").objects.count() == CPPlan.objects.count()
    assert apps.get_model("cases", "ChildEvent").objects.count() == 300
    plan = CPPlan.objects.filter(end_date__isnull=False).first()
    with pytest.raises(IntegrityError, match="8940"), transaction.atomic():
        CPPlan.objects.create(
            child=plan.child,
            start_date=plan.start_date + datetime.timedelta(days=1),
            end_date=plan.end_date,
            initial_category="NEG",
            latest_category="NEG",
        )
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()


def test_a_second_history_is_refused(history):
    with pytest.raises(CommandError, match="already holds children"):
        call_command("generate_history", children=20)
