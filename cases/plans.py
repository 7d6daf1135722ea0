"""Writing a child's CP plans: the one place plans are written by hand.

The data manager creates and corrects plans, each change with a reason; the initial conference starts
the plan it makes (`plan_start_at_conference`), inside the conference's own action.

The census rules are the model's own (CPPlan.clean, its constraints and the rule 8940 trigger), so a
plan that breaks one is refused with a message naming the rule, and nothing is written. Every change
by the data manager is announced (cases.signals.plan_history_changed) inside its own transaction, so a
request that rests on the history is marked with it or not at all.
"""

import pghistory
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from audit.services import changed, record_event, snapshot
from cases.models import Child, CPPlan, PlanService
from cases.permissions import can_view_child, may_keep_plan_history
from cases.signals import plan_history_changed

PLAN_FIELDS = [
    "start_date",
    "end_date",
    "initial_category",
    "latest_category",
    "assessment_factors",
    "how_ended",
    "outstanding_actions_at_closure",
    "core_group_actions_not_implemented",
    "held_by_other_council",
    "other_council",
    "declared_previous_plans",
]


def _check_may_keep(user, child):
    if not may_keep_plan_history(user) or not can_view_child(user, child):
        raise PermissionDenied("Only the data manager creates and corrects CP plans.")


def _save(plan: CPPlan, services: list[str] | None):
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save()
    except DatabaseError as error:  # the rule 8940 trigger, when two writers race past clean()
        raise ValidationError({NON_FIELD_ERRORS: [f"{error}".splitlines()[0]]}) from None
    if services is not None:
        names = sorted({name.strip() for name in services if name.strip()})
        plan.services.exclude(name__in=names).delete()
        for name in names:
            PlanService.objects.get_or_create(plan=plan, name=name)


def _service_names(plan) -> list[str]:
    return sorted(plan.services.values_list("name", flat=True))


def plan_create(*, child: Child, user, values: dict, services: list[str] = (), reason: str = "") -> CPPlan:
    """A new plan on the child's record. Raises ValidationError naming the census rule it breaks."""
    _check_may_keep(user, child)
    with transaction.atomic(durable=True), pghistory.context(user=user.pk, action="create_plan"):
        Child.objects.select_for_update().get(pk=child.pk)
        plan = CPPlan(child=child, **values)
        _save(plan, list(services))
        record_event(
            user,
            "create_plan",
            child=child,
            description=reason.strip(),
            after={**snapshot(plan, PLAN_FIELDS), "services": _service_names(plan)},
        )
        plan_history_changed.send(
            CPPlan, child=child, user=user, change=f"A CP plan starting {plan.start_date:%-d %B %Y} was added."
        )
        return plan


def plan_start_at_conference(*, child: Child, user, values: dict, services: list[str], description: str) -> CPPlan:
    """The plan an initial conference makes, on the child's record. The caller is the conference's action: it owns
    the transaction and has checked who may record the conference. Raises ValidationError naming the census rule
    the plan would break (an overlap with an earlier plan, most often).

    Not announced as a change of history: the only request resting on it is the one whose conference made it,
    which closes in the same action (a child has one open request at a time)."""
    with pghistory.context(user=user.pk, action="create_plan"):
        Child.objects.select_for_update().get(pk=child.pk)
        plan = CPPlan(child=child, **values)
        _save(plan, list(services))
        record_event(
            user,
            "create_plan",
            child=child,
            description=description,
            after={**snapshot(plan, PLAN_FIELDS), "services": _service_names(plan)},
        )
        return plan


def plan_version(plan: CPPlan) -> int:
    """The version of a plan a person saw: its latest row in its history (pghistory writes one on every change)."""
    return (
        CPPlan.pgh_event_model.objects.filter(pgh_obj_id=plan.pk)
        .order_by("-pgh_id")
        .values_list("pgh_id", flat=True)[0]
    )


def plan_correct(
    *,
    plan: CPPlan,
    user,
    values: dict,
    reason: str,
    services: list[str] | None = None,
    expected_version: int | None = None,
) -> CPPlan:
    """Correct a plan; every correction carries the reason for it, kept in the trail with what changed.

    With `expected_version` (the plan_version the person's page was opened on), a plan changed since by
    someone else is refused rather than corrected over their change.
    """
    _check_may_keep(user, plan.child)
    if not reason.strip():
        raise ValidationError({"reason": ["Give the reason for the correction."]})
    with (
        transaction.atomic(durable=True),
        pghistory.context(user=user.pk, action="correct_plan", reason=reason.strip()),
    ):
        Child.objects.select_for_update().get(pk=plan.child_id)
        plan = CPPlan.objects.select_for_update().get(pk=plan.pk)
        if expected_version is not None and plan_version(plan) != int(expected_version):
            stale = ValidationError(
                "Someone changed this plan after you opened the page. The plan as it is now is shown; "
                "your answers are kept: check them against it, then save again.",
                code="stale",
            )
            raise ValidationError({NON_FIELD_ERRORS: [stale]})
        before = {**snapshot(plan, PLAN_FIELDS), "services": _service_names(plan)}
        started = plan.start_date
        for field, value in values.items():
            setattr(plan, field, value)
        _save(plan, services)
        old, new = changed(before, {**snapshot(plan, PLAN_FIELDS), "services": _service_names(plan)})
        if not new:
            raise ValidationError({NON_FIELD_ERRORS: ["Nothing was changed: change the plan, or cancel."]})
        record_event(user, "correct_plan", child=plan.child, description=reason.strip(), before=old, after=new)
        plan_history_changed.send(
            CPPlan,
            child=plan.child,
            user=user,
            change=f"The CP plan starting {started:%-d %B %Y} was corrected: {reason.strip()}",
        )
        return plan
