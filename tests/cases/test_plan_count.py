"""The one count of previous plans (DESIGN.md section 3): recorded plans, raised where the census
declared more; the declared number is a floor, never a ceiling."""

from datetime import date

import pytest

from cases.selectors import count_previous_plans, previous_plans_before_each, previous_plans_of
from tests.factories import ChildFactory, CPPlanFactory


@pytest.mark.parametrize(
    "declared, total",
    [
        ([], 0),
        ([None], 1),
        ([0], 1),
        ([1], 2),  # one recorded plan that was the child's second
        ([0, None], 2),
        ([3, None], 5),  # the first recorded plan had 3 before it; the second follows it
        ([None, 1], 2),  # a declaration that says less than the record is no ceiling
        ([5, 0], 7),
    ],
)
def test_the_count_is_the_record_raised_to_the_census_floor(declared, total):
    counted = count_previous_plans(declared)
    assert (counted.recorded, counted.total, counted.unrecorded) == (len(declared), total, total - len(declared))


def test_only_plans_ended_by_the_day_count_and_each_plan_has_its_count_before_it(db):
    child = ChildFactory()
    first = CPPlanFactory(
        child=child, start_date=date(2020, 1, 1), end_date=date(2020, 6, 1), declared_previous_plans=2
    )
    second = CPPlanFactory(
        child=child, start_date=date(2021, 1, 1), end_date=date(2021, 6, 1), declared_previous_plans=None
    )
    assert previous_plans_of(child, date(2020, 12, 31)).total == 3
    assert previous_plans_of(child, date(2022, 1, 1)).total == 4
    assert previous_plans_before_each(child.plans.all()) == {first.pk: 2, second.pk: 3}
