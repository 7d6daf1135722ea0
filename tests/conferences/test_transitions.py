"""The request's state machine (DESIGN.md section 4): each transition happens when its facts are
recorded, and each refusal names what is missing, changes nothing and writes no audit event."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.models import AuditEvent
from conferences import records, transitions
from conferences.errors import ActionRefused, NotPermitted, RequestChanged
from conferences.models import OPEN_STATES, ConferenceRequest, State
from people.models import Staff
from tests.conferences import journeys
from tests.factories import (
    ChildFactory,
    ConferenceRequestFactory,
    CPPlanFactory,
    FamilyFactory,
    PlanServiceFactory,
    ProposedServiceFactory,
)

D = datetime.date
BOTH_SOURCES = ["this_council", "other_councils"]


PROCEED = {"alternatives_considered": ["pre_proceedings"], "rationale": "A plan adds drug services."}


def fetch(request) -> ConferenceRequest:
    return ConferenceRequest.objects.get(pk=request.pk)


def row(request) -> dict:
    """Every column of the request as stored, to show that a refusal changed nothing."""
    stored = fetch(request)
    return {field.attname: getattr(stored, field.attname) for field in ConferenceRequest._meta.concrete_fields}


def refused(action, *args, **kwargs) -> ActionRefused:
    with pytest.raises(ActionRefused) as refusal:
        action(*args, **kwargs)
    return refusal.value


def assert_refused_changes_nothing(request, action, *args, **kwargs) -> list[str]:
    before, events = row(request), AuditEvent.objects.count()
    problems = refused(action, request.pk, *args, **kwargs).problems
    assert row(request) == before
    assert AuditEvent.objects.count() == events
    return problems


def transition_events(request):
    return AuditEvent.objects.filter(request_id=request.pk, action__in=list(transitions.ACTIONS)).order_by("pk")


def sibling_family(council, child_name=("Ava", "Stone"), sibling_name=("Sam", "Stone")):
    family = FamilyFactory()
    child = ChildFactory(team=council.north_team, family=family, first_name=child_name[0], last_name=child_name[1])
    sibling = ChildFactory(
        team=council.north_team, family=family, first_name=sibling_name[0], last_name=sibling_name[1]
    )
    return child, sibling


def promote(user, role, *, team=None, area=None):
    """The person changes job; a fresh user object so no permission cache survives the change."""
    Staff.objects.filter(user=user).update(role=role, team=team, service_area=area)
    Staff.objects.get(user=user).save()  # the groups follow the role (cases.signals)
    return get_user_model().objects.get(pk=user.pk)


# submit


@pytest.mark.parametrize(
    "proposal, services, missing",
    [
        ({"categories": []}, ["Family support worker"], "Choose at least one proposed category of abuse."),
        (
            {"factors": []},
            ["Family support worker"],
            "Choose at least one assessment factor (21 if none were identified).",
        ),
        ({}, [], "Add the services proposed for the plan."),
        ({"reason": "  "}, ["Family support worker"], "Give the reason for the request."),
    ],
)
def test_submit_needs_categories_factors_services_and_reason(council, proposal, services, missing):
    sw = council.social_worker
    request = records.start_request(ChildFactory(team=council.north_team), sw)
    records.update_proposal(
        request.pk, sw, **{"reason": "Neglect again.", "categories": ["NEG"], "factors": ["3B"], **proposal}
    )
    records.set_proposed_services(request.pk, sw, services)
    assert assert_refused_changes_nothing(request, transitions.submit, sw) == [missing]
    assert fetch(request).state == State.DRAFT


def test_submit_moves_a_complete_draft_to_the_prior_plan_check(council):
    request = journeys.submitted(council, ChildFactory(team=council.north_team))
    assert request.state == State.PRIOR_PLAN_CHECK
    assert request.submitted_by == council.social_worker


def test_a_child_with_an_open_request_cannot_have_another(council):
    child = ChildFactory(team=council.north_team)
    first = journeys.drafted(council, child)
    assert "already has an open request" in refused(records.start_request, child, council.social_worker).problems[0]
    second = ConferenceRequestFactory(child=child, created_by=council.social_worker)
    ProposedServiceFactory(request=second)
    transitions.submit(first.pk, council.social_worker)
    problems = assert_refused_changes_nothing(second, transitions.submit, council.social_worker)
    assert problems == ["The child already has an open conference request."]


def test_a_closed_request_does_not_stop_a_new_one(council):
    child = ChildFactory(team=council.north_team)
    first = journeys.drafted(council, child)
    transitions.withdraw(first.pk, council.social_worker, reason="Opened in error.")
    assert records.start_request(child, council.social_worker).state == State.DRAFT


def test_a_child_on_a_plan_now_is_due_a_review_not_a_request(council):
    child = ChildFactory(team=council.north_team)
    CPPlanFactory(child=child, start_date=D(2026, 1, 5), end_date=None)
    problems = refused(records.start_request, child, council.social_worker).problems
    assert problems == ["The child is on a CP plan now: that calls for a review conference, not a new request."]
    assert not child.conference_requests.exists()


# the prior-plan check (R1)


@pytest.mark.parametrize("sources", [[], ["this_council"], ["other_councils"]])
def test_the_prior_plan_check_needs_both_sources(council, sources):
    request = journeys.submitted(council, journeys.child_with_plans(council, 1))
    problems = assert_refused_changes_nothing(
        request, transitions.confirm_prior_plan_check, council.social_worker, sources_checked=sources
    )
    assert problems == ["Check the child's CP history in this council's records and in other councils' (CP-IS)."]


def test_no_previous_plan_goes_straight_to_convening(council):
    request = journeys.checked(council, ChildFactory(team=council.north_team))
    assert request.state == State.READY_TO_CONVENE
    assert transition_events(request).last().action == "confirm_no_previous_plan"


@pytest.mark.parametrize("held_elsewhere", [False, True])
def test_a_previous_plan_anywhere_leads_to_the_manager_discussion(council, held_elsewhere):
    child = ChildFactory(team=council.north_team)
    CPPlanFactory(child=child, held_by_other_council=held_elsewhere, other_council="Leeds" if held_elsewhere else "")
    request = journeys.checked(council, child)
    assert request.state == State.MANAGER_DISCUSSION
    assert transition_events(request).last().action == "confirm_previous_plan"


def test_a_first_plan_still_needs_each_sibling_considered(council):
    child, sibling = sibling_family(council)
    request = journeys.submitted(council, child)
    problems = assert_refused_changes_nothing(
        request, transitions.confirm_prior_plan_check, council.social_worker, sources_checked=BOTH_SOURCES
    )
    assert problems == ["Record whether Sam Stone should also be subject of the conference."]
    records.record_sibling_decision(
        request.pk, council.social_worker, sibling_id=sibling.pk, include=True, reason="Same home, same neglect."
    )
    request = transitions.confirm_prior_plan_check(request.pk, council.social_worker, sources_checked=BOTH_SOURCES)
    assert request.state == State.READY_TO_CONVENE


# the manager discussion (R2, R8)


@pytest.mark.parametrize(
    "decision",
    [
        {"alternatives_considered": [], "rationale": "A plan adds drug services."},
        {"alternatives_considered": ["pre_proceedings"], "rationale": "   "},
    ],
)
def test_proceed_needs_the_alternatives_and_the_rationale(council, decision):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    problems = assert_refused_changes_nothing(request, transitions.proceed, council.area_manager, **decision)
    assert problems == ["The Area or Service Manager must record the alternatives considered and the rationale."]


def test_proceed_sends_the_request_to_screening(council):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    request = transitions.proceed(request.pk, council.service_manager, **PROCEED)
    assert request.state == State.CPC_SCREENING
    assert request.manager_decided_by == council.service_manager


@pytest.mark.parametrize(
    "route, rationale, missing",
    [
        ("", "Legal advice first.", "Choose the alternative route."),
        ("legal_planning", "", "Give the rationale for the decision."),
    ],
)
def test_an_alternative_route_needs_the_route_and_the_rationale(council, route, rationale, missing):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    problems = assert_refused_changes_nothing(
        request,
        transitions.choose_alternative_route,
        council.area_manager,
        route=route,
        alternatives_considered=[],
        rationale=rationale,
    )
    assert problems == [missing]


def test_choosing_an_alternative_route_closes_the_request(council):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    request = transitions.choose_alternative_route(
        request.pk,
        council.area_manager,
        route="pre_proceedings",
        alternatives_considered=["child_in_need"],
        rationale="The Public Law Outline gives the family a clear timetable.",
    )
    assert request.state == State.CLOSED_ALTERNATIVE_ROUTE
    assert request.alternative_route == "pre_proceedings"
    assert request.alternatives_considered == ["child_in_need", "pre_proceedings"]


# screening and accept (R3-R7, R9, R11-R14)

ACCEPT_FACTS = {
    "partners_informed": "Record when partners were told of the previous plan, with its timeframe and context.",
    "time_since": "Write the analysis of the time since the previous plan ended.",
    "plan_length": "Write the analysis of the length of the previous plan.",
    "risks": "Write the analysis of whether the risks are the same or new.",
    "services": "Write the analysis of the services: what was done and what will be different.",
    "service_rationale": "Give the rationale and expected impact for repeating 'Parenting programme'.",
    "sibling_decision": "Record whether Sam Stone should also be subject of the conference.",
    "cp_chair_conversation": "Record the conversation with the CP chair.",
    "cp_manager_consultation": "Record the consultation with the CP Manager.",
    "screening_difference": "Record the difference the plan will make compared with alternatives.",
    "screening_timescale": "Record the timescale within which the plan should reduce the risk.",
    "challenge": "Issue a challenge and resolution, or record why not.",
}


@pytest.fixture
def demanding(council):
    """At screening, needing every fact: a short previous plan (a challenge trigger) whose service is
    proposed again, and a sibling."""
    child, sibling = sibling_family(council)
    plan = CPPlanFactory(child=child, start_date=D(2025, 3, 1), end_date=D(2025, 5, 1))
    PlanServiceFactory(plan=plan, name="Parenting programme")
    request = journeys.proceeded(council, child, services=("Parenting programme", "Family support worker"))
    return SimpleNamespace(request=request, sibling=sibling)


def record_accept_facts(council, demanding, skip=()):
    sw, chair, request = council.social_worker, council.cp_chair, demanding.request
    if "partners_informed" not in skip:
        records.record_partners_informed(request.pk, sw, informed_on=D(2026, 10, 1), context="Plan in 2025, 2 months.")
    points = {
        "time_since": "18 months.",
        "plan_length": "Two months: stepped down early.",
        "risks": "Same neglect.",
        "services": "Parenting again, with a new provider.",
    }
    records.record_analysis(request.pk, sw, **{point: "" if point in skip else text for point, text in points.items()})
    if "service_rationale" not in skip:
        service = request.proposed_services.get(name="Parenting programme")
        records.record_service_rationale(
            request.pk,
            sw,
            service.pk,
            repeat_rationale="New provider, home visits.",
            expected_impact="Routines kept after the plan ends.",
        )
    if "sibling_decision" not in skip:
        records.record_sibling_decision(
            request.pk,
            sw,
            sibling_id=demanding.sibling.pk,
            include=False,
            reason="Lives with the other parent; no concerns.",
        )
    if "cp_chair_conversation" not in skip:
        records.record_cp_chair_conversation(request.pk, sw, conversation="How the conference will run.")
    if "cp_manager_consultation" not in skip:
        records.record_cp_manager_consultation(request.pk, chair, consultation="CP Manager agrees.")
    records.record_screening(
        request.pk,
        chair,
        difference="" if "screening_difference" in skip else "Legal advice would not change the routines.",
        timescale_weeks=None if "screening_timescale" in skip else 16,
    )
    if "challenge" not in skip:
        records.issue_challenge(
            request.pk,
            chair,
            triggers=["stepped_down_early"],
            challenge="Why was the plan stepped down after two months?",
            response_due=timezone.localdate() + datetime.timedelta(days=14),
        )


@pytest.mark.parametrize("missing", list(ACCEPT_FACTS))
def test_accept_names_each_missing_fact(council, demanding, missing):
    record_accept_facts(council, demanding, skip={missing})
    problems = assert_refused_changes_nothing(demanding.request, transitions.accept, council.cp_chair)
    assert problems == [ACCEPT_FACTS[missing]]
    assert fetch(demanding.request).state == State.CPC_SCREENING


def test_accept_with_every_fact_recorded(council, demanding):
    record_accept_facts(council, demanding)
    request = transitions.accept(demanding.request.pk, council.cp_chair)
    assert request.state == State.READY_TO_CONVENE
    assert request.screened_by == council.cp_chair


def test_a_service_not_used_before_needs_no_repeat_rationale(council):
    request = journeys.proceeded(council, journeys.child_with_plans(council, 1), services=("Family group conference",))
    journeys.screened(council, request)
    assert transitions.accept(request.pk, council.cp_chair).state == State.READY_TO_CONVENE


@pytest.mark.parametrize(
    "plan",
    [
        {"outstanding_actions_at_closure": True},
        {"core_group_actions_not_implemented": True},
        {"start_date": D(2025, 3, 1), "end_date": D(2025, 6, 1)},  # short: exactly three months
    ],
    ids=["outstanding_actions", "core_group", "short"],
)
def test_a_challenge_trigger_needs_a_challenge_or_the_reason_not_to(council, plan):
    child = ChildFactory(team=council.north_team)
    CPPlanFactory(child=child, **plan)
    request = journeys.proceeded(council, child)
    journeys.screened(council, request)
    problems = assert_refused_changes_nothing(request, transitions.accept, council.cp_chair)
    assert problems == ["Issue a challenge and resolution, or record why not."]
    records.record_challenge_not_issued(
        request.pk, council.cp_chair, reason="The plan was ended by the court, not stepped down."
    )
    assert transitions.accept(request.pk, council.cp_chair).state == State.READY_TO_CONVENE


def test_a_plan_one_day_over_three_months_is_no_trigger(council):
    """Short is 3 months or less (DESIGN.md section 3); one day more is not stepped down early."""
    child = ChildFactory(team=council.north_team)
    CPPlanFactory(child=child, start_date=D(2025, 3, 1), end_date=D(2025, 6, 2))
    request = journeys.proceeded(council, child)
    journeys.screened(council, request)
    assert transitions.accept(request.pk, council.cp_chair).state == State.READY_TO_CONVENE


@pytest.mark.parametrize(
    "previous_plans, stage",
    [(1, State.READY_TO_CONVENE), (2, State.HEAD_OF_SERVICE_SIGNOFF), (3, State.HEAD_OF_SERVICE_SIGNOFF)],
)
def test_accept_sends_a_third_or_later_plan_to_the_head_of_service(council, previous_plans, stage):
    request = journeys.proceeded(council, journeys.child_with_plans(council, previous_plans))
    journeys.screened(council, request)
    assert transitions.accept(request.pk, council.cp_chair).state == stage


# the Head of Service (R10)


@pytest.fixture
def third_plan(council):
    request = journeys.proceeded(council, journeys.child_with_plans(council, 2))
    journeys.screened(council, request)
    return transitions.accept(request.pk, council.cp_chair)


@pytest.mark.parametrize(
    "grounds, rationale, missing",
    [
        (
            [],
            "Father has left; new partner's drug use.",
            "Choose the ground: the risks are significantly different, or the child's circumstances have substantially "
            "changed.",
        ),
        (["risks_significantly_different"], " ", "Give the Head of Service's rationale."),
    ],
)
def test_agree_needs_a_ground_and_the_rationale(council, third_plan, grounds, rationale, missing):
    problems = assert_refused_changes_nothing(
        third_plan, transitions.agree, council.head_of_service, grounds=grounds, rationale=rationale
    )
    assert problems == [missing]


def test_agree_makes_a_third_plan_ready_to_convene(council, third_plan):
    request = transitions.agree(
        third_plan.pk,
        council.head_of_service,
        grounds=["risks_significantly_different", "circumstances_substantially_changed"],
        rationale="New partner's drug use; the family has moved.",
    )
    assert request.state == State.READY_TO_CONVENE
    assert request.head_of_service_decided_by == council.head_of_service


def test_refuse_needs_a_reason_and_declines(council, third_plan):
    problems = assert_refused_changes_nothing(third_plan, transitions.refuse, council.head_of_service, reason="")
    assert problems == ["Give the reason."]
    request = transitions.refuse(third_plan.pk, council.head_of_service, reason="Same risks as the last two plans.")
    assert request.state == State.DECLINED


# the CP chair's other decisions


@pytest.fixture
def at_screening(council):
    request = journeys.proceeded(council, journeys.child_with_plans(council, 1))
    journeys.screened(council, request)
    return request


def test_decline_needs_a_reason(council, at_screening):
    assert assert_refused_changes_nothing(at_screening, transitions.decline, council.cp_chair, reason=" ") == [
        "Give the reason."
    ]
    request = transitions.decline(at_screening.pk, council.cp_chair, reason="Child in Need planning fits better.")
    assert request.state == State.DECLINED


def test_return_for_information_needs_questions_and_the_worker_can_resubmit(council, at_screening):
    sw = council.social_worker
    problems = assert_refused_changes_nothing(
        at_screening, transitions.return_for_information, council.cp_chair, questions=""
    )
    assert problems == ["Write the questions the worker must answer."]
    request = transitions.return_for_information(
        at_screening.pk, council.cp_chair, questions="What did the school say about attendance?"
    )
    assert request.state == State.DRAFT
    assert request.returned_questions == "What did the school say about attendance?"
    records.update_proposal(
        request.pk,
        sw,
        reason="Neglect has returned; school reports 60% attendance.",
        categories=["NEG"],
        factors=["3B", "2B"],
    )
    assert transitions.submit(request.pk, sw).state == State.PRIOR_PLAN_CHECK
    request = transitions.confirm_prior_plan_check(request.pk, sw, sources_checked=BOTH_SOURCES)
    assert transitions.proceed(request.pk, council.area_manager, **PROCEED).state == State.CPC_SCREENING


# record_conference: tests/conferences/test_conference_outcome.py


# withdraw


@pytest.mark.parametrize("state", OPEN_STATES)
def test_withdraw_from_every_open_state(council, state):
    request = ConferenceRequestFactory(child=ChildFactory(team=council.north_team), state=state)
    assert assert_refused_changes_nothing(request, transitions.withdraw, council.social_worker, reason="") == [
        "Give the reason."
    ]
    request = transitions.withdraw(request.pk, council.social_worker, reason="The family has moved abroad.")
    assert request.state == State.WITHDRAWN
    assert request.decision_reason == "The family has moved abroad."


@pytest.mark.parametrize("state", sorted(set(State) - set(OPEN_STATES)))
def test_a_closed_request_cannot_be_withdrawn(council, state):
    request = ConferenceRequestFactory(child=ChildFactory(team=council.north_team), state=state)
    assert_refused_changes_nothing(request, transitions.withdraw, council.social_worker, reason="Moved away.")


def test_acting_on_a_stage_that_has_passed_is_refused_as_a_change(council, at_screening):
    with pytest.raises(RequestChanged):
        transitions.proceed(at_screening.pk, council.area_manager, **PROCEED)
    with pytest.raises(RequestChanged):
        transitions.decline(at_screening.pk, council.cp_chair, reason="No.", expected_state=State.DRAFT)
    assert fetch(at_screening).state == State.CPC_SCREENING


# nobody approves their own request


@pytest.mark.parametrize(
    "stage, action, new_role, kwargs",
    [
        (State.MANAGER_DISCUSSION, transitions.proceed, "area_manager", PROCEED),
        (State.CPC_SCREENING, transitions.accept, "cp_chair", {}),
        (
            State.HEAD_OF_SERVICE_SIGNOFF,
            transitions.agree,
            "head_of_service",
            {"grounds": ["risks_significantly_different"], "rationale": "New risks."},
        ),
    ],
    ids=["proceed", "accept", "agree"],
)
@pytest.mark.parametrize("made_by", ["created_by", "submitted_by"])
def test_a_person_never_approves_a_request_they_made(council, stage, action, new_role, kwargs, made_by):
    """The worker who made the request later becomes the manager, chair or Head of Service who would approve it."""
    worker = council.practice_lead
    request = ConferenceRequestFactory(child=journeys.child_with_plans(council, 1), state=stage, **{made_by: worker})
    approver = promote(worker, new_role, area=council.north if new_role == "area_manager" else None)
    problems = assert_refused_changes_nothing(request, action, approver, **kwargs)
    assert problems == ["You cannot approve a request that you made."]
    assert isinstance(refused(action, request.pk, approver, **kwargs), NotPermitted)


# one audit event per transition


def assert_one_event_for(request, call, *, action, actor, state_before, state_after, facts):
    """Run a transition; exactly one audit event records who, when (UTC), the stages and the decision's facts."""
    count = AuditEvent.objects.count()
    started = timezone.now()
    result = call()
    assert AuditEvent.objects.count() == count + 1
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.actor, event.request_id, event.child_id) == (
        action,
        actor,
        request.pk,
        request.child_id,
    )
    assert (event.state_before, event.state_after) == (state_before, state_after)
    assert event.at.utcoffset() == datetime.timedelta(0)
    assert started <= event.at <= timezone.now()
    for field, value in facts.items():
        assert event.after[field] == value, field
        assert field in event.before, field
    return result


def test_every_transition_writes_one_audit_event(council):
    sw, am, chair, hos = council.social_worker, council.area_manager, council.cp_chair, council.head_of_service
    today = timezone.localdate()
    request = journeys.drafted(council, journeys.child_with_plans(council, 2))
    assert_one_event_for(
        request,
        lambda: transitions.submit(request.pk, sw),
        action="submit",
        actor=sw,
        state_before="draft",
        state_after="prior_plan_check",
        facts={"submitted_by": sw.pk},
    )
    assert_one_event_for(
        request,
        lambda: transitions.confirm_prior_plan_check(request.pk, sw, sources_checked=BOTH_SOURCES),
        action="confirm_previous_plan",
        actor=sw,
        state_before="prior_plan_check",
        state_after="manager_discussion",
        facts={"sources_checked": ["other_councils", "this_council"], "prior_plan_checked_by": sw.pk},
    )
    assert_one_event_for(
        request,
        lambda: transitions.proceed(request.pk, am, **PROCEED),
        action="proceed",
        actor=am,
        state_before="manager_discussion",
        state_after="cpc_screening",
        facts={
            "alternatives_considered": ["pre_proceedings"],
            "manager_rationale": PROCEED["rationale"],
            "manager_decided_by": am.pk,
        },
    )
    journeys.screened(council, request)
    assert_one_event_for(
        request,
        lambda: transitions.accept(request.pk, chair),
        action="accept",
        actor=chair,
        state_before="cpc_screening",
        state_after="head_of_service_signoff",
        facts={"screened_by": chair.pk},
    )
    assert_one_event_for(
        request,
        lambda: transitions.agree(request.pk, hos, grounds=["circumstances_substantially_changed"], rationale="Moved."),
        action="agree",
        actor=hos,
        state_before="head_of_service_signoff",
        state_after="ready_to_convene",
        facts={
            "head_of_service_grounds": ["circumstances_substantially_changed"],
            "head_of_service_rationale": "Moved.",
            "head_of_service_decided_by": hos.pk,
        },
    )
    assert_one_event_for(
        request,
        lambda: transitions.record_conference(request.pk, chair, held_on=today, outcome="no_further_action"),
        action="record_conference",
        actor=chair,
        state_before="ready_to_convene",
        state_after="convened",
        facts={"conference_held_on": today.isoformat(), "conference_outcome": "no_further_action"},
    )
    assert list(transition_events(request).values_list("action", flat=True)) == [
        "submit",
        "confirm_previous_plan",
        "proceed",
        "accept",
        "agree",
        "record_conference",
    ]


def test_the_other_transitions_write_one_audit_event_each(council, at_screening):
    sw, am, chair, hos = council.social_worker, council.area_manager, council.cp_chair, council.head_of_service
    first = journeys.submitted(council, ChildFactory(team=council.north_team))
    assert_one_event_for(
        first,
        lambda: transitions.confirm_prior_plan_check(first.pk, sw, sources_checked=BOTH_SOURCES),
        action="confirm_no_previous_plan",
        actor=sw,
        state_before="prior_plan_check",
        state_after="ready_to_convene",
        facts={"sources_checked": ["other_councils", "this_council"]},
    )
    assert_one_event_for(
        first,
        lambda: transitions.withdraw(first.pk, sw, reason="Moved."),
        action="withdraw",
        actor=sw,
        state_before="ready_to_convene",
        state_after="withdrawn",
        facts={"decision_reason": "Moved."},
    )
    routed = journeys.checked(council, journeys.child_with_plans(council, 1))
    assert_one_event_for(
        routed,
        lambda: transitions.choose_alternative_route(
            routed.pk, am, route="child_in_need", alternatives_considered=[], rationale="CIN plan."
        ),
        action="choose_alternative_route",
        actor=am,
        state_before="manager_discussion",
        state_after="closed_alternative_route",
        facts={"alternative_route": "child_in_need", "manager_rationale": "CIN plan."},
    )
    assert_one_event_for(
        at_screening,
        lambda: transitions.return_for_information(at_screening.pk, chair, questions="Which school?"),
        action="return_for_information",
        actor=chair,
        state_before="cpc_screening",
        state_after="draft",
        facts={"returned_questions": "Which school?"},
    )
    declined = journeys.proceeded(council, journeys.child_with_plans(council, 1))
    assert_one_event_for(
        declined,
        lambda: transitions.decline(declined.pk, chair, reason="CIN fits."),
        action="decline",
        actor=chair,
        state_before="cpc_screening",
        state_after="declined",
        facts={"decision_reason": "CIN fits."},
    )
    refused_request = journeys.proceeded(council, journeys.child_with_plans(council, 2))
    journeys.screened(council, refused_request)
    transitions.accept(refused_request.pk, chair)
    assert_one_event_for(
        refused_request,
        lambda: transitions.refuse(refused_request.pk, hos, reason="Same risks."),
        action="refuse",
        actor=hos,
        state_before="head_of_service_signoff",
        state_after="declined",
        facts={"decision_reason": "Same risks.", "head_of_service_decided_by": hos.pk},
    )


def test_a_refused_transition_leaves_no_history_row(council, at_screening):
    from pghistory.models import Events

    history = Events.objects.tracks(fetch(at_screening)).count()
    assert_refused_changes_nothing(at_screening, transitions.decline, council.cp_chair, reason="")
    assert_refused_changes_nothing(at_screening, transitions.accept, council.auditor)
    assert Events.objects.tracks(fetch(at_screening)).count() == history
