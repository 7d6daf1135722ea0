"""The gatekeeping assessment (DESIGN.md section 3): each rule, its boundaries, and its errors.

Pure: no database, so no test here asks for the `db` fixture.
"""

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.codes import ASSESSMENT_FACTORS, CATEGORIES_OF_ABUSE
from conferences.assessment import (
    CHALLENGE_AND_RESOLUTION,
    CP_CHAIR_CONVERSATION,
    CP_MANAGER_CONSULTATION,
    CPC_SCREENING,
    HEAD_OF_SERVICE_SIGNOFF,
    LONG_PLAN_MONTHS,
    MANAGER_DISCUSSION,
    PARTNERS_INFORMED,
    PRIOR_PLAN_CHECK,
    REPEAT_ANALYSIS,
    REPEATED_SERVICE_RATIONALE,
    SERVICE_MANAGER_RATIONALE,
    SHORT_PLAN_MONTHS,
    SIBLING_CONSIDERATION,
    AssessmentError,
    PlanRecord,
    Proposal,
    assess,
    is_long,
    is_short,
    within_months,
)

REPEAT_STEPS = {
    MANAGER_DISCUSSION,
    PARTNERS_INFORMED,
    REPEAT_ANALYSIS,
    SERVICE_MANAGER_RATIONALE,
    CP_CHAIR_CONVERSATION,
    CP_MANAGER_CONSULTATION,
    CPC_SCREENING,
}


def plan(start, end, categories=("NEG",), factors=(), services=(), **flags):
    return PlanRecord(
        start=date.fromisoformat(start),
        end=None if end is None else date.fromisoformat(end),
        categories=frozenset(categories),
        factors=frozenset(factors),
        services=frozenset(services),
        **flags,
    )


def proposal(categories=("NEG",), factors=(), services=()):
    return Proposal(categories=frozenset(categories), factors=frozenset(factors), services=frozenset(services))


def on(day):
    return date.fromisoformat(day)


# A six-month plan: neither short nor long, so it triggers nothing by its length.
ORDINARY = plan("2023-01-01", "2023-07-01")


class TestConstantsAndNames:
    def test_step_names_are_the_api_names(self):
        assert [
            PRIOR_PLAN_CHECK,
            SIBLING_CONSIDERATION,
            MANAGER_DISCUSSION,
            PARTNERS_INFORMED,
            REPEAT_ANALYSIS,
            SERVICE_MANAGER_RATIONALE,
            CP_CHAIR_CONVERSATION,
            CP_MANAGER_CONSULTATION,
            CPC_SCREENING,
            HEAD_OF_SERVICE_SIGNOFF,
            CHALLENGE_AND_RESOLUTION,
            REPEATED_SERVICE_RATIONALE,
        ] == [
            "prior_plan_check",
            "sibling_consideration",
            "manager_discussion",
            "partners_informed",
            "repeat_analysis",
            "service_manager_rationale",
            "cp_chair_conversation",
            "cp_manager_consultation",
            "cpc_screening",
            "head_of_service_signoff",
            "challenge_and_resolution",
            "repeated_service_rationale",
        ]

    def test_plan_length_thresholds_are_3_and_18_months(self):
        assert (SHORT_PLAN_MONTHS, LONG_PLAN_MONTHS) == (3, 18)


class TestNoPreviousPlan:
    def test_first_plan_has_no_history_facts(self):
        result = assess([], proposal(["NEG"], ["3B"], ["parenting programme"]), on("2025-06-01"))

        assert result.plan_number == 1
        assert result.is_repeat is False
        assert result.previous_plans == 0
        assert result.last_plan_end is None
        assert result.days_since_last_plan_end is None
        assert result.last_plan_days is None
        for flag in (
            result.within_12_months,
            result.within_2_years,
            result.short_last_plan,
            result.long_last_plan,
            result.similar_concerns,
            result.close_scrutiny,
        ):
            assert flag is False
        assert result.repeated_concerns == ()
        assert result.new_concerns == ("3B", "NEG")
        assert result.repeated_services == ()
        assert result.challenge_triggers == ()
        assert result.required_steps == (PRIOR_PLAN_CHECK,)

    def test_to_dict_is_json_ready_with_nulls(self):
        assert assess([], proposal(), on("2025-06-01")).to_dict() == {
            "plan_number": 1,
            "is_repeat": False,
            "previous_plans": 0,
            "unrecorded_previous_plans": 0,
            "last_plan_end": None,
            "days_since_last_plan_end": None,
            "within_12_months": False,
            "within_2_years": False,
            "last_plan_days": None,
            "short_last_plan": False,
            "long_last_plan": False,
            "repeated_concerns": [],
            "new_concerns": ["NEG"],
            "similar_concerns": False,
            "close_scrutiny": False,
            "repeated_services": [],
            "challenge_triggers": [],
            "required_steps": ["prior_plan_check"],
        }


class TestLastPlanFacts:
    def test_days_and_dates_of_the_last_plan(self):
        result = assess([plan("2024-01-01", "2024-03-31")], proposal(), on("2024-04-10"))

        assert result.plan_number == 2
        assert result.is_repeat is True
        assert result.previous_plans == 1
        assert result.last_plan_end == date(2024, 3, 31)
        assert result.last_plan_days == 90
        assert result.days_since_last_plan_end == 10

    def test_to_dict_writes_dates_as_iso_strings(self):
        data = assess([plan("2024-01-01", "2024-03-31")], proposal(), on("2024-04-10")).to_dict()

        assert data["last_plan_end"] == "2024-03-31"
        assert json.loads(json.dumps(data)) == data

    def test_plan_ending_on_the_assessment_date_is_a_previous_plan(self):
        result = assess([plan("2024-01-01", "2024-06-01")], proposal(), on("2024-06-01"))

        assert result.plan_number == 2
        assert result.days_since_last_plan_end == 0

    def test_last_plan_is_the_one_that_ended_most_recently_whatever_the_order(self):
        older = plan("2020-01-01", "2020-12-01", categories=["PHY"])
        latest = plan("2022-01-01", "2022-09-01", categories=["EMO"])
        middle = plan("2021-01-01", "2021-06-01", categories=["SAB"])

        result = assess([latest, older, middle], proposal(["EMO", "PHY"]), on("2023-01-01"))

        assert result.last_plan_end == date(2022, 9, 1)
        assert result.repeated_concerns == ("EMO",)
        assert result.previous_plans == 3


class TestWithin12Months:
    def test_exactly_12_months_after_the_end_is_not_within(self):
        result = assess([plan("2023-01-01", "2024-01-15")], proposal(), on("2025-01-15"))

        assert result.within_12_months is False

    def test_one_day_before_12_months_is_within(self):
        result = assess([plan("2023-01-01", "2024-01-15")], proposal(), on("2025-01-14"))

        assert result.within_12_months is True

    def test_a_plan_ending_29_february_reaches_12_months_on_28_february(self):
        history = [plan("2023-06-01", "2024-02-29")]

        assert assess(history, proposal(), on("2025-02-27")).within_12_months is True
        assert assess(history, proposal(), on("2025-02-28")).within_12_months is False

    def test_exactly_2_years_after_the_end_is_not_within_2_years(self):
        history = [plan("2022-01-01", "2023-03-10")]

        assert assess(history, proposal(), on("2025-03-09")).within_2_years is True
        assert assess(history, proposal(), on("2025-03-10")).within_2_years is False

    def test_within_2_years_but_not_12_months(self):
        result = assess([plan("2022-01-01", "2023-03-10")], proposal(), on("2024-06-01"))

        assert (result.within_12_months, result.within_2_years) == (False, True)

    def test_within_months_helper(self):
        assert within_months(date(2025, 2, 27), date(2024, 2, 29), 12) is True
        assert within_months(date(2025, 2, 28), date(2024, 2, 29), 12) is False
        assert within_months(date(2026, 2, 27), date(2024, 2, 29), 24) is True
        assert within_months(date(2026, 2, 28), date(2024, 2, 29), 24) is False

    def test_within_months_near_the_last_representable_date(self):
        assert within_months(date.max, date(9999, 6, 1), 12) is True


class TestDeclaredPreviousPlans:
    def test_a_census_count_above_the_record_raises_the_plan_number(self):
        record = PlanRecord(
            start=date(2024, 5, 1), end=date(2025, 1, 10), categories=frozenset({"NEG"}), number_of_previous_plans=1
        )
        result = assess([record], proposal(), on("2025-06-01"))

        assert (result.previous_plans, result.unrecorded_previous_plans, result.plan_number) == (2, 1, 3)
        assert HEAD_OF_SERVICE_SIGNOFF in result.required_steps
        assert result.to_dict()["unrecorded_previous_plans"] == 1

    def test_without_a_census_count_the_record_is_the_count(self):
        result = assess([plan("2024-05-01", "2025-01-10")], proposal(), on("2025-06-01"))

        assert (result.previous_plans, result.unrecorded_previous_plans, result.plan_number) == (1, 0, 2)


class TestPlanLength:
    def test_exactly_3_months_is_short(self):
        """The guidance's example: a plan "for 3 months", ended at the first review conference."""
        assert is_short(date(2024, 1, 10), date(2024, 4, 10)) is True

    def test_one_day_over_3_months_is_not_short(self):
        assert is_short(date(2024, 1, 10), date(2024, 4, 11)) is False

    def test_3_months_from_31_january_ends_30_april(self):
        assert is_short(date(2023, 1, 31), date(2023, 4, 30)) is True
        assert is_short(date(2023, 1, 31), date(2023, 5, 1)) is False

    def test_exactly_18_months_is_long(self):
        assert is_long(date(2022, 1, 10), date(2023, 7, 10)) is True

    def test_one_day_under_18_months_is_not_long(self):
        assert is_long(date(2022, 1, 10), date(2023, 7, 9)) is False

    def test_lengths_near_the_last_representable_date(self):
        assert is_short(date(9999, 11, 1), date(9999, 12, 31)) is True
        assert is_long(date(9999, 1, 1), date(9999, 12, 31)) is False

    def test_short_last_plan_is_reported(self):
        result = assess([plan("2024-01-10", "2024-04-09")], proposal(), on("2025-06-01"))

        assert (result.short_last_plan, result.long_last_plan) == (True, False)

    def test_a_plan_of_exactly_3_months_is_a_challenge_trigger(self):
        result = assess([plan("2024-01-10", "2024-04-10")], proposal(), on("2025-06-01"))

        assert result.short_last_plan is True
        assert result.challenge_triggers == ("stepped_down_early",)
        assert "challenge_and_resolution" in result.required_steps

    def test_a_plan_a_day_over_3_months_is_no_trigger(self):
        result = assess([plan("2024-01-10", "2024-04-11")], proposal(), on("2025-06-01"))

        assert (result.short_last_plan, result.challenge_triggers) == (False, ())

    def test_long_last_plan_is_reported(self):
        result = assess([plan("2022-01-10", "2023-07-10")], proposal(), on("2025-06-01"))

        assert (result.short_last_plan, result.long_last_plan) == (False, True)

    def test_only_the_last_plan_sets_short_last_plan(self):
        history = [plan("2020-01-01", "2020-02-01"), plan("2021-01-01", "2021-09-01")]

        result = assess(history, proposal(), on("2022-01-01"))

        assert result.short_last_plan is False


class TestConcerns:
    def test_repeated_and_new_mix_categories_and_factors(self):
        last = plan("2023-01-01", "2023-09-01", categories=["NEG"], factors=["3B", "2B"])

        result = assess([last], proposal(["NEG", "EMO"], ["3B", "4B"]), on("2024-01-01"))

        assert result.repeated_concerns == ("3B", "NEG")
        assert result.new_concerns == ("4B", "EMO")
        assert result.similar_concerns is True

    def test_repeated_looks_only_at_the_last_plan(self):
        earlier = plan("2019-01-01", "2019-09-01", categories=["PHY"], factors=["1B"])
        last = plan("2022-01-01", "2022-09-01", categories=["NEG"])

        result = assess([earlier, last], proposal(["PHY"], ["1B"]), on("2023-01-01"))

        assert result.repeated_concerns == ()
        assert result.similar_concerns is False

    def test_new_excludes_the_concerns_of_every_previous_plan(self):
        earlier = plan("2019-01-01", "2019-09-01", categories=["PHY"], factors=["1B"])
        last = plan("2022-01-01", "2022-09-01", categories=["NEG"])

        result = assess([earlier, last], proposal(["PHY", "SAB"], ["1B", "19C"]), on("2023-01-01"))

        assert result.new_concerns == ("19C", "SAB")

    def test_a_category_and_a_factor_with_the_same_subject_are_different_concerns(self):
        # Neglect as a category of abuse (NEG) and as an assessment factor (16A) are distinct codes.
        result = assess(
            [plan("2023-01-01", "2023-09-01", categories=["NEG"])], proposal(["PHY"], ["16A"]), on("2024-01-01")
        )

        assert result.repeated_concerns == ()
        assert result.new_concerns == ("16A", "PHY")

    def test_an_empty_proposal_has_no_concerns_to_compare(self):
        result = assess([ORDINARY], proposal([], []), on("2024-01-01"))

        assert (result.repeated_concerns, result.new_concerns, result.similar_concerns) == ((), (), False)


class TestCloseScrutiny:
    def test_repeat_within_12_months_with_similar_concerns(self):
        result = assess([plan("2023-01-01", "2023-09-01", categories=["NEG"])], proposal(["NEG"]), on("2024-08-31"))

        assert result.close_scrutiny is True

    def test_not_when_12_months_have_passed(self):
        result = assess([plan("2023-01-01", "2023-09-01", categories=["NEG"])], proposal(["NEG"]), on("2024-09-01"))

        assert result.close_scrutiny is False

    def test_not_when_the_concerns_differ(self):
        result = assess([plan("2023-01-01", "2023-09-01", categories=["NEG"])], proposal(["PHY"]), on("2024-01-01"))

        assert result.close_scrutiny is False


class TestServices:
    def test_a_service_from_any_previous_plan_is_repeated(self):
        earlier = plan("2019-01-01", "2019-09-01", services=["parenting programme", "family group conference"])
        last = plan("2022-01-01", "2022-09-01", services=["domestic abuse programme"])

        result = assess(
            [earlier, last],
            proposal(services=["parenting programme", "domestic abuse programme", "CAMHS referral"]),
            on("2023-01-01"),
        )

        assert result.repeated_services == ("domestic abuse programme", "parenting programme")

    def test_names_match_exactly_apart_from_surrounding_whitespace(self):
        last = plan("2022-01-01", "2022-09-01", services=["  Parenting programme\t", "Family support"])

        result = assess(
            [last], proposal(services=["Parenting programme", "family support", "Family  support"]), on("2023-01-01")
        )

        assert result.repeated_services == ("Parenting programme",)

    def test_blank_service_names_are_no_service(self):
        last = plan("2022-01-01", "2022-09-01", services=["", "  "])

        result = assess([last], proposal(services=[" "]), on("2023-01-01"))

        assert result.repeated_services == ()
        assert REPEATED_SERVICE_RATIONALE not in result.required_steps


class TestChallengeTriggers:
    def test_outstanding_actions_at_closure(self):
        result = assess(
            [plan("2022-01-01", "2022-09-01", outstanding_actions_at_closure=True)], proposal(), on("2023-01-01")
        )

        assert result.challenge_triggers == ("outstanding_actions_at_closure",)

    def test_core_group_actions_not_implemented(self):
        result = assess(
            [plan("2022-01-01", "2022-09-01", core_group_actions_not_implemented=True)], proposal(), on("2023-01-01")
        )

        assert result.challenge_triggers == ("core_group_actions_not_implemented",)

    def test_a_short_plan_was_stepped_down_early(self):
        result = assess([plan("2022-01-10", "2022-04-09")], proposal(), on("2023-01-01"))

        assert result.challenge_triggers == ("stepped_down_early",)

    def test_a_plan_of_exactly_3_months_was_stepped_down_early(self):
        result = assess([plan("2022-01-10", "2022-04-10")], proposal(), on("2023-01-01"))

        assert result.challenge_triggers == ("stepped_down_early",)

    def test_a_plan_a_day_over_3_months_was_not_stepped_down_early(self):
        result = assess([plan("2022-01-10", "2022-04-11")], proposal(), on("2023-01-01"))

        assert result.challenge_triggers == ()

    def test_triggers_come_from_any_previous_plan_not_only_the_last(self):
        history = [
            plan("2018-01-01", "2018-02-01"),
            plan("2019-01-01", "2019-09-01", outstanding_actions_at_closure=True),
            plan("2020-01-01", "2020-09-01", core_group_actions_not_implemented=True),
            ORDINARY,
        ]

        result = assess(history, proposal(), on("2024-01-01"))

        assert result.challenge_triggers == (
            "core_group_actions_not_implemented",
            "outstanding_actions_at_closure",
            "stepped_down_early",
        )
        assert result.short_last_plan is False


class TestRequiredSteps:
    def test_first_plan(self):
        assert assess([], proposal(), on("2024-01-01")).required_steps == (PRIOR_PLAN_CHECK,)

    def test_first_plan_with_siblings(self):
        result = assess([], proposal(), on("2024-01-01"), siblings=2)

        assert result.required_steps == (PRIOR_PLAN_CHECK, SIBLING_CONSIDERATION)

    def test_second_plan(self):
        result = assess([ORDINARY], proposal(), on("2024-01-01"))

        assert set(result.required_steps) == {PRIOR_PLAN_CHECK} | REPEAT_STEPS
        assert list(result.required_steps) == sorted(result.required_steps)

    def test_third_plan_needs_the_head_of_service(self):
        history = [plan("2020-01-01", "2020-09-01"), ORDINARY]

        result = assess(history, proposal(), on("2024-01-01"))

        assert set(result.required_steps) == {PRIOR_PLAN_CHECK, HEAD_OF_SERVICE_SIGNOFF} | REPEAT_STEPS

    def test_fourth_plan_still_needs_the_head_of_service(self):
        history = [plan("2018-01-01", "2018-09-01"), plan("2020-01-01", "2020-09-01"), ORDINARY]

        result = assess(history, proposal(), on("2024-01-01"))

        assert result.plan_number == 4
        assert HEAD_OF_SERVICE_SIGNOFF in result.required_steps

    def test_a_trigger_needs_challenge_and_resolution(self):
        result = assess([plan("2023-01-01", "2023-02-01")], proposal(), on("2024-01-01"))

        assert set(result.required_steps) == {PRIOR_PLAN_CHECK, CHALLENGE_AND_RESOLUTION} | REPEAT_STEPS

    def test_a_repeated_service_needs_a_rationale(self):
        last = plan("2023-01-01", "2023-09-01", services=["parenting programme"])

        result = assess([last], proposal(services=["parenting programme"]), on("2024-01-01"))

        assert set(result.required_steps) == {PRIOR_PLAN_CHECK, REPEATED_SERVICE_RATIONALE} | REPEAT_STEPS

    def test_everything_at_once(self):
        history = [
            plan("2020-01-01", "2020-02-01", services=["parenting programme"]),
            plan("2022-01-01", "2022-09-01", outstanding_actions_at_closure=True),
        ]

        result = assess(history, proposal(services=["parenting programme"]), on("2024-01-01"), siblings=1)

        assert result.required_steps == tuple(
            sorted(
                {
                    PRIOR_PLAN_CHECK,
                    SIBLING_CONSIDERATION,
                    HEAD_OF_SERVICE_SIGNOFF,
                    CHALLENGE_AND_RESOLUTION,
                    REPEATED_SERVICE_RATIONALE,
                }
                | REPEAT_STEPS
            )
        )


class TestRefusedInput:
    def test_an_open_plan_is_a_review_conference(self):
        with pytest.raises(AssessmentError, match="review conference, not a new request"):
            assess([plan("2024-01-01", None)], proposal(), on("2024-06-01"))

    def test_a_plan_ending_after_the_assessment_date_is_still_open(self):
        with pytest.raises(AssessmentError, match="still open on 2024-06-01"):
            assess([plan("2024-01-01", "2024-06-02")], proposal(), on("2024-06-01"))

    def test_a_plan_starting_after_the_assessment_date(self):
        with pytest.raises(AssessmentError, match="starts after 2024-06-01"):
            assess([plan("2024-06-02", "2024-09-01")], proposal(), on("2024-06-01"))

    def test_overlapping_plans_break_rule_8940(self):
        with pytest.raises(AssessmentError, match="Rule 8940"):
            assess([plan("2022-01-01", "2022-09-01"), plan("2022-08-31", "2023-03-01")], proposal(), on("2024-01-01"))

    def test_a_plan_inside_another_overlaps(self):
        with pytest.raises(AssessmentError, match="Rule 8940"):
            assess([plan("2022-03-01", "2022-05-01"), plan("2022-01-01", "2022-09-01")], proposal(), on("2024-01-01"))

    def test_a_plan_starting_the_day_the_previous_one_ended_overlaps_it_rule_8940(self):
        with pytest.raises(AssessmentError, match="Rule 8940"):
            assess([plan("2022-09-01", "2023-03-01"), plan("2022-01-01", "2022-09-01")], proposal(), on("2024-01-01"))

    def test_a_plan_may_start_the_day_after_the_previous_one_ended(self):
        result = assess(
            [plan("2022-09-02", "2023-03-01"), plan("2022-01-01", "2022-09-01")], proposal(), on("2024-01-01")
        )

        assert result.plan_number == 3

    def test_two_open_plans_break_rule_8935(self):
        with pytest.raises(AssessmentError, match="Rule 8935"):
            assess([plan("2022-01-01", None), plan("2023-01-01", None)], proposal(), on("2024-01-01"))

    def test_a_plan_starting_and_ending_on_one_day_breaks_rule_8840(self):
        with pytest.raises(AssessmentError, match="Rule 8840"):
            assess([plan("2023-05-01", "2023-05-01")], proposal(), on("2024-01-01"))

    def test_a_plan_ending_before_it_starts_breaks_rule_8925(self):
        with pytest.raises(AssessmentError, match="Rule 8925"):
            assess([plan("2023-05-01", "2023-04-30")], proposal(), on("2024-01-01"))

    def test_unknown_codes_in_a_plan_are_named(self):
        with pytest.raises(AssessmentError, match=r"plan starting 2023-01-01: unknown census codes 3Z, XYZ"):
            assess([plan("2023-01-01", "2023-09-01", categories=["XYZ"], factors=["3Z"])], proposal(), on("2024-01-01"))

    def test_unknown_codes_in_the_proposal_are_named(self):
        with pytest.raises(AssessmentError, match=r"proposal: unknown census codes 99A"):
            assess([], proposal(["NEG"], ["99A"]), on("2024-01-01"))

    def test_a_factor_code_is_not_a_category(self):
        with pytest.raises(AssessmentError, match=r"unknown census codes 3B"):
            assess([], proposal(["3B"], []), on("2024-01-01"))

    def test_a_category_code_is_not_a_factor(self):
        with pytest.raises(AssessmentError, match=r"unknown census codes NEG"):
            assess([], proposal([], ["NEG"]), on("2024-01-01"))

    def test_negative_siblings(self):
        with pytest.raises(AssessmentError, match="siblings"):
            assess([], proposal(), on("2024-01-01"), siblings=-1)

    def test_every_problem_is_reported_at_once_on_one_line(self):
        history = [plan("2023-05-01", "2023-04-30", categories=["XYZ"]), plan("2023-06-01", None)]

        with pytest.raises(AssessmentError) as raised:
            assess(history, proposal(["BAD"]), on("2024-01-01"))

        message = str(raised.value)
        for expected in ("Rule 8925", "XYZ", "BAD", "review conference"):
            assert expected in message
        assert "\n" not in message

    def test_the_error_is_a_value_error(self):
        assert issubclass(AssessmentError, ValueError)

    def test_a_bare_string_of_codes_is_refused_rather_than_split_into_letters(self):
        with pytest.raises(TypeError, match="categories"):
            PlanRecord(start=date(2023, 1, 1), end=date(2023, 9, 1), categories="NEG")

    def test_lists_are_accepted_and_frozen(self):
        record = PlanRecord(date(2023, 1, 1), date(2023, 9, 1), ["NEG"], ["3B"], ["parenting programme"])

        assert record.categories == frozenset({"NEG"})
        assert isinstance(record.services, frozenset)
        assert hash(record) == hash(
            PlanRecord(date(2023, 1, 1), date(2023, 9, 1), ["NEG"], ["3B"], ["parenting programme"])
        )


# Property tests. A history is generated as consecutive plans separated by gaps (zero-day gaps
# give touching plans), which keeps every history valid under the census rules.

CATEGORY_CODES = sorted(CATEGORIES_OF_ABUSE)
FACTOR_CODES = sorted(ASSESSMENT_FACTORS)
SERVICE_NAMES = ["parenting programme", "domestic abuse programme", "CAMHS", "family support", "substance misuse"]

categories_st = st.frozensets(st.sampled_from(CATEGORY_CODES), max_size=3)
factors_st = st.frozensets(st.sampled_from(FACTOR_CODES), max_size=4)
services_st = st.frozensets(st.sampled_from(SERVICE_NAMES), max_size=3)


@st.composite
def histories(draw):
    """(plans shuffled, on_date): up to five consecutive plans, each starting after the previous one
    ended (rule 8940), and an assessment date after the last."""
    day = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2010, 1, 1)))
    plans = []
    for _ in range(draw(st.integers(0, 5))):
        start = day + timedelta(days=draw(st.integers(1 if plans else 0, 800)))
        end = start + timedelta(days=draw(st.integers(1, 800)))
        plans.append(
            PlanRecord(
                start=start,
                end=end,
                categories=draw(categories_st),
                factors=draw(factors_st),
                services=draw(services_st),
                outstanding_actions_at_closure=draw(st.booleans()),
                core_group_actions_not_implemented=draw(st.booleans()),
            )
        )
        day = end
    on_date = day + timedelta(days=draw(st.integers(0, 1200)))
    return draw(st.permutations(plans)), on_date


proposals_st = st.builds(Proposal, categories=categories_st, factors=factors_st, services=services_st)

BOOLEAN_FIELDS = (
    "is_repeat",
    "within_12_months",
    "within_2_years",
    "short_last_plan",
    "long_last_plan",
    "similar_concerns",
    "close_scrutiny",
)


@settings(max_examples=100, deadline=None)
@given(histories(), proposals_st, st.integers(0, 3), st.randoms(use_true_random=False))
def test_the_order_of_the_history_does_not_matter(history_and_date, proposed, siblings, rng):
    history, on_date = history_and_date
    shuffled = list(history)
    rng.shuffle(shuffled)

    assert assess(shuffled, proposed, on_date, siblings) == assess(history, proposed, on_date, siblings)


@settings(max_examples=100, deadline=None)
@given(histories(), proposals_st, st.integers(0, 3))
def test_invariants(history_and_date, proposed, siblings):
    history, on_date = history_and_date
    result = assess(history, proposed, on_date, siblings)
    previous_concerns = set().union(*(p.concerns for p in history))

    assert result.plan_number == len(history) + 1 == result.previous_plans + 1
    assert result.is_repeat is bool(history)
    for name in BOOLEAN_FIELDS:
        assert type(getattr(result, name)) is bool, name

    assert set(result.repeated_concerns) <= proposed.concerns
    assert not set(result.new_concerns) & previous_concerns
    assert set(result.new_concerns) | (proposed.concerns & previous_concerns) == proposed.concerns
    assert result.similar_concerns is bool(result.repeated_concerns)
    assert set(result.repeated_services) <= proposed.services

    if result.close_scrutiny:
        assert result.is_repeat and result.within_12_months and result.similar_concerns
    if result.within_12_months:
        assert result.within_2_years
        assert result.days_since_last_plan_end < 366
    elif result.is_repeat:
        assert result.days_since_last_plan_end >= 365
    assert not (result.short_last_plan and result.long_last_plan)

    steps = set(result.required_steps)
    assert PRIOR_PLAN_CHECK in steps
    assert (SIBLING_CONSIDERATION in steps) is (siblings > 0)
    assert (REPEAT_STEPS <= steps) is result.is_repeat
    assert (HEAD_OF_SERVICE_SIGNOFF in steps) is (result.plan_number >= 3)
    assert (CHALLENGE_AND_RESOLUTION in steps) is bool(result.challenge_triggers)
    assert (REPEATED_SERVICE_RATIONALE in steps) is bool(result.repeated_services)
    for sequence in (result.repeated_concerns, result.new_concerns, result.repeated_services, result.required_steps):
        assert list(sequence) == sorted(sequence)


@settings(max_examples=100, deadline=None)
@given(histories(), proposals_st)
def test_to_dict_round_trips_through_json(history_and_date, proposed):
    history, on_date = history_and_date
    data = assess(history, proposed, on_date).to_dict()

    assert json.loads(json.dumps(data)) == data
    assert list(data) == [
        "plan_number",
        "is_repeat",
        "previous_plans",
        "unrecorded_previous_plans",
        "last_plan_end",
        "days_since_last_plan_end",
        "within_12_months",
        "within_2_years",
        "last_plan_days",
        "short_last_plan",
        "long_last_plan",
        "repeated_concerns",
        "new_concerns",
        "similar_concerns",
        "close_scrutiny",
        "repeated_services",
        "challenge_triggers",
        "required_steps",
    ]


@settings(max_examples=100, deadline=None)
@given(st.dates(max_value=date(9000, 1, 1)), st.integers(1, 36), st.integers(-400, 400))
def test_within_months_matches_calendar_arithmetic(end, months, offset):
    """A date is within N months of an end exactly when it is before the same day N months on (or the
    month's last day when that day does not exist)."""
    later = end + timedelta(days=offset)
    year, month = divmod(end.month - 1 + months, 12)
    year += end.year
    month += 1
    day = end.day
    while True:
        try:
            boundary = date(year, month, day)
            break
        except ValueError:
            day -= 1

    assert within_months(later, end, months) is (later < boundary)
