"""Recording the facts a request needs: bad input is refused with a message and changes nothing;
what is recorded lands in the audit trail with what changed; challenge and resolution runs beside
the request and never holds up the conference."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from conferences import records, transitions
from conferences.errors import ActionRefused, NotPermitted, RequestChanged
from conferences.models import Challenge, ChallengeState, ConferenceRequest, State
from tests.conferences import journeys
from tests.factories import ChildFactory, FamilyFactory, ProposedServiceFactory

D = datetime.date


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def row(request):
    return ConferenceRequest.objects.filter(pk=request.pk).values().get()


def refused_unchanged(request, action, *args, **kwargs) -> list[str]:
    before, events = row(request), AuditEvent.objects.count()
    with pytest.raises(ActionRefused) as refusal:
        action(*args, **kwargs)
    assert row(request) == before
    assert AuditEvent.objects.count() == events
    return refusal.value.problems


@pytest.fixture
def draft(council):
    return journeys.drafted(council, ChildFactory(team=council.north_team))


@pytest.fixture
def screening(council):
    return journeys.proceeded(council, journeys.child_with_plans(council, 1))


def test_starting_a_request_is_audited(council):
    request = records.start_request(ChildFactory(team=council.north_team), council.practice_lead)
    event = AuditEvent.objects.get(request=request)
    assert (event.action, event.actor, event.state_after) == ("start_request", council.practice_lead, "draft")
    assert request.created_by == council.practice_lead


def test_the_proposal_refuses_codes_outside_the_census(council, draft):
    problems = refused_unchanged(
        draft,
        records.update_proposal,
        draft.pk,
        council.social_worker,
        reason="R",
        categories=["NEG", "BAD"],
        factors=["3B", "99Z"],
    )
    assert problems == ["Unknown census code(s): 99Z, BAD."]


def test_the_proposal_audit_keeps_only_what_changed(council, draft):
    records.update_proposal(
        draft.pk, council.social_worker, reason="Neglect has returned.", categories=["PHY", "NEG"], factors=["3B", "2B"]
    )
    event = AuditEvent.objects.filter(request=draft).latest("pk")
    assert event.action == "record_proposal"
    assert event.before == {"proposed_categories": ["NEG"]}
    assert event.after == {"proposed_categories": ["NEG", "PHY"]}
    count = AuditEvent.objects.count()
    records.update_proposal(
        draft.pk, council.social_worker, reason="Neglect has returned.", categories=["PHY", "NEG"], factors=["3B", "2B"]
    )
    assert AuditEvent.objects.count() == count


def test_replacing_services_keeps_the_rationale_of_those_kept(council, draft):
    sw = council.social_worker
    kept = draft.proposed_services.get(name="Family support worker")
    records.record_service_rationale(draft.pk, sw, kept.pk, repeat_rationale="Worked.", expected_impact="Routines.")
    records.set_proposed_services(draft.pk, sw, ["Family support worker", " Drug and alcohol service "])
    assert sorted(draft.proposed_services.values_list("name", "repeat_rationale")) == [
        ("Drug and alcohol service", ""),
        ("Family support worker", "Worked."),
    ]
    event = AuditEvent.objects.filter(request=draft, action="record_proposed_services").latest("pk")
    assert event.after == {"services": ["Drug and alcohol service", "Family support worker"]}


def test_a_rationale_only_for_this_requests_services(council, draft):
    elsewhere = ProposedServiceFactory()
    problems = refused_unchanged(
        draft,
        records.record_service_rationale,
        draft.pk,
        council.social_worker,
        elsewhere.pk,
        repeat_rationale="R",
        expected_impact="I",
    )
    assert problems == ["That service is not part of this request."]


def test_partners_cannot_have_been_told_in_the_future(council, screening):
    problems = refused_unchanged(
        screening,
        records.record_partners_informed,
        screening.pk,
        council.social_worker,
        informed_on=in_days(1),
        context="Told.",
    )
    assert problems == ["The date partners were told must be today or in the past"]


@pytest.mark.parametrize("weeks, accepted", [(0, False), (1, True), (104, True), (105, False)])
def test_the_screening_timescale_is_one_to_104_weeks(council, screening, weeks, accepted):
    record = lambda: records.record_screening(screening.pk, council.cp_chair, difference="D", timescale_weeks=weeks)  # noqa: E731
    if accepted:
        assert record().screening_timescale_weeks == weeks
    else:
        assert refused_unchanged(screening, record) == ["The timescale must be between 1 and 104 weeks."]


def test_a_sibling_decision_is_for_a_sibling_on_record_with_a_reason(council):
    family = FamilyFactory()
    child = ChildFactory(team=council.north_team, family=family)
    sibling = ChildFactory(team=council.north_team, family=family)
    stranger = ChildFactory(team=council.north_team)
    request = journeys.drafted(council, child)
    sw = council.social_worker
    decide = records.record_sibling_decision
    assert refused_unchanged(request, decide, request.pk, sw, sibling_id=stranger.pk, include=True, reason="R") == [
        "That child is not a sibling on record."
    ]
    assert refused_unchanged(request, decide, request.pk, sw, sibling_id=sibling.pk, include=True, reason=" ") == [
        "Give the reason for the sibling decision."
    ]
    decide(request.pk, sw, sibling_id=sibling.pk, include=True, reason="Same home.")
    decide(request.pk, sw, sibling_id=sibling.pk, include=False, reason="Moved to her father's.")
    assert list(request.sibling_decisions.values_list("include_in_conference", "reason")) == [
        (False, "Moved to her father's.")
    ]


def test_a_record_written_on_a_stage_that_has_passed_is_refused(council, screening):
    with pytest.raises(RequestChanged):
        records.record_analysis(
            screening.pk,
            council.social_worker,
            time_since="A",
            plan_length="B",
            risks="C",
            services="D",
            expected_state=State.MANAGER_DISCUSSION,
        )


# challenge and resolution (R11)


def test_a_challenge_needs_what_it_is_about_the_challenge_and_a_due_date_not_past(council, screening):
    problems = refused_unchanged(
        screening,
        records.issue_challenge,
        screening.pk,
        council.cp_chair,
        triggers=[],
        challenge=" ",
        response_due=None,
    )
    assert problems == [
        "Choose what the challenge is about.",
        "Write the challenge.",
        "Enter the date the response is due.",
    ]
    problems = refused_unchanged(
        screening,
        records.issue_challenge,
        screening.pk,
        council.cp_chair,
        triggers=["stepped_down_early"],
        challenge="Why?",
        response_due=in_days(-1),
    )
    assert problems == ["The response date cannot be in the past."]
    assert not Challenge.objects.exists()


@pytest.fixture
def challenge(council, screening):
    return records.issue_challenge(
        screening.pk,
        council.cp_chair,
        triggers=["outstanding_actions_at_closure"],
        challenge="Which actions were outstanding?",
        response_due=in_days(10),
    )


def challenge_events(challenge):
    return list(
        AuditEvent.objects.filter(challenge=challenge)
        .order_by("pk")
        .values_list("action", "state_before", "state_after")
    )


def test_a_challenge_is_answered_then_resolved(council, challenge):
    tm, chair = council.team_manager, council.cp_chair
    with pytest.raises(NotPermitted):
        records.respond_to_challenge(challenge.pk, council.social_worker, response="Ours.")
    with pytest.raises(ActionRefused, match="cannot be resolved now"):
        records.resolve_challenge(challenge.pk, chair, resolution="Too soon.")
    with pytest.raises(ActionRefused, match="Write the response"):
        records.respond_to_challenge(challenge.pk, tm, response=" ")
    answered = records.respond_to_challenge(challenge.pk, tm, response="The core group stopped meeting.")
    assert (answered.state, answered.responded_by) == (ChallengeState.RESPONDED, tm)
    with pytest.raises(ActionRefused, match="cannot be answered now"):
        records.respond_to_challenge(challenge.pk, tm, response="Again.")
    with pytest.raises(RequestChanged):
        records.resolve_challenge(challenge.pk, chair, resolution="Agreed.", expected_state=ChallengeState.ISSUED)
    resolved = records.resolve_challenge(challenge.pk, chair, resolution="New core group chair appointed.")
    assert (resolved.state, resolved.closed_by) == (ChallengeState.RESOLVED, chair)
    assert challenge_events(challenge) == [
        ("issue_challenge", "", "issued"),
        ("respond_challenge", "issued", "responded"),
        ("resolve_challenge", "responded", "resolved"),
    ]


def test_a_challenge_can_be_escalated_without_an_answer(council, challenge):
    escalated = records.escalate_challenge(challenge.pk, council.cp_chair, resolution="No answer: to the CP Manager.")
    assert escalated.state == ChallengeState.ESCALATED
    with pytest.raises(ActionRefused):
        records.escalate_challenge(challenge.pk, council.cp_chair, resolution="Again.")


def test_an_open_challenge_never_holds_up_the_conference(council, screening, challenge):
    journeys.screened(council, screening)
    request = transitions.accept(screening.pk, council.cp_chair)
    request = transitions.record_conference(
        request.pk, council.cp_chair, held_on=timezone.localdate(), outcome="no_further_action"
    )
    assert request.state == State.CONVENED
    assert Challenge.objects.get(pk=challenge.pk).state == ChallengeState.ISSUED


def test_a_page_of_sibling_decisions_is_saved_whole_or_not_at_all(council):
    family = FamilyFactory()
    child = ChildFactory(team=council.north_team, family=family)
    first, second = ChildFactory(team=council.north_team, family=family), ChildFactory(family=family)
    request = journeys.drafted(council, child)
    decisions = [(first.pk, True, "Same home."), (second.pk, False, " ")]
    sw = council.social_worker
    problems = refused_unchanged(request, records.record_sibling_decisions, request.pk, sw, decisions)
    assert problems == ["Give the reason for the sibling decision."]
    assert not request.sibling_decisions.exists()


def test_a_record_cannot_be_nested_in_a_callers_transaction(council, draft):
    from django.db import transaction

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        records.record_cp_chair_conversation(draft.pk, council.social_worker, conversation="Talked it through.")
