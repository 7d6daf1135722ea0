"""Review conferences and ending a plan: the only way a review is recorded or a plan ended here.

Each service runs in one transaction, locks the row it decides on before reading it, checks who
is acting (reviews/permissions.py), and writes one audit event. Ending a plan writes the plan's
end date, how it ended and what was outstanding from the review's record, so the next request's
assessment and its challenge triggers (conferences/assessment.py) see them.
"""

from datetime import date

import pghistory
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import record_event
from cases.census_rules import plan_date_violations
from cases.models import CPPlan, HowPlanEnded
from conferences.errors import ActionRefused, NotPermitted, RequestChanged
from reviews.models import OPEN_ENDING_STATES, ReviewConference, ReviewDecision, ReviewState, StepDownAction
from reviews.permissions import agreement_refusal, chair_refusal
from reviews.selectors import check_of

# Trail event names.
RECORD_REVIEW = "record_review_conference"
ADD_STEP_DOWN_ACTION = "add_step_down_action"
REMOVE_STEP_DOWN_ACTION = "remove_step_down_action"
RECORD_STEP_DOWN_PLAN = "record_step_down_plan"
END_PLAN = "end_plan"
PROPOSE_ENDING = "propose_plan_ending"
AGREE_ENDING = "agree_plan_ending"
REFUSE_ENDING = "refuse_plan_ending"


def _locked_plan(plan_id) -> CPPlan:
    try:
        return CPPlan.objects.select_for_update(of=("self",)).select_related("child__team").get(pk=plan_id)
    except CPPlan.DoesNotExist:
        raise ActionRefused("The plan does not exist.") from None


def _locked_review(review_id, expected_state=None) -> ReviewConference:
    try:
        review = (
            ReviewConference.objects.select_for_update(of=("self",))
            .select_related("plan__child__team")
            .get(pk=review_id)
        )
    except ReviewConference.DoesNotExist:
        raise ActionRefused("The review conference does not exist.") from None
    if expected_state and review.state != expected_state:
        raise RequestChanged(
            f"The review changed while you were looking at it: it is now '{review.get_state_display()}'. "
            "Look at it again before you act."
        )
    return review


def record_review(plan_id, user, *, held_on: date | None, decision: str) -> ReviewConference:
    """A review conference on a current plan: continue it, or start preparing its ending."""
    with transaction.atomic(), pghistory.context(user=user.pk, action=RECORD_REVIEW):
        plan = _locked_plan(plan_id)
        refusal = chair_refusal(user, plan.child)
        if refusal:
            raise NotPermitted(refusal)
        problems = []
        if plan.end_date is not None:
            problems.append("The plan has ended: a review conference is held on a current plan.")
        if decision not in ReviewDecision.values:
            problems.append("Choose whether the plan continues or ends.")
        if held_on is None:
            problems.append("Enter the date of the review conference.")
        elif held_on > timezone.localdate():
            problems.append("The date of the review conference cannot be in the future.")
        elif held_on <= plan.start_date:
            problems.append(f"The review conference must be after the plan started ({plan.start_date:%-d %B %Y}).")
        if decision == ReviewDecision.END and plan.reviews.filter(state__in=OPEN_ENDING_STATES).exists():
            problems.append("An ending of this plan is already being prepared: carry on with that one.")
        if problems:
            raise ActionRefused(problems)
        # A decision to continue is complete as recorded; an ending starts being prepared.
        state = ReviewState.CONTINUED if decision == ReviewDecision.CONTINUE else ReviewState.PREPARING
        review = ReviewConference.objects.create(plan=plan, held_on=held_on, chair=user, decision=decision, state=state)
        record_event(
            user,
            RECORD_REVIEW,
            child=plan.child,
            description=f"Review conference on {held_on:%-d %B %Y}: {review.get_decision_display().lower()}",
            state_after=review.state,
            after={"review": review.pk, "plan": plan.pk, "held_on": held_on.isoformat(), "decision": decision},
        )
        return review


def _preparing(review_id, user, expected_state=ReviewState.PREPARING) -> ReviewConference:
    review = _locked_review(review_id, expected_state)
    if review.state != ReviewState.PREPARING:
        raise ActionRefused(f"The ending is '{review.get_state_display()}': it cannot be changed now.")
    refusal = chair_refusal(user, review.plan.child)
    if refusal:
        raise NotPermitted(refusal)
    return review


def add_step_down_action(review_id, user, *, action: str, owner: str, due_by: date | None) -> StepDownAction:
    """An action still outstanding at the ending, with who owns it and by when."""
    with transaction.atomic(), pghistory.context(user=user.pk, action=ADD_STEP_DOWN_ACTION):
        review = _preparing(review_id, user)
        problems = []
        if not action.strip():
            problems.append("Describe the action that is outstanding.")
        if not owner.strip():
            problems.append("Enter who owns the action.")
        if due_by is None:
            problems.append("Enter the date the action is due by.")
        elif due_by < review.held_on:
            problems.append("The action cannot be due before the review conference.")
        if problems:
            raise ActionRefused(problems)
        added = StepDownAction.objects.create(review=review, action=action.strip(), owner=owner.strip(), due_by=due_by)
        record_event(
            user,
            ADD_STEP_DOWN_ACTION,
            child=review.plan.child,
            description=added.action,
            after={"review": review.pk, "action": added.action, "owner": added.owner, "due_by": due_by.isoformat()},
        )
        return added


def remove_step_down_action(review_id, user, *, action_id) -> None:
    with transaction.atomic(), pghistory.context(user=user.pk, action=REMOVE_STEP_DOWN_ACTION):
        review = _preparing(review_id, user)
        removed = review.actions.filter(pk=action_id).first()
        if removed is None:
            raise ActionRefused("That action is not part of this ending.")
        removed.delete()
        record_event(
            user,
            REMOVE_STEP_DOWN_ACTION,
            child=review.plan.child,
            description=removed.action,
            before={"review": review.pk, "action": removed.action, "owner": removed.owner},
        )


def record_step_down_plan(review_id, user, *, how_ended: str, core_group_actions_not_implemented: bool | None):
    """How the plan ends (the step-down plan: Child in Need or early help, or another ending) and the core group."""
    with transaction.atomic(), pghistory.context(user=user.pk, action=RECORD_STEP_DOWN_PLAN):
        review = _preparing(review_id, user)
        problems = []
        if how_ended not in HowPlanEnded.values:
            problems.append("Choose how the plan ends.")
        if core_group_actions_not_implemented is None:
            problems.append("Say whether the core group implemented the plan's services and actions.")
        if problems:
            raise ActionRefused(problems)
        review.how_ended = how_ended
        review.core_group_actions_not_implemented = core_group_actions_not_implemented
        review.save(update_fields=["how_ended", "core_group_actions_not_implemented"])
        record_event(
            user,
            RECORD_STEP_DOWN_PLAN,
            child=review.plan.child,
            description=review.get_how_ended_display(),
            after={
                "review": review.pk,
                "how_ended": how_ended,
                "core_group_actions_not_implemented": core_group_actions_not_implemented,
            },
        )
        return review


def _end_plan(review: ReviewConference) -> CPPlan:
    """Write the ending onto the plan; the plan's row is locked first and its census rules hold."""
    plan = _locked_plan(review.plan_id)
    if plan.end_date is not None:
        raise ActionRefused("The plan has already ended.")
    violations = plan_date_violations(plan.start_date, review.held_on)
    if violations:
        raise ActionRefused([str(v) for v in violations])
    plan.end_date = review.held_on
    plan.how_ended = review.how_ended
    plan.outstanding_actions_at_closure = review.actions.exists()
    plan.core_group_actions_not_implemented = bool(review.core_group_actions_not_implemented)
    try:
        with transaction.atomic():
            plan.save(
                update_fields=[
                    "end_date",
                    "how_ended",
                    "outstanding_actions_at_closure",
                    "core_group_actions_not_implemented",
                ]
            )
    except IntegrityError as error:
        raise ActionRefused(f"The plan cannot end on {review.held_on:%-d %B %Y}: {error}") from None
    return plan


def _plan_facts(plan: CPPlan) -> dict:
    return {
        "plan": plan.pk,
        "end_date": plan.end_date.isoformat(),
        "how_ended": plan.how_ended,
        "outstanding_actions_at_closure": plan.outstanding_actions_at_closure,
        "core_group_actions_not_implemented": plan.core_group_actions_not_implemented,
    }


def propose_ending(review_id, user, *, reason: str = "", expected_state=ReviewState.PREPARING) -> ReviewConference:
    """The chair ends the plan, or, when any step-down signal is present, asks the CP Manager to agree.

    With signals the chair must say why the plan should end all the same; the CP Manager reads it.
    """
    with transaction.atomic(), pghistory.context(user=user.pk, action=PROPOSE_ENDING):
        review = _preparing(review_id, user, expected_state)
        if not review.how_ended or review.core_group_actions_not_implemented is None:
            raise ActionRefused("Record the step-down plan and whether the core group implemented the plan first.")
        check = check_of(review)
        if check.needs_cp_manager and not reason.strip():
            raise ActionRefused("Say why the plan should end despite the step-down signals.")
        review.signals = list(check.signals)
        review.chair_reason = reason.strip()
        review.proposed_at = timezone.now()
        review.propose_ending(check.needs_cp_manager)
        plan_facts = {}
        if review.state == ReviewState.ENDED:
            plan_facts = _plan_facts(_end_plan(review))
        review.save()
        record_event(
            user,
            END_PLAN if review.state == ReviewState.ENDED else PROPOSE_ENDING,
            child=review.plan.child,
            description=review.chair_reason,
            state_before=ReviewState.PREPARING,
            state_after=review.state,
            after={"review": review.pk, "signals": review.signals, **plan_facts},
        )
        return review


def _cp_manager_decision(review_id, user, action, reason, expected_state):
    review = _locked_review(review_id, expected_state)
    if review.state != ReviewState.AWAITING_AGREEMENT:
        raise ActionRefused(f"The ending is '{review.get_state_display()}': there is nothing to agree now.")
    refusal = agreement_refusal(user, review)
    if refusal:
        raise NotPermitted(refusal)
    if not reason.strip():
        raise ActionRefused("Give the reason for your decision.")
    review.cp_manager = user
    review.cp_manager_reason = reason.strip()
    review.cp_manager_decided_at = timezone.now()
    getattr(review, action)()
    return review


def agree_ending(review_id, user, *, reason: str, expected_state=ReviewState.AWAITING_AGREEMENT) -> ReviewConference:
    """The CP Manager, never the chair who proposed it, agrees the ending: the plan ends."""
    with transaction.atomic(), pghistory.context(user=user.pk, action=AGREE_ENDING):
        review = _cp_manager_decision(review_id, user, "agree_ending", reason, expected_state)
        plan = _end_plan(review)
        review.save()
        record_event(
            user,
            AGREE_ENDING,
            child=review.plan.child,
            description=review.cp_manager_reason,
            state_before=ReviewState.AWAITING_AGREEMENT,
            state_after=review.state,
            after={"review": review.pk, "signals": review.signals, **_plan_facts(plan)},
        )
        return review


def refuse_ending(review_id, user, *, reason: str, expected_state=ReviewState.AWAITING_AGREEMENT) -> ReviewConference:
    """The CP Manager does not agree: the plan continues."""
    with transaction.atomic(), pghistory.context(user=user.pk, action=REFUSE_ENDING):
        review = _cp_manager_decision(review_id, user, "refuse_ending", reason, expected_state)
        review.save()
        record_event(
            user,
            REFUSE_ENDING,
            child=review.plan.child,
            description=review.cp_manager_reason,
            state_before=ReviewState.AWAITING_AGREEMENT,
            state_after=review.state,
            after={"review": review.pk, "signals": review.signals},
        )
        return review
