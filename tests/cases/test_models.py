"""The census rules for CP plans hold twice: `full_clean()` names the rule, and the database refuses the row.

A form shows the message naming the DfE rule; a raw `.save()` or `bulk_create` that skips validation
(an import, a script, a bug) meets the database constraint of the same name.
"""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from cases.models import Child, CPPlan
from tests.factories import ChildFactory, CPPlanFactory

D = datetime.date


@pytest.fixture
def child(db):
    """A child with one plan, 10 January to 10 July 2023."""
    child = ChildFactory()
    CPPlanFactory(child=child, start_date=D(2023, 1, 10), end_date=D(2023, 7, 10))
    return child


def plan(child, start, end, **fields):
    initial = fields.pop("initial_category", "NEG")
    latest = fields.pop("latest_category", initial)
    return CPPlan(
        child=child, start_date=start, end_date=end, initial_category=initial, latest_category=latest, **fields
    )


def messages_of(invalid_plan) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        invalid_plan.full_clean()
    return refused.value.message_dict


def all_messages(invalid_plan) -> list[str]:
    return [message for messages in messages_of(invalid_plan).values() for message in messages]


def constraint_refusing(save) -> str:
    """Run a write that skips validation; return the name of the database constraint that refused it."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        save()
    return refused.value.__cause__.diag.constraint_name


# full_clean(): each rule gives a message naming it.


def test_8925_a_plan_cannot_end_before_it_starts(child):
    messages = messages_of(plan(child, D(2024, 3, 1), D(2024, 2, 1)))
    assert any(m.startswith("Rule 8925") for m in messages["end_date"])


def test_8840_a_plan_cannot_start_and_end_on_the_same_day(child):
    messages = messages_of(plan(child, D(2024, 3, 1), D(2024, 3, 1)))
    assert any(m.startswith("Rule 8840") for m in messages["end_date"])


@pytest.mark.parametrize(
    "start, end",
    [
        (D(2023, 7, 9), D(2023, 12, 1)),  # starts the day before the earlier plan ended
        (D(2022, 12, 1), D(2023, 1, 11)),  # ends the day after the earlier plan started
        (D(2023, 3, 1), D(2023, 4, 1)),  # inside the earlier plan
        (D(2022, 1, 1), None),  # open, starting before the earlier plan
        (D(2023, 7, 10), D(2023, 12, 1)),  # starts the day the earlier plan ended: the DfE counts both days
        (D(2022, 6, 1), D(2023, 1, 10)),  # ends the day the earlier plan started
    ],
)
def test_8940_plans_of_one_child_cannot_overlap(child, start, end):
    messages = messages_of(plan(child, start, end))
    assert any(m.startswith("Rule 8940") for m in messages[NON_FIELD_ERRORS])


@pytest.mark.parametrize(
    "start, end",
    [
        (D(2023, 7, 11), D(2023, 12, 1)),  # starts the day after the earlier plan ended
        (D(2022, 6, 1), D(2023, 1, 9)),  # ends the day before the earlier plan started
        (D(2024, 1, 1), None),
    ],
)
def test_plans_a_day_apart_do_not_overlap(child, start, end):
    plan(child, start, end).full_clean()


def test_8935_a_child_cannot_have_two_open_plans(child):
    CPPlanFactory(child=child, start_date=D(2024, 1, 1), end_date=None)
    messages = all_messages(plan(child, D(2025, 1, 1), None))
    assert any(m.startswith("Rule 8935") for m in messages)


def test_8905_the_initial_category_must_be_a_census_code(child):
    for bad in ("XXX", ""):
        messages = messages_of(plan(child, D(2024, 1, 1), None, initial_category=bad))
        assert any(m.startswith("Rule 8905") for m in messages["initial_category"]), bad


def test_8910_the_latest_category_must_be_given_and_a_census_code(child):
    for bad in ("XXX", ""):
        messages = messages_of(plan(child, D(2024, 1, 1), None, latest_category=bad))
        assert any(m.startswith("Rule 8910") for m in messages["latest_category"]), bad
    plan(child, D(2024, 1, 1), None, latest_category="PHY").full_clean()


def test_assessment_factors_must_be_census_codes(child):
    messages = messages_of(plan(child, D(2024, 1, 1), None, assessment_factors=["3B", "99Z"]))
    assert messages["assessment_factors"] == ["Unknown assessment factor code(s): 99Z."]
    plan(child, D(2024, 1, 1), None, assessment_factors=["3B", "24A"]).full_clean()
    plan(child, D(2024, 1, 1), None, assessment_factors=["21"]).full_clean()
    # 18A was valid in returns up to 2022-23: a plan imported from one keeps it.
    plan(child, D(2024, 1, 1), None, assessment_factors=["18A"]).full_clean()


def test_every_broken_rule_is_reported_at_once(child):
    messages = messages_of(plan(child, D(2024, 3, 1), D(2024, 2, 1), initial_category="XXX", assessment_factors=["Q"]))
    assert {"end_date", "initial_category", "assessment_factors"} <= set(messages)


def test_a_plan_held_by_another_council_names_the_council(child):
    messages = messages_of(plan(child, D(2024, 1, 1), None, held_by_other_council=True))
    assert messages["other_council"] == ["Enter which council held the plan."]
    plan(child, D(2024, 1, 1), None, held_by_other_council=True, other_council="Leeds").full_clean()


def test_a_child_needs_a_date_of_birth_or_an_expected_one(db):
    unborn = Child(local_child_id="U1", expected_date_of_birth=D(2027, 1, 1))
    unborn.full_clean()
    with pytest.raises(ValidationError) as refused:
        Child(local_child_id="U2").full_clean()
    assert "Enter a date of birth or an expected date of birth." in refused.value.messages


# The database refuses the same rows when validation is skipped.


@pytest.mark.parametrize(
    "start, end, fields, constraint",
    [
        (D(2024, 3, 1), D(2024, 2, 1), {}, "rule_8925_end_not_before_start"),
        (D(2024, 3, 1), D(2024, 3, 1), {}, "rule_8840_not_same_day"),
        (D(2023, 7, 9), D(2023, 12, 1), {}, "rule_8940_no_overlap"),
        (D(2022, 12, 1), None, {}, "rule_8940_no_overlap"),
        (D(2023, 7, 10), D(2023, 12, 1), {}, "rule_8940_no_overlap"),
        (D(2022, 6, 1), D(2023, 1, 10), {}, "rule_8940_no_overlap"),
        (D(2023, 1, 10), D(2023, 2, 1), {}, "plan_start_unique_per_child"),
        (D(2024, 1, 1), None, {"initial_category": "XXX"}, "rule_8905_initial_category_valid"),
        (D(2024, 1, 1), None, {"initial_category": ""}, "rule_8905_initial_category_valid"),
        (D(2024, 1, 1), None, {"latest_category": "XXX"}, "rule_8910_latest_category_valid"),
        (D(2024, 1, 1), None, {"latest_category": ""}, "rule_8910_latest_category_valid"),
    ],
)
def test_the_database_refuses_a_plan_breaking_a_rule(child, start, end, fields, constraint):
    assert constraint_refusing(lambda: plan(child, start, end, **fields).save()) == constraint
    assert constraint_refusing(lambda: CPPlan.objects.bulk_create([plan(child, start, end, **fields)])) == constraint
    assert child.plans.count() == 1


def test_the_database_refuses_a_second_open_plan(child):
    CPPlanFactory(child=child, start_date=D(2024, 1, 1), end_date=None)
    assert constraint_refusing(lambda: plan(child, D(2025, 1, 1), None).save()) == "rule_8935_one_open_plan"
    assert child.plans.count() == 2


def test_the_database_allows_plans_a_day_apart(child):
    CPPlan.objects.bulk_create([plan(child, D(2023, 7, 11), D(2023, 12, 1)), plan(child, D(2023, 12, 2), None)])
    assert child.plans.count() == 3


def test_the_database_refuses_a_child_with_no_birth_date(db):
    refused = constraint_refusing(lambda: Child(local_child_id="U3").save())
    assert refused == "child_has_birth_or_expected_date"
    refused = constraint_refusing(lambda: Child.objects.bulk_create([Child(local_child_id="U4")]))
    assert refused == "child_has_birth_or_expected_date"
