"""Review conferences and ending a plan (reviews/services.py), on PostgreSQL with the real audit trail."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Engagement
from conferences import records
from conferences.errors import ActionRefused, NotPermitted, RequestChanged
from conferences.selectors import assessment_for
from conferences.step_down import ACTIONS_OUTSTANDING, CORE_GROUP_ACTIONS_NOT_IMPLEMENTED, REPEAT_PLAN, SHORT_PLAN
from reviews import services
from reviews.models import ReviewDecision, ReviewState
from tests.factories import ChildFactory, CPPlanFactory, FamilyFactory, PlanServiceFactory

TODAY = timezone.localdate


def current_plan(council, *, months=8, **kwargs):
    child = ChildFactory(team=council.north_team)
    return CPPlanFactory(child=child, start_date=TODAY() - relativedelta(months=months), end_date=None, **kwargs)


def prepared(council, plan, *, chair=None, actions=0, core_group=False, how_ended="stepped_down_cin"):
    chair = chair or council.cp_chair
    review = services.record_review(plan.pk, chair, held_on=TODAY(), decision=ReviewDecision.END)
    for number in range(actions):
        services.add_step_down_action(
            review.pk, chair, action=f"Action {number}", owner="Family hub", due_by=TODAY() + relativedelta(weeks=4)
        )
    services.record_step_down_plan(review.pk, chair, how_ended=how_ended, core_group_actions_not_implemented=core_group)
    return review


def test_a_decision_to_continue_leaves_the_plan_open(council):
    plan = current_plan(council)
    review = services.record_review(plan.pk, council.cp_chair, held_on=TODAY(), decision=ReviewDecision.CONTINUE)
    plan.refresh_from_db()
    assert review.state == ReviewState.CONTINUED
    assert plan.end_date is None
    event = AuditEvent.objects.get(action=services.RECORD_REVIEW)
    assert (event.actor, event.child, event.after["decision"]) == (council.cp_chair, plan.child, "continue")


def test_the_chair_ends_a_plan_with_no_signal_alone(council):
    plan = current_plan(council)
    review = services.propose_ending(prepared(council, plan).pk, council.cp_chair)
    plan.refresh_from_db()
    assert review.state == ReviewState.ENDED
    assert (plan.end_date, plan.how_ended) == (TODAY(), "stepped_down_cin")
    assert (plan.outstanding_actions_at_closure, plan.core_group_actions_not_implemented) == (False, False)
    assert AuditEvent.objects.filter(action=services.END_PLAN, child=plan.child).count() == 1


def test_with_signals_the_chair_alone_cannot_end_the_plan(council):
    plan = current_plan(council, months=3)  # exactly 3 months: short
    review = prepared(council, plan, actions=2, core_group=True)

    with pytest.raises(ActionRefused, match="despite the step-down signals"):
        services.propose_ending(review.pk, council.cp_chair)
    review = services.propose_ending(review.pk, council.cp_chair, reason="The family hub holds the rest.")

    plan.refresh_from_db()
    assert review.state == ReviewState.AWAITING_AGREEMENT
    assert review.signals == [SHORT_PLAN, ACTIONS_OUTSTANDING, CORE_GROUP_ACTIONS_NOT_IMPLEMENTED]
    assert plan.end_date is None, "the plan must stay open until the CP Manager agrees"
    with pytest.raises(NotPermitted, match="Only the CP Manager"):
        services.agree_ending(review.pk, council.cp_chair, reason="I agree with myself.")
    with pytest.raises(NotPermitted, match="Only the CP Manager"):
        services.agree_ending(review.pk, council.cp_chair_2, reason="Another chair is not the CP Manager.")
    plan.refresh_from_db()
    assert plan.end_date is None


def test_the_cp_manager_agrees_and_the_ending_reaches_the_next_request(council):
    plan = current_plan(council, months=3, initial_category="NEG")
    review = services.propose_ending(
        prepared(council, plan, actions=1, core_group=True).pk, council.cp_chair, reason="Risks reduced."
    )
    review = services.agree_ending(review.pk, council.cp_manager, reason="Agreed: the hub owns the actions.")

    plan.refresh_from_db()
    assert review.state == ReviewState.ENDED
    assert (review.cp_manager, review.cp_manager_reason) == (council.cp_manager, "Agreed: the hub owns the actions.")
    assert plan.end_date == TODAY()
    assert plan.outstanding_actions_at_closure is True
    assert plan.core_group_actions_not_implemented is True
    event = AuditEvent.objects.get(action=services.AGREE_ENDING)
    assert event.actor == council.cp_manager
    assert event.description == "Agreed: the hub owns the actions."
    assert event.after["signals"] == review.signals
    assert AuditEvent.objects.get(action=services.PROPOSE_ENDING).description == "Risks reduced."

    request = records.start_request(plan.child, council.social_worker)
    assert assessment_for(request).challenge_triggers == (
        "core_group_actions_not_implemented",
        "outstanding_actions_at_closure",
        "stepped_down_early",
    )


def test_a_cp_manager_never_agrees_an_ending_they_chaired(council):
    plan = current_plan(council)
    review = prepared(council, plan, chair=council.cp_manager, actions=1)
    review = services.propose_ending(review.pk, council.cp_manager, reason="Actions handed over.")
    with pytest.raises(NotPermitted, match="another CP Manager must agree"):
        services.agree_ending(review.pk, council.cp_manager, reason="Agreed.")
    review.refresh_from_db()
    plan.refresh_from_db()
    assert review.state == ReviewState.AWAITING_AGREEMENT
    assert plan.end_date is None
    assert not AuditEvent.objects.filter(action=services.AGREE_ENDING).exists()


def test_the_cp_manager_may_refuse_and_the_plan_continues(council):
    plan = current_plan(council)
    review = services.propose_ending(
        prepared(council, plan, actions=1).pk, council.cp_chair, reason="The hub holds the action."
    )
    with pytest.raises(ActionRefused, match="reason"):
        services.refuse_ending(review.pk, council.cp_manager, reason="  ")
    review = services.refuse_ending(review.pk, council.cp_manager, reason="Too early: keep the plan.")
    plan.refresh_from_db()
    assert review.state == ReviewState.NOT_AGREED
    assert plan.end_date is None
    with pytest.raises(RequestChanged):
        services.agree_ending(review.pk, council.cp_manager, reason="Changed my mind.")


def test_services_not_engaged_a_repeat_plan_and_a_sibling_plan_are_signals(council):
    family = FamilyFactory()
    child = ChildFactory(team=council.north_team, family=family)
    CPPlanFactory(child=child, start_date=datetime.date(2019, 1, 10), end_date=datetime.date(2019, 9, 10))
    plan = CPPlanFactory(child=child, start_date=TODAY() - relativedelta(months=8), end_date=None)
    PlanServiceFactory(plan=plan, name="Drug and alcohol service", engagement=Engagement.NOT_ENGAGED)
    sibling = ChildFactory(team=council.north_team, family=family)
    CPPlanFactory(
        child=sibling, start_date=TODAY() - relativedelta(months=20), end_date=TODAY() - relativedelta(months=10)
    )

    review = services.propose_ending(prepared(council, plan).pk, council.cp_chair, reason="Safe now.")
    assert review.signals == ["services_not_engaged", REPEAT_PLAN, "sibling_plans"]


def test_a_census_declaration_makes_a_first_recorded_plan_a_repeat(council):
    plan = current_plan(council, declared_previous_plans=1)
    review = services.propose_ending(prepared(council, plan).pk, council.cp_chair, reason="Safe now.")
    assert review.signals == [REPEAT_PLAN]


@pytest.mark.parametrize("role", ["social_worker", "team_manager", "area_manager", "head_of_service", "auditor"])
def test_only_a_cp_chair_or_cp_manager_records_a_review(council, role):
    plan = current_plan(council)
    with pytest.raises(NotPermitted):
        services.record_review(plan.pk, getattr(council, role), held_on=TODAY(), decision=ReviewDecision.END)
    assert not AuditEvent.objects.exists()


def test_bad_input_is_refused_whole_and_nothing_is_written(council):
    plan = current_plan(council)
    with pytest.raises(ActionRefused) as refused:
        services.record_review(plan.pk, council.cp_chair, held_on=TODAY() + relativedelta(days=1), decision="maybe")
    assert len(refused.value.problems) == 2
    with pytest.raises(ActionRefused, match="after the plan started"):
        services.record_review(plan.pk, council.cp_chair, held_on=plan.start_date, decision="end")
    review = services.record_review(plan.pk, council.cp_chair, held_on=TODAY(), decision="end")
    with pytest.raises(ActionRefused, match="already being prepared"):
        services.record_review(plan.pk, council.cp_chair, held_on=TODAY(), decision="end")
    with pytest.raises(ActionRefused) as refused:
        services.add_step_down_action(review.pk, council.cp_chair, action=" ", owner="", due_by=None)
    assert len(refused.value.problems) == 3
    with pytest.raises(ActionRefused, match="step-down plan"):
        services.propose_ending(review.pk, council.cp_chair, reason="x")
    assert review.actions.count() == 0
    assert AuditEvent.objects.count() == 1


def test_an_ended_plan_cannot_be_reviewed(council):
    plan = CPPlanFactory(child=ChildFactory(team=council.north_team))
    with pytest.raises(ActionRefused, match="has ended"):
        services.record_review(plan.pk, council.cp_chair, held_on=TODAY(), decision="continue")
