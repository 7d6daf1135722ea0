"""Who may take each decision and write each record, at its proper stage (DESIGN.md sections 1 and 4).

Every role, plus the other area's worker, team manager and manager, tries every transition and every
record on a request whose facts are complete: exactly the intended people succeed; everyone else is
refused with NotPermitted and the request is left as it was. The expected people are written out
here, from the design, rather than read from conferences/permissions.py.
"""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from cases.permissions import can_change_child, can_view_child
from conferences import records, transitions
from conferences.errors import NotPermitted
from conferences.models import Challenge, ChallengeState, ConferenceRequest, State
from conferences.permissions import can_view_request, holds_request
from tests.factories import (
    ChildFactory,
    ConferenceRequestFactory,
    CPPlanFactory,
    FamilyFactory,
    PlanServiceFactory,
    ProposedServiceFactory,
)

D = datetime.date

ACTORS = [
    "social_worker",
    "practice_lead",
    "team_manager",
    "area_manager",
    "service_manager",
    "cp_chair",
    "cp_manager",
    "head_of_service",
    "auditor",
    "other_social_worker",
    "other_team_manager",
    "other_area_manager",
]
CASE_HOLDERS = {"social_worker", "practice_lead", "team_manager"}
MANAGERS = {"area_manager", "service_manager"}


def north_child(council, previous_plans=1):
    """A child of the north team; each previous plan lasted 200 days (no challenge trigger)."""
    child = ChildFactory(team=council.north_team)
    end = D(2025, 1, 10)
    for _ in range(previous_plans):
        plan = CPPlanFactory(child=child, start_date=end - datetime.timedelta(days=200), end_date=end)
        PlanServiceFactory(plan=plan, name="Parenting programme")
        end -= datetime.timedelta(days=300)
    return child


SCREENED = {
    "partners_informed_on": D(2026, 9, 1),
    "partners_informed_context": "Plan in 2024 for neglect, seven months.",
    "analysis_time_since": "Twenty months.",
    "analysis_plan_length": "Seven months.",
    "analysis_risks": "Same neglect; new drug use.",
    "analysis_services": "Drug services are new.",
    "cp_chair_conversation": "How the conference will run.",
    "cp_manager_consultation": "CP Manager agrees.",
    "screening_difference": "Drug services, not available under CIN.",
    "screening_timescale_weeks": 12,
    "alternatives_considered": ["pre_proceedings"],
    "manager_rationale": "A plan adds drug services.",
    "sources_checked": ["other_councils", "this_council"],
}


def request_at(council, state, *, previous_plans=1, **facts):
    """A request at `state` with every fact its next decision needs, made by someone outside the council's roles."""
    request = ConferenceRequestFactory(
        child=north_child(council, previous_plans), state=state, **(SCREENED if state != State.DRAFT else {}), **facts
    )
    ProposedServiceFactory(request=request, name="Family support worker")
    return request


def due():
    return timezone.localdate() + datetime.timedelta(days=14)


# What each transition needs: the stage, how to set the request up, how to call it.
TRANSITIONS = {
    "submit": (
        lambda council: request_at(council, State.DRAFT),
        lambda pk, user: transitions.submit(pk, user),
    ),
    "confirm_previous_plan": (
        lambda council: request_at(council, State.PRIOR_PLAN_CHECK),
        lambda pk, user: transitions.confirm_prior_plan_check(pk, user, sources_checked=SCREENED["sources_checked"]),
    ),
    "confirm_no_previous_plan": (
        lambda council: request_at(council, State.PRIOR_PLAN_CHECK, previous_plans=0),
        lambda pk, user: transitions.confirm_prior_plan_check(pk, user, sources_checked=SCREENED["sources_checked"]),
    ),
    "proceed": (
        lambda council: request_at(council, State.MANAGER_DISCUSSION),
        lambda pk, user: transitions.proceed(pk, user, alternatives_considered=["child_in_need"], rationale="New."),
    ),
    "choose_alternative_route": (
        lambda council: request_at(council, State.MANAGER_DISCUSSION),
        lambda pk, user: transitions.choose_alternative_route(
            pk, user, route="legal_planning", alternatives_considered=[], rationale="Legal advice first."
        ),
    ),
    "return_for_information": (
        lambda council: request_at(council, State.CPC_SCREENING),
        lambda pk, user: transitions.return_for_information(pk, user, questions="Which school?"),
    ),
    "decline": (
        lambda council: request_at(council, State.CPC_SCREENING),
        lambda pk, user: transitions.decline(pk, user, reason="CIN planning fits."),
    ),
    "accept": (
        lambda council: request_at(council, State.CPC_SCREENING),
        lambda pk, user: transitions.accept(pk, user),
    ),
    "agree": (
        lambda council: request_at(council, State.HEAD_OF_SERVICE_SIGNOFF, previous_plans=2),
        lambda pk, user: transitions.agree(pk, user, grounds=["risks_significantly_different"], rationale="New risks."),
    ),
    "refuse": (
        lambda council: request_at(council, State.HEAD_OF_SERVICE_SIGNOFF, previous_plans=2),
        lambda pk, user: transitions.refuse(pk, user, reason="Same risks again."),
    ),
    "record_conference": (
        lambda council: request_at(council, State.READY_TO_CONVENE),
        lambda pk, user: transitions.record_conference(
            pk, user, held_on=timezone.localdate(), outcome="no_further_action"
        ),
    ),
    "withdraw": (
        lambda council: request_at(council, State.CPC_SCREENING),
        lambda pk, user: transitions.withdraw(pk, user, reason="The family moved abroad."),
    ),
}

WHO_DECIDES = {
    "submit": CASE_HOLDERS,
    "confirm_previous_plan": CASE_HOLDERS,
    "confirm_no_previous_plan": CASE_HOLDERS,
    "proceed": MANAGERS,
    "choose_alternative_route": MANAGERS,
    "return_for_information": {"cp_chair"},
    "decline": {"cp_chair"},
    "accept": {"cp_chair"},
    "agree": {"head_of_service"},
    "refuse": {"head_of_service"},
    "record_conference": {"cp_chair"},
    "withdraw": CASE_HOLDERS | MANAGERS,
}


def with_sibling(council):
    request = request_at(council, State.CPC_SCREENING)
    request.child.family = FamilyFactory()
    request.child.save()
    ChildFactory(team=council.north_team, family=request.child.family)
    return request


def with_challenge(state):
    def setup(council):
        request = request_at(council, State.CPC_SCREENING)
        Challenge.objects.create(
            request=request,
            state=state,
            triggers=["stepped_down_early"],
            challenge="Why so short?",
            issued_by=council.cp_chair,
            response_due=due(),
            response="Our reasons." if state != "issued" else "",
        )
        return request

    return setup


def sibling_of(request):
    return request.child.siblings().get().pk


def service_of(request):
    return request.proposed_services.get().pk


def challenge_of(request):
    return request.challenges.get().pk


# What each record needs: how to set the request up at a stage where it may be written, how to write it.
RECORDS = {
    "proposal": (
        lambda council: request_at(council, State.DRAFT),
        lambda request, user: records.update_proposal(
            request.pk, user, reason="Neglect again.", categories=["PHY"], factors=["2B"]
        ),
    ),
    "proposed_services": (
        lambda council: request_at(council, State.DRAFT),
        lambda request, user: records.set_proposed_services(request.pk, user, ["Drug and alcohol service"]),
    ),
    "partners_informed": (
        lambda council: request_at(council, State.CPC_SCREENING),
        lambda request, user: records.record_partners_informed(
            request.pk, user, informed_on=D(2026, 10, 1), context="Told at the strategy discussion."
        ),
    ),
    "analysis": (
        lambda council: request_at(council, State.MANAGER_DISCUSSION),
        lambda request, user: records.record_analysis(
            request.pk, user, time_since="A", plan_length="B", risks="C", services="D"
        ),
    ),
    "service_rationale": (
        lambda council: request_at(council, State.CPC_SCREENING),
        lambda request, user: records.record_service_rationale(
            request.pk, user, service_of(request), repeat_rationale="Worked before.", expected_impact="Routines."
        ),
    ),
    "sibling_decision": (
        with_sibling,
        lambda request, user: records.record_sibling_decision(
            request.pk, user, sibling_id=sibling_of(request), include=True, reason="Same home."
        ),
    ),
    "cp_chair_conversation": (
        lambda council: request_at(council, State.CPC_SCREENING),
        lambda request, user: records.record_cp_chair_conversation(request.pk, user, conversation="Talked it through."),
    ),
    "cp_manager_consultation": (
        lambda council: request_at(council, State.CPC_SCREENING),
        lambda request, user: records.record_cp_manager_consultation(request.pk, user, consultation="Close scrutiny."),
    ),
    "screening": (
        lambda council: request_at(council, State.CPC_SCREENING),
        lambda request, user: records.record_screening(
            request.pk, user, difference="Drug services.", timescale_weeks=8
        ),
    ),
    "issue_challenge": (
        lambda council: request_at(council, State.CPC_SCREENING),
        lambda request, user: records.issue_challenge(
            request.pk, user, triggers=["core_group_actions_not_implemented"], challenge="Why?", response_due=due()
        ),
    ),
    "respond_to_challenge": (
        with_challenge(ChallengeState.ISSUED),
        lambda request, user: records.respond_to_challenge(challenge_of(request), user, response="Core group met."),
    ),
    "resolve_challenge": (
        with_challenge(ChallengeState.RESPONDED),
        lambda request, user: records.resolve_challenge(challenge_of(request), user, resolution="Agreed."),
    ),
    "escalate_challenge": (
        with_challenge(ChallengeState.RESPONDED),
        lambda request, user: records.escalate_challenge(challenge_of(request), user, resolution="To the CP Manager."),
    ),
}

WHO_RECORDS = {
    "proposal": CASE_HOLDERS,
    "proposed_services": CASE_HOLDERS,
    "partners_informed": CASE_HOLDERS,
    "analysis": CASE_HOLDERS,
    "service_rationale": CASE_HOLDERS,
    "sibling_decision": CASE_HOLDERS,
    "cp_chair_conversation": CASE_HOLDERS | {"cp_chair"},
    "cp_manager_consultation": {"cp_chair", "cp_manager"},
    "screening": {"cp_chair"},
    "issue_challenge": {"cp_chair"},
    "respond_to_challenge": {"team_manager"},
    "resolve_challenge": {"cp_chair"},
    "escalate_challenge": {"cp_chair"},
}


def stored(request) -> tuple:
    """The request and its challenges as stored, with the audit trail's length."""
    row = ConferenceRequest.objects.filter(pk=request.pk).values().get()
    challenges = list(Challenge.objects.filter(request_id=request.pk).values())
    return row, challenges, AuditEvent.objects.count()


def outcome(council, actor, setup, act) -> str:
    """'done' or 'refused'; a refusal must be NotPermitted and leave everything as it was."""
    request = setup(council)
    before = stored(request)
    try:
        act(request, getattr(council, actor))
    except NotPermitted:
        assert stored(request) == before, actor
        return "refused"
    return "done"


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_exactly_the_intended_people_take_each_decision(council, name):
    setup, act = TRANSITIONS[name]
    outcomes = {actor: outcome(council, actor, setup, lambda request, user: act(request.pk, user)) for actor in ACTORS}
    assert outcomes == {actor: "done" if actor in WHO_DECIDES[name] else "refused" for actor in ACTORS}


@pytest.mark.parametrize("name", list(RECORDS))
def test_exactly_the_intended_people_write_each_record(council, name):
    setup, act = RECORDS[name]
    outcomes = {actor: outcome(council, actor, setup, act) for actor in ACTORS}
    assert outcomes == {actor: "done" if actor in WHO_RECORDS[name] else "refused" for actor in ACTORS}


def test_only_the_childs_team_starts_a_request(council):
    outcomes = {}
    for actor in ACTORS:
        child = ChildFactory(team=council.north_team)
        try:
            records.start_request(child, getattr(council, actor))
            outcomes[actor] = "done"
        except NotPermitted:
            assert not child.conference_requests.exists()
            outcomes[actor] = "refused"
    assert outcomes == {actor: "done" if actor in CASE_HOLDERS else "refused" for actor in ACTORS}


@pytest.mark.parametrize(
    "name, actor, state",
    [
        ("proposal", "social_worker", State.PRIOR_PLAN_CHECK),
        ("proposed_services", "social_worker", State.CPC_SCREENING),
        ("analysis", "social_worker", State.READY_TO_CONVENE),
        ("partners_informed", "team_manager", State.HEAD_OF_SERVICE_SIGNOFF),
        ("cp_chair_conversation", "cp_chair", State.CONVENED),
        ("cp_manager_consultation", "cp_manager", State.DRAFT),
        ("screening", "cp_chair", State.MANAGER_DISCUSSION),
        ("screening", "cp_chair", State.READY_TO_CONVENE),
        ("issue_challenge", "cp_chair", State.MANAGER_DISCUSSION),
        ("issue_challenge", "cp_chair", State.DECLINED),
    ],
)
def test_a_record_is_written_only_at_its_stage(council, name, actor, state):
    _, act = RECORDS[name]
    assert outcome(council, actor, lambda council: request_at(council, state), act) == "refused"


def test_auditors_see_but_never_change(council):
    auditor = council.auditor
    request = request_at(council, State.CPC_SCREENING)
    assert can_view_request(auditor, request) and can_view_child(auditor, request.child)
    assert not holds_request(auditor, request)
    assert not can_change_child(auditor, request.child)
    assert transitions.available_actions(request, auditor) == []
