"""The request's transitions as business actions: the only way a request changes stage.

Each transition is declared once in conferences/actions.py; the functions here take them. Each owns
its transaction (durable: callers cannot nest it), locks the request's row before reading anything it
decides on, checks that the request is still as the person saw it, that the person may take it, records
the decision's facts, checks that everything the declaration needs is there, moves the state machine
and writes one audit event under the declared event name. Any refusal rolls the whole action back.
"""

import copy
from contextlib import contextmanager

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from audit.services import changed, record_event, snapshot
from cases.codes import CATEGORIES_OF_ABUSE
from cases.models import PlanSource
from cases.plans import plan_start_at_conference
from conferences import actions
from conferences import requirements as needs
from conferences.actions import ACTIONS as ACTIONS  # the declarations by name, for callers listing them
from conferences.actions import Transition
from conferences.assessment import AssessmentError
from conferences.dates import check_request_dates, outside_statutory_timescale
from conferences.errors import ActionRefused, NotFound, NotPermitted, RequestChanged, StaleVersion
from conferences.models import (
    AlternativeRoute,
    ConferenceOutcome,
    ConferenceRequest,
    HeadOfServiceGround,
    HistorySource,
)
from conferences.selectors import assessment_for, changes_since, gating_assessment
from conferences.stages import State
from conferences.timescales import default_first_review, latest_first_review
from limits.dates import long_date
from people.roles import Role, role_of


@contextmanager
def locked_request(request_id, expected_state=None, expected_version=None):
    """One action's own transaction, with the request row-locked and at the stage the person saw.

    Durable: a caller cannot wrap two actions in one transaction, so each action commits (and tells
    people) on its own; an action that does several things is one service that takes the lock once.
    Everything an action decides on is read after this lock is taken.
    """
    with transaction.atomic(durable=True):
        yield lock_request(request_id, expected_state, expected_version)


def lock_request(request_id, expected_state=None, expected_version=None) -> ConferenceRequest:
    """Inside an action's transaction: the request row-locked, refused if it moved on from what the person saw."""
    try:
        request = ConferenceRequest.objects.select_for_update().select_related("child").get(pk=request_id)
    except ConferenceRequest.DoesNotExist:
        raise NotFound("The request does not exist.") from None
    if expected_state and request.state != expected_state:
        raise RequestChanged(
            f"The request changed while you were looking at it: it is now at "
            f"'{request.get_state_display()}'. Look at it again before you act."
        )
    # The version catches what the stage cannot: a request that went back and came round to the same
    # stage again, or a record rewritten by someone else since the page was opened.
    if expected_version is not None and request.version != int(expected_version):
        raise StaleVersion(
            "Someone saved this request after you opened it. What changed is shown below and your "
            "own answers are kept: check them against the changes, then send them again.",
            seen_version=int(expected_version),
            version=request.version,
            changes=changes_since(request, int(expected_version)),
        )
    return request


def _transition(
    request_id, user, action, *, expected_state=None, expected_version=None, facts=None, args=(), description=""
):
    with locked_request(request_id, expected_state, expected_version) as request:
        return _take(request, user, action, facts=facts, args=args, description=description)


def _take(request, user, action: Transition, *, facts=None, args=(), description=""):
    """Take a declared transition on a request already locked by this action's transaction."""
    facts = facts or {}
    with pghistory.context(user=user.pk, action=action.event):
        refusal = action.refusal(user, request)
        if refusal:
            raise NotPermitted(refusal)
        before = snapshot(request, facts)
        for field, value in facts.items():
            setattr(request, field, value)
        missing = action.missing(request)
        if missing:
            raise ActionRefused(missing)
        state_before = request.state
        try:
            getattr(request, action.name)(*args)
            request.stage_entered_at = timezone.now()
            request.save()
        except (TransitionNotAllowed, ConcurrentTransition):
            raise RequestChanged(
                "The request changed while you were looking at it. Look at it again before you act."
            ) from None
        old, new = changed(before, snapshot(request, facts))
        record_event(
            user,
            action.event,
            request=request,
            description=description,
            state_before=state_before,
            state_after=request.state,
            before=old,
            after=new,
        )
        return request


def submit(request_id, user, *, expected_state=None, expected_version=None):
    """The request goes in with the assessment it rests on stored beside it (stricter, on a resubmission,
    than the one it went in with before: conferences.assessment.stricter)."""
    with locked_request(request_id, expected_state, expected_version) as request:
        facts = {"submitted_by": user, "submitted_at": timezone.now()}
        try:
            facts["assessed_at_submission"] = gating_assessment(request).to_dict()
        except AssessmentError:
            pass  # the declaration's needs refuse it, saying why the history cannot be assessed
        return _take(request, user, actions.SUBMIT, facts=facts)


def confirm_prior_plan_check(request_id, user, *, sources_checked, expected_state=None, expected_version=None):
    """R1. Whether the child had a previous plan follows from the history on record, not from a choice.

    At the prior-plan check, the worker confirms it; later, after the child's history changed, a CP
    chair confirms it again on the history as it is now, and the request rests on the stricter of the
    two assessments from then on.
    """
    sources = sorted({HistorySource(source) for source in sources_checked})
    with locked_request(request_id, expected_state, expected_version) as request:
        assessment = _assessed(request)
        facts = {
            "sources_checked": sources,
            "prior_plan_checked_by": user,
            "prior_plan_checked_at": timezone.now(),
            "assessed_at_submission": assessment.to_dict(),
            "history_changed_at": None,
        }
        if request.state != State.PRIOR_PLAN_CHECK:
            refusal = actions.RECONFIRM_PRIOR_PLAN_CHECK.refusal(user, request)
            if refusal:
                raise NotPermitted(refusal)
            unchanged = needs.history_changed_since_check(request)
            if unchanged:
                raise ActionRefused(unchanged)
            return _take(request, user, actions.RECONFIRM_PRIOR_PLAN_CHECK, facts=facts, args=(request, assessment))
        found = assessment.is_repeat
        return _take(
            request, user, actions.CONFIRM_PREVIOUS_PLAN if found else actions.CONFIRM_NO_PREVIOUS_PLAN, facts=facts
        )


def _assessed(request):
    """The assessment gating a locked request, or a refusal when its history cannot be assessed."""
    try:
        return gating_assessment(request)
    except AssessmentError as error:
        raise ActionRefused(f"The child's plan history cannot be assessed: {error}") from None


def proceed(request_id, user, *, alternatives_considered, rationale, expected_state=None, expected_version=None):
    """R2 and R8: the manager records the alternatives considered and the rationale for another plan."""
    return _transition(
        request_id,
        user,
        actions.PROCEED,
        expected_state=expected_state,
        expected_version=expected_version,
        facts={
            "alternatives_considered": sorted({AlternativeRoute(a) for a in alternatives_considered}),
            "manager_rationale": rationale.strip(),
            "manager_decided_by": user,
            "manager_decided_at": timezone.now(),
        },
    )


def choose_alternative_route(
    request_id, user, *, route, alternatives_considered, rationale, expected_state=None, expected_version=None
):
    route = AlternativeRoute(route) if route else ""
    return _transition(
        request_id,
        user,
        actions.CHOOSE_ALTERNATIVE_ROUTE,
        expected_state=expected_state,
        expected_version=expected_version,
        facts={
            "alternative_route": route,
            "alternatives_considered": sorted({AlternativeRoute(a) for a in alternatives_considered} | {route} - {""}),
            "manager_rationale": rationale.strip(),
            "manager_decided_by": user,
            "manager_decided_at": timezone.now(),
        },
    )


def return_for_information(request_id, user, *, questions, expected_state=None, expected_version=None):
    return _transition(
        request_id,
        user,
        actions.RETURN_FOR_INFORMATION,
        expected_state=expected_state,
        expected_version=expected_version,
        facts={"returned_questions": questions.strip(), "decision_reason": questions.strip()},
    )


def decline(request_id, user, *, reason, expected_state=None, expected_version=None):
    return _transition(
        request_id,
        user,
        actions.DECLINE,
        expected_state=expected_state,
        expected_version=expected_version,
        facts={"decision_reason": reason.strip()},
    )


def accept(request_id, user, *, expected_state=None, expected_version=None):
    """The CPC accepts: to be convened for a second plan, to the Head of Service for a third or later."""
    with locked_request(request_id, expected_state, expected_version) as request:
        facts = {"screened_by": user, "screened_at": timezone.now()}
        return _take(request, user, actions.ACCEPT, facts=facts, args=(_assessed(request),))


def agree(request_id, user, *, grounds, rationale, expected_state=None, expected_version=None):
    """R10: only on the ground that the risks are significantly different or circumstances substantially changed."""
    return _transition(
        request_id,
        user,
        actions.AGREE,
        expected_state=expected_state,
        expected_version=expected_version,
        facts={
            "head_of_service_grounds": sorted({HeadOfServiceGround(g) for g in grounds}),
            "head_of_service_rationale": rationale.strip(),
            "head_of_service_decided_by": user,
        },
    )


def refuse(request_id, user, *, reason, expected_state=None, expected_version=None):
    return _transition(
        request_id,
        user,
        actions.REFUSE,
        expected_state=expected_state,
        expected_version=expected_version,
        facts={"decision_reason": reason.strip(), "head_of_service_decided_by": user},
    )


def record_conference(
    request_id,
    user,
    *,
    held_on,
    outcome,
    category="",
    first_review_due=None,
    chair=None,
    late_reason="",
    expected_state=None,
    expected_version=None,
):
    """The initial conference and what it decided. A plan made there starts on the conference's date and is
    written to the child's history in this same action (cases/plans.py), with the proposed factors and
    services, so the child's record, the indicators and the next request's assessment all see it. Without a
    first review date, the last working day within 3 months is taken; the chair defaults to the person recording
    it. No plan: the outcome (a Child in Need plan, or no further action) is recorded."""
    outcome = ConferenceOutcome(outcome) if outcome else ""
    made = outcome == ConferenceOutcome.CP_PLAN
    with locked_request(request_id, expected_state, expected_version) as request:
        refusal = actions.RECORD_CONFERENCE.refusal(user, request)
        if refusal:
            raise NotPermitted(refusal)
        check_request_dates(request, {"conference_held_on": held_on}, names={"conference_held_on": "held_on"})
        if made:
            chair = chair or user
            _check_plan_facts(request, held_on, category, first_review_due, chair)
            if held_on and first_review_due is None:
                first_review_due = default_first_review(held_on)
        late = outside_statutory_timescale(request, held_on)
        facts = {
            "conference_held_on": held_on,
            "conference_outcome": outcome,
            "plan_category": category if made else "",
            "first_review_due": first_review_due if made else None,
            "conference_chair": chair if made else None,
            "conference_late_reason": late_reason.strip() if late else "",
        }
        if made and not actions.RECORD_CONFERENCE.missing(_with(request, facts)):
            facts["plan"] = _start_plan(request, user, held_on, category)
        return _take(request, user, actions.RECORD_CONFERENCE, facts=facts)


def _with(request, facts):
    """The request as it would be with `facts`, to ask what is missing before writing anything."""
    proposed = copy.copy(request)
    for field, value in facts.items():
        setattr(proposed, field, value)
    return proposed


def _check_plan_facts(request, held_on, category, first_review_due, chair):
    problems = {}
    if category and category not in CATEGORIES_OF_ABUSE:
        problems["category"] = f"Choose one of the categories of abuse: {', '.join(CATEGORIES_OF_ABUSE)}."
    if held_on and first_review_due:
        latest = latest_first_review(held_on)
        if not held_on < first_review_due <= latest:
            problems["first_review_due"] = (
                f"The date of the first review conference must be after the conference and on or before "
                f"{long_date(latest)}, 3 months after it."
            )
    if role_of(chair) != Role.CP_CHAIR:
        problems["chair"] = "The conference is chaired by a CP chair: choose one."
    if problems:
        raise ActionRefused(list(problems.values()), field_errors={k: [v] for k, v in problems.items()})


def _previous_plans_on(request, day):
    """The child's previous plans on the conference's day: the new plan's NumberOfPreviousCPP."""
    try:
        return assessment_for(request, on_date=day).previous_plans
    except AssessmentError as error:
        raise ActionRefused(f"The child's plan history cannot be assessed: {error}") from None


def _start_plan(request, user, held_on, category):
    """The plan the conference made, on the child's record; a census rule it breaks is the date's problem."""
    values = {
        "start_date": held_on,
        "initial_category": category,
        "latest_category": category,
        "assessment_factors": sorted(request.proposed_factors),
        "declared_previous_plans": _previous_plans_on(request, held_on),
        "source": PlanSource.CONFERENCE,
        "source_date": held_on,
    }
    services = [service.name for service in request.proposed_services.all()]
    try:
        return plan_start_at_conference(
            child=request.child,
            user=user,
            values=values,
            services=services,
            description=f"Made at the initial conference (request {request.pk})",
        )
    except ValidationError as error:
        problems = [message for messages in error.message_dict.values() for message in messages]
        raise ActionRefused(problems, field_errors={"held_on": problems}) from None


def withdraw(request_id, user, *, reason, expected_state=None, expected_version=None):
    return _transition(
        request_id,
        user,
        actions.WITHDRAW,
        expected_state=expected_state,
        expected_version=expected_version,
        facts={"decision_reason": reason.strip()},
    )


def available_actions(request, user) -> list[str]:
    """The names of the transitions this person may take on this request now (facts or not)."""
    return [action.name for action in actions.available_to(user, request)]
