"""Child search at a large council's scale: one page read, plans counted for the page only, and
GOV.UK pagination that shows a handful of links however many pages there are."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import views
from tests.factories import ChildFactory, CPPlanFactory
from tests.page_cost import assert_same_cost, page_cost

SEARCH = reverse("cases:child_search")
TRIGRAM_INDEXES = ("child_first_name_trigrams", "child_last_name_trigrams", "child_local_id_trigrams")


@pytest.fixture
def worker(client, council):
    client.force_login(council.social_worker)
    return client


def children(council, count, last_name="Smith"):
    found = [ChildFactory(team=council.north_team, last_name=f"{last_name}{n:02d}") for n in range(count)]
    for child in found[::2]:
        CPPlanFactory(child=child)
    return found


@pytest.mark.parametrize("query", [{}, {"q": "smith"}])
def test_search_costs_the_same_queries_for_one_child_or_thirty_and_writes_one_access_record(worker, council, query):
    children(council, 1)
    worker.get(SEARCH, query)  # warms the content-type cache, which a running server holds already
    few = page_cost(worker, SEARCH, query)
    children(council, 29)
    many = page_cost(worker, SEARCH, query)
    assert len(many.response.context["page_obj"].object_list) == views.PAGE_SIZE
    assert_same_cost(few, many, access_records=1)


def test_plans_are_counted_for_each_child_shown(worker, council):
    with_two, with_none = (
        ChildFactory(team=council.north_team, last_name="Ames"),
        ChildFactory(team=council.north_team, last_name="Bell"),
    )
    CPPlanFactory(child=with_two)
    CPPlanFactory(child=with_two, start_date="2024-01-10", end_date="2024-06-10")
    shown = worker.get(SEARCH).context["page_obj"].object_list
    assert [(child.pk, child.plan_count) for child in shown] == [(with_two.pk, 2), (with_none.pk, 0)]


def page_links(html):
    return [int(number) for number in re.findall(r'aria-label="Page (\d+)"', html)]


@pytest.mark.parametrize(
    "page, links, ellipses",
    [
        (1, [1, 2, 40], 1),
        (3, [1, 2, 3, 4, 40], 1),
        (4, [1, 2, 3, 4, 5, 40], 1),
        (5, [1, 4, 5, 6, 40], 2),
        (20, [1, 19, 20, 21, 40], 2),
        (37, [1, 36, 37, 38, 39, 40], 1),
        (40, [1, 39, 40], 1),
    ],
)
def test_pagination_shows_first_last_and_neighbours_with_ellipses(worker, council, monkeypatch, page, links, ellipses):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    children(council, 40)
    html = worker.get(SEARCH, {"q": "smith", "page": page}).content.decode()
    assert page_links(html) == links
    assert html.count("govuk-pagination__item--ellipsis") == ellipses
    assert f'aria-label="Page {page}" aria-current="page"' in html
    assert "?q=smith&amp;page=40" in html


@pytest.fixture
def trigram_indexes(db):
    """The server PostgreSQL's trigram indexes (cases migrations 0014, 0016); the embedded one has none."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            pytest.skip("this PostgreSQL has no pg_trgm (the embedded server)")
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname LIKE 'child_%_trigrams'")
        return dict(cursor.fetchall())


def test_the_trigram_indexes_take_new_children_at_once_instead_of_queueing_them(trigram_indexes):
    assert trigram_indexes == dict.fromkeys(TRIGRAM_INDEXES, ["fastupdate=off"])


def test_search_counts_and_pages_its_matches_from_the_trigram_indexes(client, council, trigram_indexes):
    """Both the paginator's count and the page's children are read through the three indexes at once,
    and the indexes find a word inside a name or a local child ID.

    The chair may see every child, so the search is the query's only filter; among 20,000 children the
    planner reads the indexes rather than the table, as at a council's scale.
    """
    client.force_login(council.cp_chair)
    jordan = ChildFactory(team=council.north_team, first_name="Jordan", last_name="Smithson", local_child_id="N0042")
    ChildFactory(team=council.north_team, first_name="Alex", last_name="Jones", local_child_id="N0077")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_child (local_child_id, first_name, last_name, sex, ethnicity, date_of_birth, team_id)"
            " SELECT 'G' || n, 'Sam', 'Name' || n %% 500, 'F', 'WBRI', '2015-01-01', %s"
            " FROM generate_series(1, 20000) AS n",
            [council.north_team.pk],
        )
        cursor.execute("ANALYZE cases_child")
    with CaptureQueriesContext(connection) as searched:
        found = {
            query: [child.pk for child in client.get(SEARCH, {"q": query}).context["page_obj"].object_list]
            for query in ("rdan", "MITHS", "n004", "ordan mith")
        }
    assert found == dict.fromkeys(found, [jordan.pk])

    matching = [query["sql"] for query in searched.captured_queries if "'%n004%'" in query["sql"]]
    assert len(matching) == 2  # the count and the page
    for sql in matching:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Seq Scan on cases_child " not in plan and "BitmapOr" in plan
        assert all(f"Bitmap Index Scan on {index}" in plan for index in TRIGRAM_INDEXES), plan
