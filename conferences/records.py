"""Recording the facts a request needs: the proposal, the analysis, the conversations, the challenge.

Each record and challenge step is declared in conferences/actions.py (who may record it, when, its
event name and words). Each public function here is one durable transaction: it locks the request,
checks that this person may record this now, validates, saves and writes an audit event with what
changed. A page that saves several records calls one function that saves them together.
"""

from datetime import date

import pghistory
from django.db import transaction
from django.utils import timezone

from audit.services import changed, record_event, snapshot
from cases.census_rules import contradictory_factors, unknown_codes
from cases.models import Child
from conferences import actions
from conferences.actions import ChallengeStep, Record
from conferences.dates import check_request_dates
from conferences.errors import ActionRefused, NotFound, NotPermitted, RequestChanged
from conferences.models import (
    OPEN_STATES,
    SCREENING_TIMESCALE_WEEKS,
    Challenge,
    ChallengeTrigger,
    ConferenceRequest,
    ProposedService,
    SiblingDecision,
)
from conferences.permissions import challenge_refusal, may_start_request
from conferences.requirements import why_no_challenge_asked
from conferences.transitions import locked_request


def start_blocker(child: Child) -> str | None:
    """Why no request can be started for the child now, whoever asks; None when one can."""
    existing = child.conference_requests.filter(state__in=OPEN_STATES).first()
    if existing:
        return f"The child already has an open request (request {existing.pk})."
    if child.plans.filter(end_date__isnull=True).exists():
        return "The child is on a CP plan now: that calls for a review conference, not a new request."
    return None


def start_request(child: Child, user) -> ConferenceRequest:
    """A social worker, practice lead or team manager starts a draft request for a child they hold."""
    if not may_start_request(user, child):
        raise NotPermitted("Only the child's team can start a conference request.")
    with transaction.atomic(durable=True), pghistory.context(user=user.pk, action=actions.START_REQUEST.event):
        Child.objects.select_for_update().get(pk=child.pk)
        blocker = start_blocker(child)
        if blocker:
            raise ActionRefused(blocker)
        request = ConferenceRequest.objects.create(child=child, created_by=user)
        record_event(user, actions.START_REQUEST.event, request=request, state_after=request.state)
        return request


def _update(request, user, record: Record, values: dict, *, validate=None):
    """Record `values` on a request already locked by this action's transaction."""
    with pghistory.context(user=user.pk, action=record.event):
        refusal = record.refusal(user, request)
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
                record.event,
                request=request,
                before=old,
                after=new,
                state_before=request.state,
                state_after=request.state,
            )
        return request


def _codes_valid(request, values):
    bad = unknown_codes(values.get("proposed_categories", []), values.get("proposed_factors", []))
    if bad:
        return [f"Unknown census code(s): {', '.join(bad)}."]
    contradiction = contradictory_factors(values.get("proposed_factors", []))
    if contradiction:
        raise ActionRefused(f"{contradiction}.", field_errors={"factors": [f"{contradiction}."]})
    return []


def _dates_valid(names):
    """A record's validation of its typed dates (conferences/dates.py): `names` maps each model field to the
    name it is typed in, so a refusal lands on the field."""

    def validate(request, values):
        check_request_dates(request, {field: values[field] for field in names}, names=names)
        return []

    return validate


def _all(*checks):
    return lambda request, values: [problem for check in checks for problem in check(request, values)]


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
        actions.PROPOSAL,
        {
            "reason": reason.strip(),
            "proposed_categories": sorted(set(categories)),
            "proposed_factors": sorted(set(factors)),
            "strategy_discussion_date": strategy_discussion_date,
        },
        validate=_all(_codes_valid, _dates_valid({"strategy_discussion_date": "strategy_discussion_date"})),
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
        refusal = actions.PROPOSED_SERVICES.refusal(user, request)
        if refusal:
            raise NotPermitted(refusal)
        before = sorted(request.proposed_services.values_list("name", flat=True))
        request.proposed_services.exclude(name__in=names).delete()
        for name in names:
            ProposedService.objects.get_or_create(request=request, name=name)
        if before != names:
            record_event(
                user,
                actions.PROPOSED_SERVICES.event,
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
        refusal = actions.SERVICE_RATIONALE.refusal(user, request)
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
                user, actions.SERVICE_RATIONALE.event, request=request, description=service.name, before=old, after=new
            )
        return service


def record_partners_informed(
    request_id, user, *, informed_on: date, context: str, expected_state=None, expected_version=None
):
    with locked_request(request_id, expected_state, expected_version) as request:
        return _record_partners_informed(request, user, informed_on, context)


def _record_partners_informed(request, user, informed_on, context):
    return _update(
        request,
        user,
        actions.PARTNERS_INFORMED,
        {"partners_informed_on": informed_on, "partners_informed_context": context.strip()},
        validate=_dates_valid({"partners_informed_on": "partners_informed_on"}),
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
        actions.ANALYSIS,
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
            actions.CP_CHAIR_CONVERSATION,
            {"cp_chair_conversation": conversation.strip(), "cp_chair_conversation_on": held_on},
            validate=_dates_valid({"cp_chair_conversation_on": "held_on"}),
        )


def record_cp_manager_consultation(request_id, user, *, consultation, expected_state=None, expected_version=None):
    with locked_request(request_id, expected_state, expected_version) as request:
        return _update(
            request,
            user,
            actions.CP_MANAGER_CONSULTATION,
            {"cp_manager_consultation": consultation.strip(), "cp_manager_consulted_by": user},
        )


def record_screening(
    request_id,
    user,
    *,
    difference,
    timescale_weeks,
    expected_state=None,
    expected_version=None,
):
    def validate(request, values):
        weeks = values["screening_timescale_weeks"]
        allowed = SCREENING_TIMESCALE_WEEKS
        if weeks is not None and weeks not in allowed:
            return [f"The timescale must be between {allowed[0]} and {allowed[-1]} weeks."]
        return []

    with locked_request(request_id, expected_state, expected_version) as request:
        return _update(
            request,
            user,
            actions.SCREENING,
            {
                "screening_difference": difference.strip(),
                "screening_timescale_weeks": timescale_weeks,
            },
            validate=validate,
        )


def record_challenge_not_issued(request_id, user, *, reason, expected_state=None, expected_version=None):
    """R11: the CP chair records why no challenge and resolution is issued, instead of issuing one."""

    def validate(request, values):
        if not why_no_challenge_asked(request):
            return ["A challenge and resolution is issued: there is no reason to record for not issuing one."]
        return [] if values["challenge_not_issued_reason"] else ["Write why no challenge and resolution is issued."]

    with locked_request(request_id, expected_state, expected_version) as request:
        return _update(
            request,
            user,
            actions.CHALLENGE_NOT_ISSUED,
            {"challenge_not_issued_reason": reason.strip()},
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
        refusal = actions.SIBLING_DECISION.refusal(user, request)
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
            actions.SIBLING_DECISION.event,
            request=request,
            after={"sibling": sibling_id, "include_in_conference": include, "reason": reason.strip()},
        )
        return decision


def issue_challenge(
    request_id, user, *, triggers, challenge, response_due: date, expected_state=None, expected_version=None
):
    """R11: the CPC issues a challenge and resolution; it runs beside the request."""
    with locked_request(request_id, expected_state, expected_version) as request, pghistory.context(user=user.pk):
        refusal = actions.ISSUE_CHALLENGE.refusal(user, request)
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
            actions.ISSUE_CHALLENGE.event,
            request=request,
            challenge=issued,
            state_after=issued.state,
            after={"triggers": issued.triggers, "response_due": str(response_due)},
        )
        return issued


def _challenge_step(challenge_id, user, step: ChallengeStep, text, *, expected_state=None):
    with transaction.atomic(durable=True), pghistory.context(user=user.pk, action=step.event):
        try:
            challenge = Challenge.objects.select_for_update().select_related("request__child").get(pk=challenge_id)
        except Challenge.DoesNotExist:
            raise NotFound("The challenge does not exist.") from None
        if expected_state and challenge.state != expected_state:
            raise RequestChanged("The challenge changed while you were looking at it. Look at it again.")
        refusal = challenge_refusal(user, challenge, step.name)
        if refusal:
            raise NotPermitted(refusal)
        if not text.strip():
            raise ActionRefused(step.text_needed)
        state_before = challenge.state
        if state_before not in step.source:
            raise ActionRefused(f"The challenge is '{challenge.get_state_display()}': it cannot be {step.past} now.")
        setattr(challenge, step.text_field, text.strip())
        setattr(challenge, step.stamp_by, user)
        setattr(challenge, step.stamp_at, timezone.now())
        getattr(challenge, step.name)()
        challenge.save()
        record_event(
            user,
            step.event,
            request=challenge.request,
            challenge=challenge,
            state_before=state_before,
            state_after=challenge.state,
            after={step.text_field: text.strip()},
        )
        return challenge


def respond_to_challenge(challenge_id, user, *, response, expected_state=None):
    return _challenge_step(challenge_id, user, actions.RESPOND, response, expected_state=expected_state)


def resolve_challenge(challenge_id, user, *, resolution, expected_state=None):
    return _challenge_step(challenge_id, user, actions.RESOLVE, resolution, expected_state=expected_state)


def escalate_challenge(challenge_id, user, *, resolution, expected_state=None):
    return _challenge_step(challenge_id, user, actions.ESCALATE, resolution, expected_state=expected_state)
