"""The initial conference and its outcome: a plan made there is on the child's record, in the indicators and
counted by the next request; no plan records what was decided instead; dates that make no sense are refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import CPPlan
from cases.plans import plan_correct
from conferences import records, transitions
from conferences.errors import ActionRefused
from conferences.models import ConferenceRequest, State
from conferences.selectors import assessment_for
from conferences.timescales import add_working_days, default_first_review, is_working_day, latest_first_review
from quality.indicators import indicators
from tests.conferences import journeys
from tests.factories import ChildFactory

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


@pytest.fixture
def convening(council):
    """A first request, ready to convene, submitted today for a child born in 2015."""
    return journeys.checked(council, ChildFactory(team=council.north_team))


def refusal(request, **kwargs) -> ActionRefused:
    version = ConferenceRequest.objects.get(pk=request.pk).version
    with pytest.raises(ActionRefused) as refused:
        transitions.record_conference(request.pk, kwargs.pop("user"), **kwargs)
    after = ConferenceRequest.objects.get(pk=request.pk)
    assert (after.state, after.version) == (State.READY_TO_CONVENE, version)
    assert not CPPlan.objects.filter(child=request.child).exists()
    return refused.value


def test_a_plan_made_at_the_conference_is_on_the_childs_record(council, convening):
    chair = council.cp_chair
    request = transitions.record_conference(convening.pk, chair, held_on=TODAY(), outcome="cp_plan", category="NEG")

    assert request.state == State.CONVENED
    plan = request.plan
    assert plan == CPPlan.objects.get(child=convening.child)
    assert (plan.start_date, plan.end_date) == (TODAY(), None)
    assert (plan.initial_category, plan.latest_category) == ("NEG", "NEG")
    assert plan.assessment_factors == ["2B", "3B"]  # the proposal's factors
    assert [service.name for service in plan.services.all()] == ["Family support worker"]
    assert plan.declared_previous_plans == 0
    assert request.conference_chair == chair
    assert request.plan_category == "NEG"
    trail = AuditEvent.objects.filter(child=convening.child).values_list("action", flat=True)
    assert {"create_plan", "record_conference"} <= set(trail)
    started = indicators(TODAY(), TODAY())
    assert started["plans_started"] == 1


def test_the_first_review_defaults_to_the_last_working_day_within_3_months(council, convening):
    request = transitions.record_conference(
        convening.pk, council.cp_chair, held_on=TODAY(), outcome="cp_plan", category="EMO"
    )
    assert request.first_review_due == default_first_review(TODAY())
    assert is_working_day(request.first_review_due)
    assert TODAY() < request.first_review_due <= latest_first_review(TODAY())
    assert latest_first_review(datetime.date(2025, 11, 30)) == datetime.date(2026, 2, 28)
    # 28 February 2026 is a Saturday: the Friday before.
    assert default_first_review(datetime.date(2025, 11, 30)) == datetime.date(2026, 2, 27)


def test_a_first_review_date_chosen_within_3_months_is_kept(council, convening):
    chosen = add_working_days(TODAY(), 20)
    request = transitions.record_conference(
        convening.pk,
        council.cp_chair,
        held_on=TODAY(),
        outcome="cp_plan",
        category="PHY",
        first_review_due=chosen,
    )
    assert request.first_review_due == chosen


@pytest.mark.parametrize("review", [lambda: TODAY(), lambda: latest_first_review(TODAY()) + datetime.timedelta(days=1)])
def test_a_first_review_on_the_day_or_after_3_months_is_refused(council, convening, review):
    refused = refusal(
        convening,
        user=council.cp_chair,
        held_on=TODAY(),
        outcome="cp_plan",
        category="NEG",
        first_review_due=review(),
    )
    assert list(refused.field_errors) == ["first_review_due"]
    assert "must be after the conference and on or before" in refused.problems[0]


@pytest.mark.parametrize("outcome", ["cin_plan", "no_further_action"])
def test_no_plan_records_the_outcome_and_writes_no_plan(council, convening, outcome):
    request = transitions.record_conference(
        convening.pk, council.cp_chair, held_on=TODAY(), outcome=outcome, category="NEG"
    )
    assert request.state == State.CONVENED
    assert request.conference_outcome == outcome
    assert request.plan is None
    assert (request.plan_category, request.first_review_due, request.conference_chair) == ("", None, None)
    assert not CPPlan.objects.filter(child=convening.child).exists()


def test_the_outcome_and_the_plans_facts_are_needed(council, convening):
    assert refusal(convening, user=council.cp_chair, held_on=TODAY(), outcome="").problems == [
        "Say whether a child protection plan was made."
    ]
    assert refusal(convening, user=council.cp_chair, held_on=None, outcome="cp_plan").problems == [
        "Enter the date the conference was held.",
        "Choose the plan's category of abuse.",
        "Enter the date of the first review conference.",
    ]


def test_the_chair_is_a_cp_chair(council, convening):
    refused = refusal(
        convening, user=council.cp_chair, held_on=TODAY(), outcome="cp_plan", category="NEG", chair=council.cp_manager
    )
    assert refused.field_errors == {"chair": ["The conference is chaired by a CP chair: choose one."]}


def test_a_conference_in_the_future_or_before_the_submission_is_refused(council, convening):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    refused = refusal(convening, user=council.cp_chair, held_on=tomorrow, outcome="no_further_action")
    assert refused.field_errors == {"held_on": ["The date of the conference must be today or in the past"]}

    refused = refusal(convening, user=council.cp_chair, held_on=days_ago(1), outcome="no_further_action")
    today_words = f"{TODAY().day} {TODAY():%B %Y}"
    assert refused.field_errors == {
        "held_on": [f"The date of the conference must be on or after {today_words}, the date the request was submitted"]
    }


def test_a_conference_before_the_last_plan_ended_is_refused(council):
    child = journeys.child_with_plans(council, last_end=days_ago(30))
    request = journeys.screened(council, journeys.proceeded(council, child))
    request = transitions.accept(request.pk, council.cp_chair)
    ConferenceRequest.objects.filter(pk=request.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=60),
        screened_at=timezone.now() - datetime.timedelta(days=60),
    )
    with pytest.raises(ActionRefused) as refused:
        transitions.record_conference(request.pk, council.cp_chair, held_on=days_ago(40), outcome="cin_plan")
    assert "the day the child's last plan ended" in refused.value.field_errors["held_on"][0]


def test_outside_15_working_days_of_the_strategy_discussion_a_reason_is_needed(council, convening):
    strategy = days_ago(40)
    ConferenceRequest.objects.filter(pk=convening.pk).update(strategy_discussion_date=strategy)
    assert refusal(convening, user=council.cp_chair, held_on=TODAY(), outcome="cin_plan").problems == [
        "The conference was held outside 15 working days of the strategy discussion: give the reason."
    ]
    request = transitions.record_conference(
        convening.pk, council.cp_chair, held_on=TODAY(), outcome="cin_plan", late_reason="The family was abroad."
    )
    assert request.conference_late_reason == "The family was abroad."


def test_within_15_working_days_no_reason_is_asked_or_kept(council, convening):
    ConferenceRequest.objects.filter(pk=convening.pk).update(strategy_discussion_date=add_working_days(TODAY(), -15))
    request = transitions.record_conference(
        convening.pk, council.cp_chair, held_on=TODAY(), outcome="cin_plan", late_reason="Not needed."
    )
    assert request.conference_late_reason == ""


def test_the_next_request_counts_the_plan_the_conference_made(council, convening):
    ConferenceRequest.objects.filter(pk=convening.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=120))
    made = transitions.record_conference(
        convening.pk, council.cp_chair, held_on=days_ago(100), outcome="cp_plan", category="NEG"
    )
    plan_correct(
        plan=made.plan, user=council.data_manager, values={"end_date": days_ago(10)}, reason="Ended at review."
    )
    worker = council.social_worker
    later = records.start_request(convening.child, worker)
    records.update_proposal(later.pk, worker, reason="Neglect again.", categories=["NEG"], factors=["3B"])
    assessment = assessment_for(ConferenceRequest.objects.get(pk=later.pk))
    assert assessment.previous_plans == 1
    assert assessment.plan_number == 2
    assert assessment.within_12_months
    assert "NEG" in assessment.repeated_concerns


# The page (conferences/views/conference.py).


def page_url(request):
    return reverse("conferences:record_conference", args=[request.pk])


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def form_data(request, **fields):
    request = ConferenceRequest.objects.get(pk=request.pk)
    return {"expected_state": request.state, "expected_version": request.version, **fields}


def test_the_page_proposes_the_first_review_and_the_chair(client, council, convening):
    client.force_login(council.cp_chair)
    decide = client.get(reverse("decisions:decide", args=[convening.pk])).content.decode()
    assert f'href="{page_url(convening)}"' in decide
    page = client.get(page_url(convening)).content.decode()
    assert "Record the conference and its outcome" in page
    review = default_first_review(TODAY())
    assert f"for a conference held today, {review.day} {review:%B %Y}" in page
    assert f'<option value="{council.cp_chair.pk}" selected>' in page


def test_a_refused_date_is_named_on_its_field_and_everything_typed_is_kept(client, council, convening):
    client.force_login(council.cp_chair)
    data = form_data(
        convening,
        **date_fields("held_on", days_ago(2)),
        outcome="cp_plan",
        category="SAB",
        late_reason="Typed and kept.",
        chair=str(council.cp_chair_2.pk),
    )
    response = client.post(page_url(convening), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_held_on_0"' in page  # the error summary links to the field
    assert "the date the request was submitted" in page
    assert 'value="SAB" checked' in page and 'value="cp_plan" checked' in page
    assert "Typed and kept." in page
    assert f'<option value="{council.cp_chair_2.pk}" selected>' in page
    assert ConferenceRequest.objects.get(pk=convening.pk).state == State.READY_TO_CONVENE


def test_recording_a_plan_on_the_page_shows_it_on_the_request(client, council, convening):
    client.force_login(council.cp_chair)
    data = form_data(
        convening,
        **date_fields("held_on", TODAY()),
        outcome="cp_plan",
        category="NEG",
        chair=str(council.cp_chair_2.pk),
    )
    response = client.post(page_url(convening), data)
    assert response.status_code == 302
    request = ConferenceRequest.objects.get(pk=convening.pk)
    assert request.state == State.CONVENED
    assert request.plan.start_date == TODAY()
    assert request.conference_chair == council.cp_chair_2
    shown = client.get(response["Location"]).content.decode()
    assert "A child protection plan" in shown
    review = request.first_review_due
    assert f"{review.day} {review:%B %Y}" in shown
