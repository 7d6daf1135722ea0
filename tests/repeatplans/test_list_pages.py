"""The list pages outside the dashboard and the search: each costs the same queries for one row or
thirty, and writes nothing but the one access record naming the children it shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences import records
from conferences.models import State
from notifications.models import Kind
from notifications.services import record
from tests.conferences.test_dashboard_queries import waiting_request
from tests.page_cost import assert_same_cost, page_cost

HOME = reverse("home")
CHALLENGES = reverse("decisions:challenges")
NOTIFICATIONS = reverse("notifications:list")


def challenged(council):
    request = waiting_request(council, state=State.CPC_SCREENING)
    records.issue_challenge(
        request.pk,
        council.cp_chair,
        triggers=["stepped_down_early"],
        challenge="Why was the last plan stepped down after three months?",
        response_due=timezone.localdate() + datetime.timedelta(days=5),
    )


def told(council, number):
    record(
        recipient=council.social_worker,
        kind=Kind.ACTION_NEEDED,
        message=f"Request {number} was returned to you.",
        url="/requests/1/",
        dedupe_key=f"told-{number}",
    )


@pytest.mark.parametrize(
    "url, query, user, make, access_records",
    [
        (HOME, {}, "social_worker", lambda council, n: waiting_request(council), 1),
        (HOME, {"list": "mine"}, "social_worker", lambda council, n: waiting_request(council), 1),
        (CHALLENGES, {}, "cp_chair", lambda council, n: challenged(council), 1),
        (NOTIFICATIONS, {}, "social_worker", told, 0),
        (NOTIFICATIONS, {"show": "unread"}, "social_worker", told, 0),
    ],
)
def test_each_list_costs_the_same_queries_for_one_row_or_thirty_and_writes_only_its_access_record(
    client, council, url, query, user, make, access_records
):
    make(council, 0)
    client.force_login(getattr(council, user))
    client.get(url, query)  # warms the content-type cache, which a running server holds already
    few = page_cost(client, url, query)
    for number in range(1, 30):
        make(council, number)
    many = page_cost(client, url, query)
    assert len(many.response.context["page_obj"].object_list) == min(
        30, many.response.context["page_obj"].paginator.per_page
    )
    assert_same_cost(few, many, access_records=access_records)
