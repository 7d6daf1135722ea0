"""A child with fifty plans costs the request pages no more queries than a child with one, and
each page writes only its one access record."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences.models import State
from tests.conferences.test_dashboard_queries import waiting_request
from tests.factories import ChildFactory, CPPlanFactory, FamilyFactory
from tests.page_cost import assert_same_cost, page_cost


@pytest.mark.parametrize(
    "url_name, user", [("conferences:request_detail", "cp_chair"), ("decisions:decide", "cp_chair")]
)
def test_request_pages_cost_the_same_for_one_plan_or_fifty(client, council, url_name, user):
    family = FamilyFactory()
    one = waiting_request(council, state=State.CPC_SCREENING, plans=1, family=family)
    fifty = waiting_request(council, state=State.CPC_SCREENING, plans=50, family=family)
    client.force_login(getattr(council, user))
    client.get(reverse(url_name, args=[one.pk]))  # warms the caches a running server holds already
    few = page_cost(client, reverse(url_name, args=[one.pk]))
    many = page_cost(client, reverse(url_name, args=[fifty.pk]))
    assert many.response.context["assessment"].plan_number == 51
    assert_same_cost(few, many, access_records=1)


def test_the_childs_page_costs_the_same_for_one_plan_or_fifty_and_logs_in_two_writes(client, council):
    """The child's own record and the family's history (every sibling's plans, logged in one INSERT)."""

    def child_in_a_family(plans, siblings):
        family = FamilyFactory()
        child = waiting_request(council, plans=plans, family=family).child
        for _ in range(siblings):
            CPPlanFactory(child=ChildFactory(team=council.north_team, family=family))
        return child

    one, fifty = child_in_a_family(1, 1), child_in_a_family(50, 5)
    client.force_login(council.social_worker)
    client.get(reverse("cases:child_detail", args=[one.pk]))
    few = page_cost(client, reverse("cases:child_detail", args=[one.pk]))
    many = page_cost(client, reverse("cases:child_detail", args=[fifty.pk]))
    assert "Plan 50:" in many.response.content.decode()
    assert_same_cost(few, many, access_records=2)


def test_the_request_page_counts_the_siblings_with_the_request_and_reads_its_trail_once(client, council):
    """The assessment and the steps it gates both need the siblings; the timeline and the corrections both
    come from the request's trail."""
    family = FamilyFactory()
    request = waiting_request(council, state=State.CPC_SCREENING, family=family)
    ChildFactory(team=council.north_team, family=family)
    client.force_login(council.cp_chair)
    url = reverse("conferences:request_detail", args=[request.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in queries if sql.startswith('SELECT COUNT(*) AS "__count" FROM "cases_child"')]
    assert len([sql for sql in queries if 'FROM "audit_auditevent"' in sql]) == 1
    assert "sibling_consideration" in response.context["assessment"].required_steps
