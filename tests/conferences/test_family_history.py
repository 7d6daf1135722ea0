"""The family's CP history in the prior-plan check, the child's page and the sibling section (R1, R12)."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from audit.models import RecordAccess
from conferences.family import family_history
from tests.conferences.journeys import submitted
from tests.factories import ChildFactory, CPPlanFactory, FamilyFactory

TODAY = timezone.localdate


@pytest.fixture
def family(council):
    """A family with one child whose plan ended 18 months ago, one whose plan ended 3 years ago, one with none."""
    family = FamilyFactory(name="The Okafor family")
    recent = ChildFactory(team=council.north_team, family=family, first_name="Ada", last_name="Okafor")
    CPPlanFactory(
        child=recent, start_date=TODAY() - relativedelta(months=26), end_date=TODAY() - relativedelta(months=18)
    )
    old = ChildFactory(team=council.south_team, family=family, first_name="Ben", last_name="Okafor")
    CPPlanFactory(child=old, start_date=TODAY() - relativedelta(years=4), end_date=TODAY() - relativedelta(years=3))
    ChildFactory(team=council.north_team, family=family, first_name="Cal", last_name="Okafor")
    return family


def test_a_recent_or_current_sibling_plan_is_flagged_and_listed_first(council, family):
    child = ChildFactory(team=council.north_team, family=family)
    histories = family_history(child, TODAY())
    assert [(h.sibling.first_name, h.recent, len(h.plans)) for h in histories] == [
        ("Ada", True, 1),
        ("Ben", False, 1),
        ("Cal", False, 0),
    ]


def test_two_years_after_the_end_the_flag_goes(council, family):
    ada = family.children.get(first_name="Ada")
    child = ChildFactory(team=council.north_team, family=family)
    end = ada.plans.get().end_date
    assert family_history(child, end + relativedelta(years=2) - datetime.timedelta(days=1))[0].recent is True
    assert not any(h.recent for h in family_history(child, end + relativedelta(years=2)))


@pytest.mark.parametrize("born", [True, False], ids=["born", "unborn"])
def test_the_prior_plan_check_shows_a_siblings_recent_plan(client, council, family, born):
    dates = (
        {"date_of_birth": datetime.date(2020, 5, 1)}
        if born
        else {
            "date_of_birth": None,
            "expected_date_of_birth": TODAY() + relativedelta(months=2),
        }
    )
    child = ChildFactory(team=council.north_team, family=family, first_name="New", last_name="Okafor", **dates)
    request = submitted(council, child)
    client.force_login(council.social_worker)
    response = client.get(reverse("conferences:prior_plan_check", args=[request.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    section = page[page.index('id="family-history"') :]
    ada_row = section[section.index("Ada Okafor") : section.index("Ben Okafor")]
    assert "Recent plan" in ada_row
    ended = family.children.get(first_name="Ada").plans.get().end_date
    assert ended.strftime("%-d %b %Y") in ada_row
    assert "Recent plan" not in section[section.index("Ben Okafor") : section.index("</table>")]
    assert ("is not born yet" in section) is (not born)
    # Each sibling whose plans were shown is logged, even one of another team (Ben).
    for name in ("Ada", "Ben"):
        assert RecordAccess.objects.filter(child=family.children.get(first_name=name), user=council.social_worker)


def test_the_childs_page_and_the_sibling_section_start_from_the_family_history(client, council, family):
    child = ChildFactory(team=council.north_team, family=family)
    client.force_login(council.social_worker)
    page = client.get(reverse("cases:child_detail", args=[child.pk])).content.decode()
    assert "The family's CP history" in page
    assert "Recent plan" in page
    # The page's look at each sibling's plans is logged once; a sibling with no plans shows none.
    path = reverse("cases:child_detail", args=[child.pk])
    for name, times in (("Ada", 1), ("Ben", 1), ("Cal", 0)):
        assert RecordAccess.objects.filter(child=family.children.get(first_name=name), path=path).count() == times
    request = submitted(council, child)
    section = client.get(reverse("conferences:section", args=[request.pk, "siblings"]))
    assert section.status_code == 200
    text = section.content.decode()
    assert text.index("Ada Okafor") < text.index("Ben Okafor") < text.index("Cal Okafor")
    assert "Recent plan" in text
