"""Recording the facts a request needs: the proposal, the analysis, the conversations, the challenge.

Each function locks the request, checks that this person may record this now
(conferences/permissions.py), validates, saves and writes an audit event with what changed.
"""

from datetime import date

import pghistory
from django.db import transaction
from django.utils import timezone

from audit.services import changed, record_event, snapshot
from cases.census_rules import unknown_codes
from cases.models import Child
from conferences.errors import ActionRefused, NotFound, NotPermitted, RequestChanged
from conferences.models import (
    Challenge,
    ChallengeState,
    ChallengeTrigger,
    ConferenceRequest,
    ProposedService,
    SiblingDecision,
)
from conferences.permissions import challenge_refusal, may_start_request, record_refusal
from conferences.transitions import locked_request


def start_request(child: Child, user) -> ConferenceRequest:
    """A social worker, practice lead or team manager starts a draft request for a child they hold."""
    if not may_start_request(user, child):
        raise NotPermitted("Only the child's team can start a conference request.")
    with transaction.atomic(durable=True), pghistory.context(user=user.pk, action="start_request"):
        Child.objects.select_for_update().get(pk=child.pk)
        existing = child.conference_requests.filter(state__in=ConferenceRequest.open_states()).first()
        if existing:
            raise ActionRefused(f"The child already has an open request (request {existing.pk}).")
        if child.plans.filter(end_date__isnull=True).exists():
            raise ActionRefused("The child is on a CP plan now: that calls for a review conference, not a new request.")
        request = ConferenceRequest.objects.create(child=child, created_by=user)
        record_event(user, "start_request", request=request, state_after=request.state)
        return request


def _update(request, user, record, values: dict, *, validate=None):
    """Record `values` on a request already locked by this action's transaction."""
    with pghistory.context(user=user.pk, action=record):
        refusal = record_refusal(user, request, record)
        if refusal:
            raise NotPermitted(refusal)
        if validate:
            problems = validate(request, values)
            if problems:
                raise ActionRefused(problems)
        before = snapshot(request, values)
        for field, value in values.items():
            setattr(request, field, value)
        request.save(update_fields=list(values))
        old, new = changed(before, snapshot(request, values))
        if new:
            record_event(
                user,
                f"record_{record}",
                request=request,
                before=old,
                after=new,
                state_before=request.state,
                state_after=request.state,
            )
        return request


def _codes_valid(request, values):
    bad = unknown_codes(values.get("proposed_categories", []), values.get("proposed_factors", []))
    return [f"Unknown census code(s): {', '.join(bad)}."] if bad else []


def update_proposal(
    request_id,
    user,
    *,
    reason,
    categories,
    factors,
    strategy_discussion_date=None,
    expected_state=None,
    expected_version=None,
):
    with locked_request(request_id, expected_state, expected_version) as request:
        return _update_proposal(request, user, reason, categories, factors, strategy_discussion_date)


def _update_proposal(request, user, reason, categories, factors, strategy_discussion_date):
    return _update(
        request,
        user,
        "proposal",
        {
            "reason": reason.strip(),
            "proposed_categories": sorted(set(categories)),
            "proposed_factors": sorted(set(factors)),
            "strategy_discussion_date": strategy_discussion_date,
        },
        validate=_codes_valid,
    )


def set_proposed_services(request_id, user, names, *, expected_state=None, expected_version=None):
    """Replace the proposed services by name, keeping the rationale already written for any kept."""
    with locked_request(request_id, expected_state, expected_version) as request:
        return _set_proposed_services(request, user, names)


def save_proposal(
    request_id,
    user,
    *,
    reason,
    categories,
    factors,
    services,
    strategy_discussion_date=None,
    expected_state=None,
    expected_version=None,
):
    """The worker's proposal page: the proposal and its services, saved together or not at all."""
    with locked_request(request_id, expected_state, expected_version) as request:
        _update_proposal(request, user, reason, categories, factors, strategy_discussion_date)
        return _set_proposed_services(request, user, services)


def _set_proposed_services(request, user, names):
    names = sorted({name.strip() for name in names if name.strip()})
    with pghistory.context(user=user.pk):
        refusal = record_refusal(user, request, "proposal")
        if refusal:
            raise NotPermitted(refusal)
        before = sorted(request.proposed_services.values_list("name", flat=True))
        request.proposed_services.exclude(name__in=names).delete()
        for name in names:
            ProposedService.objects.get_or_create(request=request, name=name)
        if before != names:
            record_event(
                user,
                "record_proposed_services",
                request=request,
                before={"services": before},
                after={"services": names},
            )
        return request


def record_service_rationale(
    request_id,
    user,
    service_id,
    *,
    repeat_rationale,
    expected_impact,
    provision_gap="",
    gap_owner=None,
    gap_resolve_by=None,
    gap_caused_by_partner_agency=False,
    expected_state=None,
    expected_version=None,
):
    with locked_request(request_id, expected_state, expected_version) as request:
        return _record_service_rationale(
            request,
            user,
            service_id,
            repeat_rationale=repeat_rationale,
            expected_impact=expected_impact,
            provision_gap=provision_gap,
            gap_owner=gap_owner,
            gap_resolve_by=gap_resolve_by,
            gap_caused_by_partner_agency=gap_caused_by_partner_agency,
        )


def record_service_rationales(request_id, user, rationales: dict, *, expected_state=None, expected_version=None):
    """The repeated-services page: each service's rationale ({service id: its answers}), all or none."""
    with locked_request(request_id, expected_state, expected_version) as request:
        return [_record_service_rationale(request, user, pk, **answers) for pk, answers in rationales.items()]


def _record_service_rationale(
    request,
    user,
    service_id,
    *,
    repeat_rationale,
    expected_impact,
    provision_gap="",
    gap_owner=None,
    gap_resolve_by=None,
    gap_caused_by_partner_agency=False,
):
    fields = [
        "repeat_rationale",
        "expected_impact",
        "provision_gap",
        "gap_owner",
        "gap_resolve_by",
        "gap_caused_by_partner_agency",
    ]
    with pghistory.context(user=user.pk):
        refusal = record_refusal(user, request, "service_rationale")
        if refusal:
            raise NotPermitted(refusal)
        try:
            service = request.proposed_services.get(pk=service_id)
        except ProposedService.DoesNotExist:
            raise ActionRefused("That service is not part of this request.") from None
        before = snapshot(service, fields)
        service.repeat_rationale = repeat_rationale.strip()
        service.expected_impact = expected_impact.strip()
        service.provision_gap = provision_gap.strip()
        service.gap_owner = gap_owner
        service.gap_resolve_by = gap_resolve_by
        service.gap_caused_by_partner_agency = gap_caused_by_partner_agency
        service.save()
        old, new = changed(before, snapshot(service, fields))
        if new:
            record_event(
                user, "record_service_rationale", request=request, description=service.name, before=old, after=new
            )
        return service


def record_partners_informed(
    request_id, user, *, informed_on: date, context: str, expected_state=None, expected_version=None
):
    with locked_request(request_id, expected_state, expected_version) as request:
        return _record_partners_informed(request, user, informed_on, context)


def _record_partners_informed(request, user, informed_on, context):
    def validate(request, values):
        if values["partners_informed_on"] and values["partners_informed_on"] > timezone.localdate():
            return ["The date partners were told cannot be in the future."]
        return []

    return _update(
        request,
        user,
        "partners_informed",
        {"partners_informed_on": informed_on, "partners_informed_context": context.strip()},
        validate=validate,
    )


def record_analysis(
    request_id, user, *, time_since, plan_length, risks, services, expected_state=None, expected_version=None
):
    with locked_request(request_id, expected_state, expected_version) as request:
        return _record_analysis(request, user, time_since, plan_length, risks, services)


def _record_analysis(request, user, time_since, plan_length, risks, services):
    return _update(
        request,
        user,
        "analysis",
        {
            "analysis_time_since": time_since.strip(),
            "analysis_plan_length": plan_length.strip(),
            "analysis_risks": risks.strip(),
            "analysis_services": services.strip(),
        },
    )


def save_repeat_analysis(
    request_id,
    user,
    *,
    partners_informed_on: date,
    partners_informed_context: str,
    time_since,
    plan_length,
    risks,
    services,
    expected_state=None,
    expected_version=None,
):
    """The worker's repeat-plan page: partners told (R3) and the four-point analysis (R4-R7), all or none."""
    with locked_request(request_id, expected_state, expected_version) as request:
        _record_partners_informed(request, user, partners_informed_on, partners_informed_context)
        return _record_analysis(request, user, time_since, plan_length, risks, services)


def record_cp_chair_conversation(
    request_id, user, *, conversation, held_on=None, expected_state=None, expected_version=None
):
    with locked_request(request_id, expected_state, expected_version) as request:
        return _update(
            request,
            user,
            "cp_chair_conversation",
            {"cp_chair_conversation": conversation.strip(), "cp_chair_conversation_on": held_on},
        )


def record_cp_manager_consultation(request_id, user, *, consultation, expected_state=None, expected_version=None):
    with locked_request(request_id, expected_state, expected_version) as request:
        return _update(
            request,
            user,
            "cp_manager_consultation",
            {"cp_manager_consultation": consultation.strip(), "cp_manager_consulted_by": user},
        )


def record_screening(
    request_id,
    user,
    *,
    difference,
    timescale_weeks,
    challenge_not_issued_reason="",
    expected_state=None,
    expected_version=None,
):
    def validate(request, values):
        weeks = values["screening_timescale_weeks"]
        if weeks is not None and not 1 <= weeks <= 104:
            return ["The timescale must be between 1 and 104 weeks."]
        return []

    with locked_request(request_id, expected_state, expected_version) as request:
        return _update(
            request,
            user,
            "screening",
            {
                "screening_difference": difference.strip(),
                "screening_timescale_weeks": timescale_weeks,
                "challenge_not_issued_reason": challenge_not_issued_reason.strip(),
            },
            validate=validate,
        )


def record_sibling_decision(
    request_id, user, *, sibling_id, include: bool, reason: str, expected_state=None, expected_version=None
):
    with locked_request(request_id, expected_state, expected_version) as request:
        return _record_sibling_decision(request, user, sibling_id, include, reason)


def record_sibling_decisions(request_id, user, decisions, *, expected_state=None, expected_version=None):
    """The siblings page: every (sibling id, include, reason) decided on it, all or none."""
    with locked_request(request_id, expected_state, expected_version) as request:
        return [_record_sibling_decision(request, user, *decision) for decision in decisions]


def _record_sibling_decision(request, user, sibling_id, include, reason):
    with pghistory.context(user=user.pk):
        refusal = record_refusal(user, request, "sibling_decision")
        if refusal:
            raise NotPermitted(refusal)
        if not request.child.siblings().filter(pk=sibling_id).exists():
            raise ActionRefused("That child is not a sibling on record.")
        if not reason.strip():
            raise ActionRefused("Give the reason for the sibling decision.")
        decision, _ = SiblingDecision.objects.update_or_create(
            request=request,
            sibling_id=sibling_id,
            defaults={"include_in_conference": include, "reason": reason.strip()},
        )
        record_event(
            user,
            "record_sibling_decision",
            request=request,
            after={"sibling": sibling_id, "include_in_conference": include, "reason": reason.strip()},
        )
        return decision


def issue_challenge(
    request_id, user, *, triggers, challenge, response_due: date, expected_state=None, expected_version=None
):
    """R11: the CPC issues a challenge and resolution; it runs beside the request."""
    with locked_request(request_id, expected_state, expected_version) as request, pghistory.context(user=user.pk):
        refusal = record_refusal(user, request, "issue_challenge")
        if refusal:
            raise NotPermitted(refusal)
        problems = []
        if not triggers:
            problems.append("Choose what the challenge is about.")
        if not challenge.strip():
            problems.append("Write the challenge.")
        if not response_due:
            problems.append("Enter the date the response is due.")
        elif response_due < timezone.localdate():
            problems.append("The response date cannot be in the past.")
        if problems:
            raise ActionRefused(problems)
        issued = Challenge.objects.create(
            request=request,
            triggers=sorted({ChallengeTrigger(t) for t in triggers}),
            challenge=challenge.strip(),
            issued_by=user,
            response_due=response_due,
        )
        record_event(
            user,
            "issue_challenge",
            request=request,
            challenge=issued,
            state_after=issued.state,
            after={"triggers": issued.triggers, "response_due": str(response_due)},
        )
        return issued


# How each challenge step reads in a refusal: "it cannot be answered now".
STEP_DONE = {"respond": "answered", "resolve": "resolved", "escalate": "escalated"}


def _challenge_step(challenge_id, user, action, *, text_field, text, stamp_by, stamp_at, expected_state=None):
    with transaction.atomic(durable=True), pghistory.context(user=user.pk):
        try:
            challenge = Challenge.objects.select_for_update().select_related("request__child").get(pk=challenge_id)
        except Challenge.DoesNotExist:
            raise NotFound("The challenge does not exist.") from None
        if expected_state and challenge.state != expected_state:
            raise RequestChanged("The challenge changed while you were looking at it. Look at it again.")
        refusal = challenge_refusal(user, challenge, action)
        if refusal:
            raise NotPermitted(refusal)
        if not text.strip():
            raise ActionRefused("Write the " + ("response." if action == "respond" else "resolution."))
        state_before = challenge.state
        if (
            state_before not in {ChallengeState.ISSUED, ChallengeState.RESPONDED}
            or (action == "resolve" and state_before != ChallengeState.RESPONDED)
            or (action == "respond" and state_before != ChallengeState.ISSUED)
        ):
            raise ActionRefused(
                f"The challenge is '{challenge.get_state_display()}': it cannot be {STEP_DONE[action]} now."
            )
        setattr(challenge, text_field, text.strip())
        setattr(challenge, stamp_by, user)
        setattr(challenge, stamp_at, timezone.now())
        getattr(challenge, action)()
        challenge.save()
        record_event(
            user,
            f"{action}_challenge",
            request=challenge.request,
            challenge=challenge,
            state_before=state_before,
            state_after=challenge.state,
            after={text_field: text.strip()},
        )
        return challenge


def respond_to_challenge(challenge_id, user, *, response, expected_state=None):
    return _challenge_step(
        challenge_id,
        user,
        "respond",
        text_field="response",
        text=response,
        stamp_by="responded_by",
        stamp_at="responded_at",
        expected_state=expected_state,
    )


def resolve_challenge(challenge_id, user, *, resolution, expected_state=None):
    return _challenge_step(
        challenge_id,
        user,
        "resolve",
        text_field="resolution",
        text=resolution,
        stamp_by="closed_by",
        stamp_at="closed_at",
        expected_state=expected_state,
    )


def escalate_challenge(challenge_id, user, *, resolution, expected_state=None):
    return _challenge_step(
        challenge_id,
        user,
        "escalate",
        text_field="resolution",
        text=resolution,
        stamp_by="closed_by",
        stamp_at="closed_at",
        expected_state=expected_state,
    )
