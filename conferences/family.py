"""The family's CP history: the plans of the other children in a child's family (R1, R12).

Read by the prior-plan check, the child's page, the request's sibling section and the step-down
check, so that a sibling's recent plan is flagged the same way everywhere
(conferences.step_down.is_recent_plan: current, or ended within 2 years). An unborn child,
known by an expected date of birth only, has no plans of their own: this is the history they have.
"""

from dataclasses import dataclass
from datetime import date

from audit.services import record_accesses
from cases.models import Child, CPPlan
from conferences.step_down import SiblingPlan, is_recent_plan


@dataclass(frozen=True)
class SiblingHistory:
    sibling: Child
    plans: list[CPPlan]
    recent: bool  # a plan current on the day, or ended within 2 years before it

    @property
    def current_plan(self) -> CPPlan | None:
        return next((plan for plan in self.plans if plan.end_date is None), None)


def _born_order(sibling: Child) -> tuple:
    """Eldest first, the unborn after the born (as PostgreSQL sorts a missing date)."""
    born, expected = sibling.date_of_birth, sibling.expected_date_of_birth
    return (born is None, born, expected is None, expected, sibling.first_name, sibling.pk)


def family_history(child: Child, on_date: date, siblings: list[Child] | None = None) -> list[SiblingHistory]:
    """Each other child in the family with their plans (oldest first); siblings with a recent plan come first.

    `siblings` (with their teams), where the caller has read them already, are not read again."""
    if child.family_id is None:
        return []
    if siblings is None:
        siblings = Child.objects.filter(family_id=child.family_id).exclude(pk=child.pk).select_related("team")
    siblings = sorted(siblings, key=_born_order)
    plans = {}
    for plan in CPPlan.objects.filter(child__in=siblings).order_by("start_date"):
        plans.setdefault(plan.child_id, []).append(plan)
    histories = [
        SiblingHistory(
            sibling=sibling,
            plans=plans.get(sibling.pk, []),
            recent=any(is_recent_plan(plan.start_date, plan.end_date, on_date) for plan in plans.get(sibling.pk, [])),
        )
        for sibling in siblings
    ]
    return sorted(histories, key=lambda history: not history.recent)


def sibling_plan_records(histories: list[SiblingHistory]) -> tuple[SiblingPlan, ...]:
    """The family's plans in the shape the step-down check takes."""
    return tuple(
        SiblingPlan(sibling=history.sibling.full_name, start=plan.start_date, end=plan.end_date)
        for history in histories
        for plan in history.plans
    )


def record_family_access(user, histories: list[SiblingHistory], path: str) -> None:
    """A page showing the family's history shows each sibling's plans: each such look is logged against them."""
    record_accesses(user, [history.sibling for history in histories if history.plans], path)
