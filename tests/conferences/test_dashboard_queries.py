"""The managers' dashboard: each role's queue, its flags, filters and sorting, and a fixed number of queries.

The query count must not grow with the queue: a council's CP chairs may have dozens of requests
waiting, and each row's assessment reads the child's whole plan history.
"""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conferences import records, transitions
from conferences.models import ConferenceRequest, QueueFacts, State
from conferences.queue import refresh_queue_facts
from conferences.tasks import refresh_queues
from conferences.views.dashboards import PAGE_SIZE
from tests.factories import (
    ChildFactory,
    ConferenceRequestFactory,
    CPPlanFactory,
    FamilyFactory,
    PlanServiceFactory,
    ProposedServiceFactory,
)
from tests.page_cost import assert_same_cost, page_cost

DASHBOARD = reverse("decisions:dashboard")
# The fixed cost of the page: the session, the user and their role, their model permissions (for the
# visibility filter), the queue read once (its ids, teams and due dates), the rows matching the filters,
# the page shown and its three prefetches (plans, their services, proposed services), the open challenges
# for those who see them, and the one record naming the children shown.
MAX_QUERIES = 13


def waiting_request(
    council,
    *,
    state=State.MANAGER_DISCUSSION,
    team=None,
    plans=1,
    last_end=None,
    days_waiting=3,
    first_name=None,
    family=None,
    **plan_kwargs,
):
    """A request at `state` for a child with `plans` previous plans (each with a service), one proposed service."""
    child = ChildFactory(
        team=team or council.north_team, family=family, **({"first_name": first_name} if first_name else {})
    )
    end = last_end or timezone.localdate() - datetime.timedelta(days=150)
    for _ in range(plans):
        start = end - datetime.timedelta(days=200)
        PlanServiceFactory(plan=CPPlanFactory(child=child, start_date=start, end_date=end, **plan_kwargs))
        end = start - datetime.timedelta(days=100)
    request = ConferenceRequestFactory(
        child=child,
        state=state,
        created_by=council.social_worker,
        submitted_by=council.social_worker,
        submitted_at=timezone.now(),
        stage_entered_at=timezone.now() - datetime.timedelta(days=days_waiting),
    )
    ProposedServiceFactory(request=request, name="Family support worker")
    return request


def rows_of(response):
    return list(response.context["page_obj"].object_list)


def queries_for(client, url=DASHBOARD):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize(
    "user, state",
    [
        ("area_manager", State.MANAGER_DISCUSSION),
        ("cp_chair", State.CPC_SCREENING),
        ("head_of_service", State.HEAD_OF_SERVICE_SIGNOFF),
    ],
)
@pytest.mark.parametrize("query", [{}, {"sort": "-plan"}, {"flag": "similar_concerns", "sort": "child"}])
def test_the_dashboard_costs_the_same_queries_for_1_or_30_rows_and_writes_one_access_record(
    client, council, django_assert_max_num_queries, user, state, query
):
    family = FamilyFactory()
    waiting_request(council, state=state, plans=2, family=family)
    client.force_login(getattr(council, user))
    client.get(DASHBOARD)  # warms the content-type cache, which a running server holds already
    with django_assert_max_num_queries(MAX_QUERIES):
        few = page_cost(client, DASHBOARD, query)
    assert len(rows_of(few.response)) == 1

    for index in range(29):
        waiting_request(council, state=state, plans=1 + index % 3, family=family if index % 2 else None)
    many = page_cost(client, DASHBOARD, query)
    assert len(rows_of(many.response)) == PAGE_SIZE
    assert many.response.context["shown_count"] == 30
    assert_same_cost(few, many, access_records=1)


def test_rows_carry_the_assessment_of_each_request(client, council):
    close = waiting_request(council, plans=1, last_end=timezone.localdate() - datetime.timedelta(days=100))
    far = waiting_request(
        council,
        plans=2,
        last_end=timezone.localdate() - datetime.timedelta(days=800),
        outstanding_actions_at_closure=True,
    )
    client.force_login(council.area_manager)
    rows = {row.request.pk: row for row in rows_of(client.get(DASHBOARD))}
    assert rows[close.pk].assessment.close_scrutiny
    assert rows[close.pk].assessment.plan_number == 2
    assert rows[close.pk].assessment.days_since_last_plan_end == 100
    assert not rows[far.pk].assessment.within_12_months
    assert rows[far.pk].assessment.plan_number == 3
    assert rows[far.pk].assessment.challenge_triggers == ("outstanding_actions_at_closure",)
    assert [flag.key for flag in rows[close.pk].flags] == ["close_scrutiny", "within_12_months"]


def test_siblings_are_counted_for_each_row_as_the_assessment_would(client, council):
    family = FamilyFactory()
    with_sibling = waiting_request(council, family=family)
    ChildFactory(team=council.north_team, family=family)
    alone = waiting_request(council)
    client.force_login(council.area_manager)
    rows = {row.request.pk: row for row in rows_of(client.get(DASHBOARD))}
    assert "sibling_consideration" in rows[with_sibling.pk].assessment.required_steps
    assert "sibling_consideration" not in rows[alone.pk].assessment.required_steps


def test_each_manager_sees_only_their_own_area_and_stage(client, council):
    mine = waiting_request(council)
    waiting_request(council, team=council.south_team)
    waiting_request(council, state=State.CPC_SCREENING)
    client.force_login(council.area_manager)
    assert [row.request.pk for row in rows_of(client.get(DASHBOARD))] == [mine.pk]


def test_a_team_manager_watches_every_open_request_of_their_own_team(client, council):
    draft = waiting_request(council, state=State.DRAFT)
    ConferenceRequest.objects.filter(pk=draft.pk).update(submitted_by=None, submitted_at=None)
    screening = waiting_request(council, state=State.CPC_SCREENING)
    waiting_request(council, state=State.CPC_SCREENING, team=council.south_team)
    waiting_request(council, state=State.DECLINED)
    client.force_login(council.team_manager)
    response = client.get(DASHBOARD)
    assert {row.request.pk for row in rows_of(response)} == {draft.pk, screening.pk}
    page = response.content.decode()
    assert "Your team&#x27;s requests" in page and "2 open requests from your team" in page
    assert "Not submitted yet" in page
    assert "Your team&#x27;s requests" in client.get(reverse("home")).content.decode()  # in the navigation


def test_the_chair_sees_screening_and_ready_to_convene_and_open_challenges(client, council):
    screening = waiting_request(council, state=State.CPC_SCREENING)
    ready = waiting_request(council, state=State.READY_TO_CONVENE, team=council.south_team)
    waiting_request(council, state=State.MANAGER_DISCUSSION)
    records.issue_challenge(
        screening.pk,
        council.cp_chair,
        triggers=["stepped_down_early"],
        challenge="Why was it stepped down?",
        response_due=timezone.localdate() + datetime.timedelta(days=5),
    )
    client.force_login(council.cp_chair)
    response = client.get(DASHBOARD)
    assert {row.request.pk for row in rows_of(response)} == {screening.pk, ready.pk}
    assert [row.challenge.request_id for row in response.context["challenges"]] == [screening.pk]
    assert "Open challenges" in response.content.decode()


def test_filtering_by_flag_stage_and_team(client, council):
    close = waiting_request(
        council, state=State.CPC_SCREENING, last_end=timezone.localdate() - datetime.timedelta(days=60)
    )
    far = waiting_request(
        council,
        state=State.READY_TO_CONVENE,
        team=council.south_team,
        last_end=timezone.localdate() - datetime.timedelta(days=900),
    )
    client.force_login(council.cp_chair)
    assert [r.request.pk for r in rows_of(client.get(DASHBOARD, {"flag": "close_scrutiny"}))] == [close.pk]
    assert [r.request.pk for r in rows_of(client.get(DASHBOARD, {"stage": "ready_to_convene"}))] == [far.pk]
    by_team = rows_of(client.get(DASHBOARD, {"team": str(council.south_team.pk)}))
    assert [r.request.pk for r in by_team] == [far.pk]


def test_sorting_by_days_waiting_plan_number_and_name(client, council):
    amy = waiting_request(council, first_name="Amy", plans=3, days_waiting=1)
    zoe = waiting_request(council, first_name="Zoe", plans=1, days_waiting=9)
    client.force_login(council.area_manager)

    def order(sort):
        return [row.request.pk for row in rows_of(client.get(DASHBOARD, {"sort": sort}))]

    assert order("") == [zoe.pk, amy.pk]  # the longest waiting first
    assert order("waiting") == [amy.pk, zoe.pk]
    assert order("-plan") == [amy.pk, zoe.pk]
    assert order("plan") == [zoe.pk, amy.pk]
    amy.child.last_name = zoe.child.last_name = "Same"
    amy.child.save()
    zoe.child.save()
    assert order("child") == [amy.pk, zoe.pk]


def test_unknown_parameters_are_ignored_not_an_error(client, council):
    waiting_request(council)
    client.force_login(council.area_manager)
    response = client.get(DASHBOARD, {"sort": "password", "flag": "drop table", "stage": "x", "page": "999"})
    assert response.status_code == 200
    assert len(rows_of(response)) == 1


def test_the_queue_is_cut_into_pages(client, council):
    for _ in range(PAGE_SIZE + 2):
        waiting_request(council)
    client.force_login(council.area_manager)
    assert len(rows_of(client.get(DASHBOARD))) == PAGE_SIZE
    second = client.get(DASHBOARD, {"page": "2"})
    assert len(rows_of(second)) == 2
    assert "Pages of requests" in second.content.decode()


def test_a_request_whose_history_cannot_be_assessed_still_shows(client, council):
    request = waiting_request(council)
    CPPlanFactory(child=request.child, start_date=timezone.localdate() - datetime.timedelta(days=10), end_date=None)
    client.force_login(council.area_manager)
    response = client.get(DASHBOARD)
    (row,) = rows_of(response)
    assert row.assessment is None and row.problem
    assert "History cannot be assessed" in response.content.decode()


def test_overdue_requests_are_counted_and_tagged_by_working_days(client, council):
    late = waiting_request(council, days_waiting=9)
    fresh = waiting_request(council, days_waiting=0)
    client.force_login(council.area_manager)
    response = client.get(DASHBOARD)
    assert response.context["overdue_count"] == 1
    rows = {row.request.pk: row for row in rows_of(response)}
    assert rows[late.pk].overdue and not rows[fresh.pk].overdue
    assert rows[late.pk].deadline.summary.endswith("overdue")
    assert "1 overdue" in response.content.decode()
    assert [row.request.pk for row in rows_of(client.get(DASHBOARD, {"sort": "-due"}))] == [fresh.pk, late.pk]


def test_the_filter_and_the_sort_reach_past_the_first_page(client, council):
    """The database filters and sorts the whole queue before the page is cut, not the page after."""
    for _ in range(PAGE_SIZE):
        waiting_request(council, plans=1, last_end=timezone.localdate() - datetime.timedelta(days=800))
    third = waiting_request(council, plans=3, last_end=timezone.localdate() - datetime.timedelta(days=800))
    close = waiting_request(council, plans=1, last_end=timezone.localdate() - datetime.timedelta(days=60))
    client.force_login(council.area_manager)
    assert [row.request.pk for row in rows_of(client.get(DASHBOARD, {"flag": "within_12_months"}))] == [close.pk]
    assert rows_of(client.get(DASHBOARD, {"sort": "-plan"}))[0].request.pk == third.pk
    assert rows_of(client.get(DASHBOARD, {"sort": "plan", "page": "2"}))[-1].request.pk == third.pk


def test_the_facts_follow_a_correction_of_the_childs_plans(council):
    request = waiting_request(council, plans=1, last_end=timezone.localdate() - datetime.timedelta(days=800))
    assert request.queue_facts.plan_number == 2
    CPPlanFactory(
        child=request.child,
        start_date=timezone.localdate() - datetime.timedelta(days=200),
        end_date=timezone.localdate() - datetime.timedelta(days=100),
    )
    request.queue_facts.refresh_from_db()
    assert request.queue_facts.plan_number == 3
    assert "within_12_months" in request.queue_facts.flags


def test_the_nightly_run_takes_in_what_changes_with_the_date_alone(council):
    """A year after the last plan ended the request is no longer "within 12 months", with nothing saved."""
    last_end = timezone.localdate() - datetime.timedelta(days=360)
    request = waiting_request(council, plans=1, last_end=last_end)
    assert {"within_12_months", "close_scrutiny"} <= set(request.queue_facts.flags)

    refresh_queue_facts(today=last_end + relativedelta(years=1))
    request.queue_facts.refresh_from_db()
    assert request.queue_facts.flags == ["similar_concerns"]
    assert request.queue_facts.assessed_on == last_end + relativedelta(years=1)
    assert refresh_queues() == 1


def test_a_request_that_leaves_the_queues_leaves_its_facts(council):
    request = waiting_request(council)
    transitions.withdraw(request.pk, council.social_worker, reason="The family moved away.")
    assert not QueueFacts.objects.filter(request=request).exists()


def test_who_may_see_which_request_is_asked_once_a_page(client, council):
    """The object permissions behind a manager's queue run to thousands of rows: the queue is read once
    through them, and its teams, its counts and the page shown reuse the ids read."""
    waiting_request(council)
    client.force_login(council.area_manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD, {"flag": "similar_concerns", "sort": "child"})
    asking = [query for query in queries.captured_queries if "groupobjectpermission" in query["sql"]]
    assert len(asking) == 1
    assert response.context["queue_size"] == 1 and len(rows_of(response)) == 1
    assert response.context["filters"].fields["team"].choices[-1] == (
        str(council.north_team.pk),
        council.north_team.name,
    )
