"""The step-down check (conferences/step_down.py): each signal alone, and its boundaries."""

from datetime import date

import pytest

from conferences.step_down import (
    ACTIONS_OUTSTANDING,
    CORE_GROUP_ACTIONS_NOT_IMPLEMENTED,
    REPEAT_PLAN,
    SERVICES_NOT_ENGAGED,
    SHORT_PLAN,
    SIBLING_PLANS,
    Ending,
    SiblingPlan,
    is_recent_plan,
    step_down_check,
)

START = date(2024, 1, 10)
CALM = date(2024, 9, 10)  # eight months: no signal from the length


def test_a_plan_with_nothing_outstanding_has_no_signal():
    check = step_down_check(Ending(start=START, end=CALM))
    assert check.signals == ()
    assert check.needs_cp_manager is False


def test_exactly_3_months_is_short():
    """DESIGN.md section 3: short when end <= start + 3 months; the guidance's plan "for 3 months"."""
    check = step_down_check(Ending(start=START, end=date(2024, 4, 10)))
    assert check.signals == (SHORT_PLAN,)
    assert check.needs_cp_manager is True


def test_one_day_over_3_months_is_not_short():
    assert step_down_check(Ending(start=START, end=date(2024, 4, 11))).signals == ()


def test_3_months_from_a_month_end_is_calendar_arithmetic():
    # 30 November + 3 months is 28 February (2025 is not a leap year).
    assert step_down_check(Ending(start=date(2024, 11, 30), end=date(2025, 2, 28))).short_plan is True
    assert step_down_check(Ending(start=date(2024, 11, 30), end=date(2025, 3, 1))).short_plan is False


@pytest.mark.parametrize(
    ("ending", "signal"),
    [
        (Ending(start=START, end=CALM, outstanding_actions=1), ACTIONS_OUTSTANDING),
        (Ending(start=START, end=CALM, core_group_actions_not_implemented=True), CORE_GROUP_ACTIONS_NOT_IMPLEMENTED),
        (Ending(start=START, end=CALM, services_not_engaged=("Drug and alcohol service",)), SERVICES_NOT_ENGAGED),
        (Ending(start=START, end=CALM, plan_number=2), REPEAT_PLAN),
        (
            Ending(start=START, end=CALM, sibling_plans=(SiblingPlan("Amy", date(2020, 1, 1), None),)),
            SIBLING_PLANS,
        ),
    ],
)
def test_each_signal_alone(ending, signal):
    check = step_down_check(ending)
    assert check.signals == (signal,)
    assert check.needs_cp_manager


def test_a_first_plan_is_no_repeat():
    assert REPEAT_PLAN not in step_down_check(Ending(start=START, end=CALM, plan_number=1)).signals


def test_signals_come_in_reading_order():
    ending = Ending(
        start=START,
        end=date(2024, 3, 1),
        outstanding_actions=2,
        core_group_actions_not_implemented=True,
        services_not_engaged=("B", "A", "A"),
        plan_number=3,
        sibling_plans=(SiblingPlan("Amy", date(2023, 1, 1), date(2023, 6, 1)),),
    )
    check = step_down_check(ending)
    assert check.signals == (
        SHORT_PLAN,
        ACTIONS_OUTSTANDING,
        CORE_GROUP_ACTIONS_NOT_IMPLEMENTED,
        SERVICES_NOT_ENGAGED,
        REPEAT_PLAN,
        SIBLING_PLANS,
    )
    assert check.services_not_engaged == ("A", "B")


def test_a_sibling_plan_is_recent_for_two_calendar_years_after_it_ended():
    ended = date(2022, 2, 28)
    assert is_recent_plan(date(2021, 6, 1), ended, date(2024, 2, 27)) is True
    assert is_recent_plan(date(2021, 6, 1), ended, date(2024, 2, 28)) is False
    # 29 February + 2 years is 28 February.
    assert is_recent_plan(date(2023, 6, 1), date(2024, 2, 29), date(2026, 2, 27)) is True
    assert is_recent_plan(date(2023, 6, 1), date(2024, 2, 29), date(2026, 2, 28)) is False


def test_a_current_sibling_plan_is_recent_and_a_later_one_is_not_yet_history():
    assert is_recent_plan(date(2010, 1, 1), None, CALM) is True
    assert is_recent_plan(date(2024, 1, 1), date(2025, 1, 1), CALM) is True  # current on the day
    assert is_recent_plan(date(2024, 10, 1), None, CALM) is False  # starts after the day


def test_an_old_sibling_plan_is_no_signal():
    old = SiblingPlan("Amy", date(2018, 1, 1), date(2019, 1, 1))
    check = step_down_check(Ending(start=START, end=CALM, sibling_plans=(old,)))
    assert check.signals == ()
    assert check.recent_sibling_plans == ()


def test_an_ending_on_or_before_the_start_is_refused():
    with pytest.raises(ValueError, match="cannot end"):
        Ending(start=START, end=START)
