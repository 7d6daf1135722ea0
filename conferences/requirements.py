"""What each transition needs recorded before it may happen: the one place for these conditions.

`missing_for(request, name)` lists, in words a worker can act on, every fact still missing: it asks
the transition's declaration (conferences/actions.py), which names the checks below. The FSM's
conditions, the service functions, the pages' "still required" panel and the API all ask it; the
assessment decides which of the rules' steps apply. This module imports no model at load, so the
declarations (and the models that read them) may import it.
"""

from conferences import assessment as steps
from conferences.assessment import AssessmentError
from conferences.selectors import gating_assessment
from conferences.stages import OPEN_STATES, State


def _assessment_or_problem(request):
    try:
        return gating_assessment(request), None
    except AssessmentError as error:
        return None, f"The child's plan history cannot be assessed: {error}"


def _proposal_missing(request) -> list[str]:
    missing = []
    if not request.proposed_categories:
        missing.append("Choose at least one proposed category of abuse.")
    if not request.proposed_factors:
        missing.append("Choose at least one assessment factor (21 if none were identified).")
    if not request.proposed_services.exists():
        missing.append("Add the services proposed for the plan.")
    if not request.reason.strip():
        missing.append("Give the reason for the request.")
    return missing


def _other_open_request(request) -> bool:
    from conferences.models import ConferenceRequest

    return (
        ConferenceRequest.objects.filter(child_id=request.child_id, state__in=OPEN_STATES)
        .exclude(pk=request.pk)
        .exclude(state=State.DRAFT)
        .exists()
    )


def _sibling_missing(request) -> list[str]:
    decided = set(request.sibling_decisions.values_list("sibling_id", flat=True))
    undecided = [sibling for sibling in request.child.siblings() if sibling.pk not in decided]
    return [f"Record whether {sibling.full_name} should also be subject of the conference." for sibling in undecided]


def step_missing(request, step, assessment) -> list[str]:
    """What is missing for one of the assessment's required steps (names as in DESIGN.md section 3)."""
    if step == steps.PRIOR_PLAN_CHECK:
        from conferences.models import HistorySource

        if not set(HistorySource) <= set(request.sources_checked):
            return ["Check the child's CP history in this council's records and in other councils' (CP-IS)."]
        return []
    if step == steps.SIBLING_CONSIDERATION:
        return _sibling_missing(request)
    if step in (steps.MANAGER_DISCUSSION, steps.SERVICE_MANAGER_RATIONALE):
        if not (request.manager_rationale.strip() and request.alternatives_considered):
            return ["The Area or Service Manager must record the alternatives considered and the rationale."]
        return []
    if step == steps.PARTNERS_INFORMED:
        if not (request.partners_informed_on and request.partners_informed_context.strip()):
            return ["Record when partners were told of the previous plan, with its timeframe and context."]
        return []
    if step == steps.REPEAT_ANALYSIS:
        points = {
            "the time since the previous plan ended": request.analysis_time_since,
            "the length of the previous plan": request.analysis_plan_length,
            "whether the risks are the same or new": request.analysis_risks,
            "the services: what was done and what will be different": request.analysis_services,
        }
        return [f"Write the analysis of {point}." for point, text in points.items() if not text.strip()]
    if step == steps.REPEATED_SERVICE_RATIONALE:
        repeated = set(assessment.repeated_services)
        return [
            f"Give the rationale and expected impact for repeating '{service.name}'."
            for service in request.proposed_services.all()
            if service.name.strip() in repeated
            and not (service.repeat_rationale.strip() and service.expected_impact.strip())
        ]
    if step == steps.CP_CHAIR_CONVERSATION:
        return [] if request.cp_chair_conversation.strip() else ["Record the conversation with the CP chair."]
    if step == steps.CP_MANAGER_CONSULTATION:
        return [] if request.cp_manager_consultation.strip() else ["Record the consultation with the CP Manager."]
    if step == steps.CPC_SCREENING:
        missing = []
        if not request.screening_difference.strip():
            missing.append("Record the difference the plan will make compared with alternatives.")
        if not request.screening_timescale_weeks:
            missing.append("Record the timescale within which the plan should reduce the risk.")
        return missing
    if step == steps.CHALLENGE_AND_RESOLUTION:
        if why_no_challenge_asked(request) and not request.challenge_not_issued_reason.strip():
            return ["Issue a challenge and resolution, or record why not."]
        return []
    if step == steps.HEAD_OF_SERVICE_SIGNOFF:
        return _head_of_service_missing(request)
    raise ValueError(f"unknown step {step!r}")


def why_no_challenge_asked(request) -> bool:
    """Where the history shows a reason for challenge (the assessment requires the step), the CP chair issues
    a challenge or records why not: the reason is asked for only while no challenge is issued."""
    return not request.challenges.exists()


def _head_of_service_missing(request) -> list[str]:
    missing = []
    if not request.head_of_service_grounds:
        missing.append(
            "Choose the ground: the risks are significantly different, or the child's circumstances have "
            "substantially changed."
        )
    if not request.head_of_service_rationale.strip():
        missing.append("Give the Head of Service's rationale.")
    return missing


# What each transition needs beyond the assessment's steps: conferences/actions.py names these in its
# declarations, and `missing_for` asks the declaration.


def proposal_complete(request) -> list[str]:
    """submit: the proposal, no other open request for the child, and a history that can be assessed."""
    missing = _proposal_missing(request)
    if _other_open_request(request):
        missing.append("The child already has an open conference request.")
    if request.proposed_categories:
        assessment, problem = _assessment_or_problem(request)
        if problem:
            missing.append(problem)
    return missing


def reason_given(request) -> list[str]:
    return [] if request.decision_reason.strip() else ["Give the reason."]


def questions_written(request) -> list[str]:
    return [] if request.returned_questions.strip() else ["Write the questions the worker must answer."]


def conference_outcome_given(request) -> list[str]:
    """record_conference: the date, the outcome and, for a plan, its category, first review and chair; a reason
    when the conference was held outside the statutory 15 working days."""
    from conferences.dates import outside_statutory_timescale
    from conferences.models import ConferenceOutcome

    missing = []
    if not request.conference_held_on:
        missing.append("Enter the date the conference was held.")
    elif outside_statutory_timescale(request, request.conference_held_on) and not request.conference_late_reason:
        missing.append("The conference was held outside 15 working days of the strategy discussion: give the reason.")
    if not request.conference_outcome:
        missing.append("Say whether a child protection plan was made.")
    elif request.conference_outcome == ConferenceOutcome.CP_PLAN:
        if not request.plan_category:
            missing.append("Choose the plan's category of abuse.")
        if not request.first_review_due:
            missing.append("Enter the date of the first review conference.")
        if not request.conference_chair_id:
            missing.append("Choose who chaired the conference.")
    return missing


def route_and_rationale_given(request) -> list[str]:
    missing = []
    if not request.alternative_route:
        missing.append("Choose the alternative route.")
    if not request.manager_rationale.strip():
        missing.append("Give the rationale for the decision.")
    return missing


def history_shows_a_previous_plan(request, assessment) -> list[str]:
    if not assessment.is_repeat:
        return ["The child has no previous plan on record: confirm that there is none."]
    return []


def history_checked_since_it_changed(request) -> list[str]:
    """Nothing moves on a request whose child's history changed after submission until a CP chair
    has confirmed the prior-plan check again."""
    if request.history_changed_at is None:
        return []
    return [
        "The child's CP plan history changed after the request was submitted: a CP chair must confirm "
        "the prior-plan check again before the request goes any further."
    ]


def history_changed_since_check(request) -> list[str]:
    """The prior-plan check is confirmed again only when the history changed since it was confirmed."""
    if request.history_changed_at is None:
        return ["The child's CP plan history has not changed since the prior-plan check."]
    return []


def history_shows_no_previous_plan(request, assessment) -> list[str]:
    if assessment.is_repeat:
        return [f"The child has {assessment.previous_plans} previous plan(s): this is a repeat request."]
    return []


def missing_for(request, name) -> list[str]:
    """Every fact still missing before transition `name` may happen to `request`; empty when it may."""
    from conferences.actions import ACTIONS

    return ACTIONS[name].missing(request)


def missing_in_steps(request, checks, history_needs=()) -> list[str]:
    """What the assessment's required steps among `checks` still lack, after `history_needs` hold."""
    assessment, problem = _assessment_or_problem(request)
    if problem:
        return [problem]
    for need in history_needs:
        refused = need(request, assessment)
        if refused:
            return refused
    required = set(assessment.required_steps)
    missing = []
    for step in checks:
        if step in required:
            missing += step_missing(request, step, assessment)
    return missing


def outstanding_steps(request) -> dict[str, list[str]]:
    """For the request page: each step the assessment requires, with what it still lacks."""
    assessment, problem = _assessment_or_problem(request)
    if problem:
        return {"history": [problem]}
    return {step: step_missing(request, step, assessment) for step in assessment.required_steps}
