"""Dates that make sense, one rule each: within the child's life, not in the future, in order along the request;
and "No factors identified (21)" never beside another factor. Pages, services and the import word them alike."""

import datetime

import pytest
from django.utils import timezone

from cases.census_rules import contradictory_factors, plan_life_violations
from cases.models import CPPlan
from conferences import records, transitions
from conferences.errors import ActionRefused
from conferences.forms import ProposalForm
from conferences.models import ConferenceRequest
from limits.dates import Dated, date_problems, earliest_in_childs_life
from tests.conferences import journeys
from tests.factories import ChildFactory

TODAY = timezone.localdate
BORN = datetime.date(2015, 6, 1)


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


def words(day):
    return f"{day.day} {day:%B %Y}"


# The rules themselves (limits/dates.py).


def test_a_date_of_what_happened_is_not_in_the_future():
    tomorrow = TODAY() + datetime.timedelta(days=1)
    assert date_problems([Dated("held_on", "The date of the conference", tomorrow, 0)]) == {
        "held_on": "The date of the conference must be today or in the past"
    }
    assert date_problems([Dated("review", "The review date", tomorrow, 0, happened=False)]) == {}


def test_work_on_a_case_starts_at_the_earliest_40_weeks_before_the_birth():
    earliest = earliest_in_childs_life(BORN, None)
    assert earliest == BORN - datetime.timedelta(weeks=40)
    before = [Dated("strategy", "The date of the strategy discussion", earliest - datetime.timedelta(days=1), 0)]
    assert date_problems(before, date_of_birth=BORN) == {
        "strategy": f"The date of the strategy discussion must be on or after {words(earliest)}: no earlier than "
        f"40 weeks before the child's date of birth ({words(BORN)})"
    }
    pre_birth = [Dated("strategy", "The date of the strategy discussion", earliest, 0)]
    assert date_problems(pre_birth, date_of_birth=BORN) == {}
    expected = days_ago(-30)  # an unborn child, due in a month
    assert date_problems([Dated("s", "The date", days_ago(200), 0)], expected_date_of_birth=expected) == {}
    assert (
        "expected birth"
        in date_problems([Dated("s", "The date", days_ago(300), 0)], expected_date_of_birth=expected)["s"]
    )


def test_dates_keep_their_order_and_the_typed_one_carries_the_message():
    strategy = Dated("strategy", "The date of the strategy discussion", days_ago(10), 1)
    told = Dated("told", "The date partners were told", days_ago(12), 2)
    submitted = Dated("submitted", "The date the request was submitted", days_ago(11), 3)
    assert date_problems([strategy, told, submitted], checking=["told"]) == {
        "told": f"The date partners were told must be on or after {words(days_ago(10))}, "
        "the date of the strategy discussion"
    }
    assert date_problems([strategy, told, submitted], checking=["strategy"]) == {
        "strategy": f"The date of the strategy discussion must be on or before {words(days_ago(12))}, "
        "the date partners were told"
    }
    chat = Dated("chat", "The date of the conversation", days_ago(13), 3)
    assert date_problems([submitted, chat], checking=["chat"]) == {}  # one rank: not compared


# The request's dates, through the services (the pages and the API call these).


@pytest.fixture
def draft(council):
    return journeys.drafted(council, ChildFactory(team=council.north_team, date_of_birth=BORN))


def propose(council, request, **kwargs):
    values = {"reason": "Neglect.", "categories": ["NEG"], "factors": ["3B"], **kwargs}
    return records.update_proposal(request.pk, council.social_worker, **values)


def test_a_strategy_discussion_long_before_the_birth_is_refused(council, draft):
    with pytest.raises(ActionRefused) as refused:
        propose(council, draft, strategy_discussion_date=datetime.date(2010, 1, 1))
    assert list(refused.value.field_errors) == ["strategy_discussion_date"]
    assert "no earlier than 40 weeks before the child's date of birth (1 June 2015)" in refused.value.problems[0]
    assert ConferenceRequest.objects.get(pk=draft.pk).strategy_discussion_date is None


def test_partners_told_before_the_strategy_discussion_is_refused(council, draft):
    propose(council, draft, strategy_discussion_date=days_ago(5))
    with pytest.raises(ActionRefused) as refused:
        records.record_partners_informed(draft.pk, council.social_worker, informed_on=days_ago(6), context="Told.")
    assert refused.value.field_errors == {
        "partners_informed_on": [
            f"The date partners were told must be on or after {words(days_ago(5))}, the date of the strategy discussion"
        ]
    }
    records.record_partners_informed(draft.pk, council.social_worker, informed_on=days_ago(5), context="Told.")


def test_a_strategy_discussion_after_partners_were_told_is_refused(council, draft):
    records.record_partners_informed(draft.pk, council.social_worker, informed_on=days_ago(5), context="Told.")
    with pytest.raises(ActionRefused) as refused:
        propose(council, draft, strategy_discussion_date=days_ago(3))
    assert "must be on or before" in refused.value.field_errors["strategy_discussion_date"][0]


def test_a_chair_conversation_before_the_strategy_discussion_is_refused(council, draft):
    propose(council, draft, strategy_discussion_date=days_ago(5))
    with pytest.raises(ActionRefused) as refused:
        records.record_cp_chair_conversation(
            draft.pk, council.social_worker, conversation="Talked.", held_on=days_ago(9)
        )
    assert list(refused.value.field_errors) == ["held_on"]


def test_partners_told_after_the_submission_is_refused(council):
    request = journeys.checked(council, journeys.child_with_plans(council))
    submitted = timezone.localdate(request.submitted_at)
    ConferenceRequest.objects.filter(pk=request.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=3))
    with pytest.raises(ActionRefused) as refused:
        records.record_partners_informed(request.pk, council.social_worker, informed_on=submitted, context="Told.")
    assert "the date the request was submitted" in refused.value.problems[0]


# "No factors identified" beside another factor.


def test_no_factors_identified_with_another_factor_is_refused_everywhere(council, draft):
    assert contradictory_factors(["21"]) is None
    assert contradictory_factors(["3B", "2B"]) is None
    message = contradictory_factors(["21", "3B"])
    assert message.startswith("'No factors identified (21)' cannot be chosen with other assessment factors (3B)")

    with pytest.raises(ActionRefused) as refused:
        propose(council, draft, factors=["21", "3B"])
    assert list(refused.value.field_errors) == ["factors"]

    form = ProposalForm(
        {"expected_state": "draft", "expected_version": 1, "factors": ["21", "3B"], "reason": "Neglect."},
        request_obj=draft,
    )
    assert not form.is_valid()
    assert form.errors["factors"] == [message]

    plan = CPPlan(child=draft.child, start_date=days_ago(300), initial_category="NEG", latest_category="NEG")
    plan.assessment_factors = ["21", "1B"]
    with pytest.raises(Exception) as invalid:
        plan.full_clean()
    assert "No factors identified (21)" in str(invalid.value)


def test_the_proposal_form_names_the_field_and_keeps_what_was_typed(council, draft):
    data = {
        "expected_state": "draft",
        "expected_version": draft.version,
        "reason": "Neglect has returned.",
        "strategy_discussion_date_0": "1",
        "strategy_discussion_date_1": "1",
        "strategy_discussion_date_2": "2010",
    }
    form = ProposalForm(data, request_obj=draft)
    assert not form.is_valid()
    assert "no earlier than 40 weeks before the child's date of birth" in form.errors["strategy_discussion_date"][0]
    assert form["reason"].value() == "Neglect has returned."


# A plan's dates, in the model and the census import.


def test_a_plan_before_the_childs_life_or_in_the_future_is_refused(council):
    child = ChildFactory(team=council.north_team, date_of_birth=BORN)
    plan = CPPlan(child=child, start_date=datetime.date(2012, 1, 1), initial_category="NEG", latest_category="NEG")
    with pytest.raises(Exception) as invalid:
        plan.full_clean()
    assert "The plan's start date must be on or after" in str(invalid.value)
    assert plan_life_violations(datetime.date(2012, 1, 1), None, BORN, None, TODAY())
    future = TODAY() + datetime.timedelta(days=3)
    (violation,) = plan_life_violations(days_ago(10), future, BORN, None, TODAY())
    assert violation.message == "The plan's end date must be today or in the past"


def test_the_record_conference_transition_is_checked_the_same_way_by_the_api_service(council):
    """The API takes transitions through the same service: a conference before the submission is refused there."""
    request = journeys.checked(council, ChildFactory(team=council.north_team))
    with pytest.raises(ActionRefused) as refused:
        transitions.record_conference(request.pk, council.cp_chair, held_on=days_ago(3), outcome="cin_plan")
    assert "the date the request was submitted" in refused.value.field_errors["held_on"][0]
