"""pghistory keeps every change to children, plans and requests, before and after, with who did it.

The services set the acting user (and the action) as pghistory context, so a row's history says who
changed it; the triggers catch changes made around the services too, even by raw SQL.
"""

import datetime

import pghistory
from django.db import connection
from pghistory.models import Events

from conferences import actions, records, transitions
from tests.conferences import journeys
from tests.factories import ChildFactory, CPPlanFactory

D = datetime.date


def change_of(obj, field):
    """The latest recorded update of `obj` that changed `field`."""
    updates = [event for event in Events.objects.tracks(obj) if event.pgh_diff and field in event.pgh_diff]
    assert updates, f"no recorded change of {field}"
    return max(updates, key=lambda event: event.pgh_id)


def test_a_recorded_fact_keeps_before_after_and_who(council):
    sw = council.social_worker
    request = journeys.drafted(council, ChildFactory(team=council.north_team))
    records.update_proposal(request.pk, sw, reason="Neglect and drug use.", categories=["NEG"], factors=["2B"])
    event = change_of(request, "reason")
    assert event.pgh_diff["reason"] == ["Neglect has returned.", "Neglect and drug use."]
    assert event.pgh_diff["proposed_factors"] == [["2B", "3B"], ["2B"]]
    assert event.pgh_context["user"] == sw.pk
    assert event.pgh_context["action"] == actions.PROPOSAL.event


def test_a_transition_keeps_the_stage_change_and_who(council):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    transitions.proceed(
        request.pk,
        council.service_manager,
        alternatives_considered=["child_in_need"],
        rationale="Drug services are new.",
    )
    event = change_of(request, "state")
    assert event.pgh_diff["state"] == ["manager_discussion", "cpc_screening"]
    assert event.pgh_diff["manager_rationale"] == ["", "Drug services are new."]
    assert event.pgh_context["user"] == council.service_manager.pk
    assert event.pgh_context["action"] == "proceed"


def test_a_childs_change_is_kept_with_who_made_it(council):
    child = ChildFactory(team=council.north_team, last_name="Stone")
    with pghistory.context(user=council.team_manager.pk):
        child.team = council.south_team
        child.save()
    event = change_of(child, "team_id")
    assert event.pgh_diff["team_id"] == [council.north_team.pk, council.south_team.pk]
    assert event.pgh_context["user"] == council.team_manager.pk


def test_a_plan_changed_by_raw_sql_is_still_recorded(council):
    plan = CPPlanFactory(child=ChildFactory(team=council.north_team), start_date=D(2024, 1, 10), end_date=None)
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "cases_cpplan" SET "end_date" = %s WHERE "id" = %s', [D(2024, 9, 1), plan.pk])
    event = change_of(plan, "end_date")
    assert event.pgh_diff["end_date"] == [None, "2024-09-01"]
    assert event.pgh_context is None


def test_a_deleted_row_is_still_in_its_history(council):
    request = journeys.drafted(council, ChildFactory(team=council.north_team), services=["Family support worker"])
    service = request.proposed_services.get()
    records.set_proposed_services(request.pk, council.social_worker, ["Drug and alcohol service"])
    labels = [event.pgh_label for event in Events.objects.tracks(service)]
    assert sorted(labels) == ["delete", "insert"]
