"""Reading a review conference's facts in the shape the step-down check takes (conferences/step_down.py)."""

from cases.models import CPPlan, Engagement
from conferences.family import family_history, sibling_plan_records
from conferences.step_down import Ending, StepDownCheck, step_down_check
from reviews.models import ReviewConference, ReviewState
from reviews.permissions import chair_refusal


def plan_number(plan: CPPlan) -> int:
    """Which of the child's plans this is, counting plans known only from a census declaration.

    DESIGN.md section 3's count, taken at this plan: the recorded plans that started before it,
    raised where the census declared more for it or for an earlier plan.
    """
    earlier = sorted(
        (other for other in plan.child.plans.all() if other.start_date < plan.start_date), key=lambda p: p.start_date
    )
    recorded = [*earlier, plan]
    k = len(earlier)
    previous = max(
        [k, *((p.declared_previous_plans or 0) + k - i for i, p in enumerate(recorded) if p.declared_previous_plans)]
    )
    return previous + 1


def services_not_engaged(plan: CPPlan) -> tuple[str, ...]:
    return tuple(service.name for service in plan.services.all() if service.engagement == Engagement.NOT_ENGAGED)


def ending_of(review) -> Ending:
    plan = review.plan
    return Ending(
        start=plan.start_date,
        end=review.held_on,
        outstanding_actions=review.actions.count(),
        core_group_actions_not_implemented=bool(review.core_group_actions_not_implemented),
        services_not_engaged=services_not_engaged(plan),
        plan_number=plan_number(plan),
        sibling_plans=sibling_plan_records(family_history(plan.child, review.held_on)),
    )


def check_of(review) -> StepDownCheck:
    return step_down_check(ending_of(review))


def reviews_context(user, child, current_plan) -> dict:
    """The child's page: the current plan's review conferences, and whether this person may record one."""
    reviews = []
    if current_plan is not None:
        reviews = list(current_plan.reviews.select_related("chair"))
    ended = list(
        ReviewConference.objects.filter(plan__child=child, state=ReviewState.ENDED).select_related("plan", "chair")
    )
    return {
        "current_plan": current_plan,
        "current_reviews": reviews,
        "ending_reviews": ended,
        "may_record_review": current_plan is not None and chair_refusal(user, child) is None,
    }
