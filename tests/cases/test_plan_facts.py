"""Each plan's facts (cases.PlanFacts) stay what the plans say, whichever way the plans were written.

The database keeps them (statement-level triggers on the plans and on the children's teams), so the
indicators can read them instead of every plan in order. Every path that writes plans is tried here:
the ORM and the factories, the data manager's corrections, bulk writes, raw SQL (even with
pgtrigger.ignore asked), the census import, a plan moved to another child, a child moved
to another team. After each, the kept facts must equal what cases.selectors works out from the plans.
"""

import datetime as dt

import pytest
from django.db import connection, transaction

from cases.history_import import import_census
from cases.models import Child, CPPlan, PlanFacts
from cases.plans import plan_correct, plan_create
from cases.selectors import previous_plans_before_each
from tests.cases import census_xml as x
from tests.factories import ChildFactory, CPPlanFactory


def d(text):
    return dt.date.fromisoformat(text)


def worked_out() -> dict:
    """Every plan's facts from the plans themselves: the selectors' count and the previous plan's end."""
    found = {}
    for child in Child.objects.prefetch_related("plans"):
        plans = sorted(child.plans.all(), key=lambda plan: plan.start_date)
        counts = previous_plans_before_each(plans)
        for index, plan in enumerate(plans):
            found[plan.pk] = (
                child.pk,
                child.team_id,
                plan.start_date,
                plan.end_date,
                plan.held_by_other_council,
                counts[plan.pk],
                plans[index - 1].end_date if index else None,
            )
    return found


def kept() -> dict:
    return {
        facts.plan_id: (
            facts.child_id,
            facts.team_id,
            facts.start_date,
            facts.end_date,
            facts.held_by_other_council,
            facts.previous_plans,
            facts.previous_end,
        )
        for facts in PlanFacts.objects.all()
    }


def assert_kept():
    expected = worked_out()
    assert expected, "nothing to compare"
    assert kept() == expected


def test_plans_saved_out_of_order_count_the_earlier_ones_and_the_census_floor(council):
    child = ChildFactory(team=council.north_team)
    third = CPPlanFactory(child=child, start_date=d("2024-01-01"), end_date=None)
    first = CPPlanFactory(child=child, start_date=d("2020-01-01"), end_date=d("2020-06-01"), declared_previous_plans=2)
    CPPlanFactory(child=child, start_date=d("2022-01-01"), end_date=d("2022-08-01"))

    assert_kept()
    assert PlanFacts.objects.get(plan=first).previous_plans == 2  # the census said two before it
    assert PlanFacts.objects.get(plan=third).previous_plans == 4
    assert PlanFacts.objects.get(plan=third).previous_end == d("2022-08-01")


def test_a_correction_by_the_data_manager_recounts_the_childs_later_plans(council):
    child = ChildFactory(team=council.north_team)
    early = CPPlanFactory(child=child, start_date=d("2019-01-01"), end_date=d("2019-05-01"))
    CPPlanFactory(child=child, start_date=d("2021-01-01"), end_date=None)

    plan_correct(
        plan=early,
        user=council.data_manager,
        values={"end_date": d("2019-09-30"), "declared_previous_plans": 3},
        reason="The census return had the wrong end date and count.",
    )

    assert_kept()


def test_bulk_writes_and_queryset_updates_are_followed(council):
    children = [ChildFactory(team=council.south_team) for _ in range(3)]
    CPPlan.objects.bulk_create(
        CPPlan(child=child, start_date=d(start), end_date=end and d(end), initial_category="NEG", latest_category="NEG")
        for child in children
        for start, end in (("2018-01-01", "2018-07-01"), ("2020-03-01", "2020-09-01"), ("2023-01-01", None))
    )
    assert_kept()

    CPPlan.objects.filter(child=children[0], start_date=d("2018-01-01")).update(start_date=d("2017-06-01"))
    CPPlan.objects.filter(child__in=children[1:], end_date=d("2020-09-01")).update(end_date=d("2021-02-01"))
    assert_kept()


@pytest.mark.parametrize("skip_asked", [False, True], ids=["plain", "pgtrigger.ignore"])
def test_raw_sql_writes_are_followed_and_cannot_skip_the_facts(council, skip_asked):
    child = ChildFactory(team=council.north_team)
    CPPlanFactory(child=child, start_date=d("2021-01-01"), end_date=d("2021-04-01"))
    insert = """
        INSERT INTO cases_cpplan (child_id, start_date, end_date, initial_category, latest_category,
            assessment_factors, how_ended, outstanding_actions_at_closure, core_group_actions_not_implemented,
            held_by_other_council, other_council, declared_previous_plans, source)
        VALUES (%s, %s, %s, 'PHY', 'PHY', '{}', '', FALSE, FALSE, %s, %s, %s, 'entered')
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if skip_asked:
            cursor.execute(
                "SELECT set_config('pgtrigger.ignore', %s, true)", ["{plan_facts_on_insert,plan_facts_on_update}"]
            )
        cursor.execute(insert, [child.pk, d("2019-01-01"), d("2019-03-01"), True, "Shire County", None])
        cursor.execute(insert, [child.pk, d("2023-05-01"), None, False, "", 1])
        assert_kept()
        cursor.execute("UPDATE cases_cpplan SET start_date = start_date - 10 WHERE child_id = %s", [child.pk])
        assert_kept()


def test_a_plan_moved_to_another_child_recounts_both_children(council):
    one, other = ChildFactory(team=council.north_team), ChildFactory(team=council.south_team)
    moved = CPPlanFactory(child=one, start_date=d("2018-01-01"), end_date=d("2018-05-01"))
    CPPlanFactory(child=one, start_date=d("2020-01-01"), end_date=None)
    CPPlanFactory(child=other, start_date=d("2022-01-01"), end_date=None)

    CPPlan.objects.filter(pk=moved.pk).update(child=other)

    assert_kept()
    assert PlanFacts.objects.get(plan=moved).team_id == council.south_team.pk


def test_a_child_moved_to_another_team_takes_their_plans_facts_along(council):
    child = ChildFactory(team=council.north_team)
    CPPlanFactory(child=child, start_date=d("2020-01-01"), end_date=d("2020-05-01"))
    CPPlanFactory(child=child, start_date=d("2021-01-01"), end_date=None)

    child.team = council.south_team
    child.save()
    assert_kept()
    Child.objects.filter(pk=child.pk).update(team=None)
    assert_kept()
    assert set(PlanFacts.objects.values_list("team_id", flat=True)) == {None}


def test_the_census_import_keeps_every_plans_facts(db):
    import_census(str(x.SAMPLE))
    assert CPPlan.objects.count() > 10
    assert_kept()
    import_census(str(x.SAMPLE))  # a second run of the same return changes nothing
    assert_kept()


def test_a_plan_added_on_the_childs_page_by_the_data_manager_is_counted(council):
    child = ChildFactory(team=council.north_team)
    CPPlanFactory(child=child, start_date=d("2020-01-01"), end_date=d("2020-06-01"))

    added = plan_create(
        child=child,
        user=council.data_manager,
        values={"start_date": d("2022-02-01"), "end_date": None, "initial_category": "EMO", "latest_category": "EMO"},
        reason="Found in the paper file.",
    )

    assert PlanFacts.objects.get(plan=added).previous_plans == 1
    assert_kept()
