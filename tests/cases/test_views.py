"""Finding a child and reading their record, through the Django test client."""

import datetime
import re

import pytest
from django.urls import reverse

from audit.models import RecordAccess
from tests.conferences.journeys import child_with_plans, drafted
from tests.factories import ChildFactory, CPPlanFactory, FamilyFactory, PlanServiceFactory
from tests.page_cost import assert_same_cost, page_cost


def record_url(child):
    return reverse("cases:child_detail", args=[child.pk])


@pytest.fixture
def worker(client, council):
    client.force_login(council.social_worker)
    return client


def test_search_finds_by_name_or_local_id_only_among_the_teams_children(worker, council):
    ours = ChildFactory(team=council.north_team, first_name="Jordan", last_name="Smith", local_child_id="N0042")
    theirs = ChildFactory(team=council.south_team, first_name="Jordan", last_name="Smith")

    by_name = worker.get(reverse("cases:child_search"), {"q": "jordan smith"}).content.decode()
    by_id = worker.get(reverse("cases:child_search"), {"q": "n0042"}).content.decode()

    assert record_url(ours) in by_name and record_url(ours) in by_id
    assert record_url(theirs) not in by_name
    assert "1 child found" in by_name


def test_search_paginates(worker, council):
    for number in range(30):
        ChildFactory(team=council.north_team, last_name=f"Page{number:02d}")
    first = worker.get(reverse("cases:child_search"), {"q": "page"}).content.decode()
    second = worker.get(reverse("cases:child_search"), {"q": "page", "page": 2}).content.decode()
    assert len(re.findall(r'href="/children/\d+/"', first)) == 25
    assert len(re.findall(r'href="/children/\d+/"', second)) == 5
    assert "?q=page&amp;page=2" in first


def test_another_teams_child_is_404_like_a_missing_one_and_nothing_is_logged(worker, council):
    theirs = ChildFactory(team=council.south_team)
    hidden = worker.get(record_url(theirs))
    missing = worker.get(reverse("cases:child_detail", args=[theirs.pk + 1000]))
    assert hidden.status_code == missing.status_code == 404
    assert theirs.full_name not in hidden.content.decode()
    assert not RecordAccess.objects.filter(child=theirs).exists()


def test_every_opening_of_a_record_is_logged(worker, client, council):
    child = ChildFactory(team=council.north_team)
    worker.get(record_url(child))
    worker.get(record_url(child))
    client.force_login(council.auditor)
    assert client.get(record_url(child)).status_code == 200
    opened = RecordAccess.objects.filter(child=child).order_by("at")
    assert [(access.user, access.path) for access in opened] == [
        (council.social_worker, record_url(child)),
        (council.social_worker, record_url(child)),
        (council.auditor, record_url(child)),
    ]


def test_the_record_shows_the_whole_plan_history(worker, council):
    today = datetime.date.today()
    family = FamilyFactory(name="The Smith family")
    child = ChildFactory(team=council.north_team, family=family)
    sibling = ChildFactory(team=council.north_team, family=family, first_name="Sam")
    CPPlanFactory(
        child=child,
        start_date=datetime.date(2019, 3, 1),
        end_date=datetime.date(2020, 9, 1),
        initial_category="PHY",
        latest_category="EMO",
        held_by_other_council=True,
        other_council="Northshire County Council",
        how_ended="moved_away",
    )
    short = CPPlanFactory(
        child=child,
        start_date=today - datetime.timedelta(days=200),
        end_date=today - datetime.timedelta(days=150),
        assessment_factors=["3B", "2B"],
        how_ended="stepped_down_cin",
        outstanding_actions_at_closure=True,
    )
    PlanServiceFactory(plan=short, name="Parenting programme", engagement="partly")

    page = worker.get(record_url(child)).content.decode()

    assert "The Smith family" in page and record_url(sibling) in page
    assert "Previous plans (ended)</dt>" in page and 'data-previous-plans="2"' in page
    assert "not recorded here" not in page
    assert "Northshire County Council" in page
    assert "Physical abuse, later Emotional abuse" in page
    assert "1 year and 6 months (550 days)" in page  # the other council's plan
    assert f"{short.end_date:%-d %B %Y}" in page and "Within 12 months" in page
    assert "Short</strong>" in page
    assert (
        "Domestic abuse: parent or carer, Drug misuse: parent or carer" in page
        or "Drug misuse: parent or carer, Domestic abuse: parent or carer" in page
    )
    assert "Parenting programme: partly engaged" in page
    assert "Stepped down to Child in Need plan" in page
    assert "The case closed with actions outstanding." in page
    assert page.count("<rect ") == 3  # the chart's background and one bar per plan
    assert "<svg" in page and 'role="img"' in page


def a_family(council, plans, siblings):
    """A child with `plans` plans (two services each), and `siblings` brothers or sisters with a plan in
    each team, so that the social worker may open half of them."""
    family = FamilyFactory()
    child = child_with_plans(council, plans)
    child.family = family
    child.save()
    PlanServiceFactory(plan=child.plans.first(), name="Family support worker")
    for number in range(siblings):
        for team in (council.north_team, council.south_team):
            CPPlanFactory(child=ChildFactory(team=team, family=family, first_name=f"Sibling{number}"))
    drafted(council, child)
    return child


@pytest.mark.parametrize("user", ["social_worker", "cp_chair", "data_manager"])
def test_the_record_costs_the_same_queries_for_one_plan_and_sibling_or_many(client, council, user):
    one, many = a_family(council, plans=1, siblings=1), a_family(council, plans=12, siblings=4)
    client.force_login(getattr(council, user))
    client.get(record_url(one))  # warms the caches a running server holds already
    few = page_cost(client, record_url(one))
    lots = page_cost(client, record_url(many))
    page = lots.response.content.decode()
    assert "Plan 12:" in page and page.count("Sibling3") == 4  # in the siblings' table and the family's history
    assert_same_cost(few, lots, access_records=2)


def test_team_members_may_start_a_request_and_others_may_not(worker, client, council):
    child = ChildFactory(team=council.north_team)
    start_url = reverse("conferences:start", args=[child.pk])
    assert start_url in worker.get(record_url(child)).content.decode()

    client.force_login(council.area_manager)
    assert start_url not in client.get(record_url(child)).content.decode()
    assert client.post(start_url).status_code == 403
    assert not child.conference_requests.exists()


def test_a_child_with_an_open_request_links_to_it_instead_of_offering_another(worker, council):
    child = ChildFactory(team=council.north_team)
    request = drafted(council, child)
    page = worker.get(record_url(child)).content.decode()
    assert reverse("conferences:start", args=[child.pk]) not in page
    assert reverse("conferences:request_detail", args=[request.pk]) in page


def test_starting_a_request_for_a_child_on_a_plan_says_why_not(worker, council):
    child = ChildFactory(team=council.north_team)
    CPPlanFactory(child=child, start_date=datetime.date(2025, 1, 1), end_date=None)
    response = worker.post(reverse("conferences:start", args=[child.pk]), follow=True)
    assert "that calls for a review conference" in response.content.decode()
    assert not child.conference_requests.exists()


def test_a_child_on_a_plan_is_not_offered_a_request_and_the_page_says_why(worker, client, council):
    child = ChildFactory(team=council.north_team)
    CPPlanFactory(child=child, start_date=datetime.date(2025, 1, 1), end_date=None)
    page = worker.get(record_url(child)).content.decode()
    assert reverse("conferences:start", args=[child.pk]) not in page
    assert "The child is on a CP plan now: that calls for a review conference" in page

    client.force_login(council.area_manager)  # not the child's team: offered nothing, told nothing
    assert "calls for a review conference" not in client.get(record_url(child)).content.decode()


def test_starting_a_request_for_another_teams_child_is_404(worker, council):
    theirs = ChildFactory(team=council.south_team)
    assert worker.post(reverse("conferences:start", args=[theirs.pk])).status_code == 404


def test_the_record_links_only_the_siblings_the_person_may_open(worker, council):
    family = FamilyFactory()
    child = ChildFactory(team=council.north_team, family=family)
    ours = ChildFactory(team=council.north_team, family=family, first_name="Ours")
    theirs = ChildFactory(team=council.south_team, family=family, first_name="Theirs")
    page = worker.get(record_url(child)).content.decode()
    assert f'href="{record_url(ours)}">{ours.full_name}</a>' in page
    assert theirs.full_name in page and record_url(theirs) not in page
