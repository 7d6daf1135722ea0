"""The one count of a child's previous CP plans (DESIGN.md section 3).

The recorded previous plans, raised where the census declared more: each plan may carry the
census's NumberOfPreviousCPP (the plans the child had before that one, in any council). For the
recorded previous plans sorted by start, index i of n, the count is
max(n, max over plans of declared + n - i). The declared number is a floor, never a ceiling.

The child's page, the assessment (and so the gates), the indicators, Annex A and the deep dive
all take the count from here.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PreviousPlans:
    recorded: int
    total: int

    @property
    def unrecorded(self) -> int:
        """Plans the census counts that are not on the record here (they have no dates)."""
        return self.total - self.recorded


def count_previous_plans(declared: Sequence[int | None]) -> PreviousPlans:
    """The count from the declared NumberOfPreviousCPP of each recorded previous plan, in start
    order (None where the census said nothing). Touches no database."""
    recorded = len(declared)
    floors = [number + recorded - index for index, number in enumerate(declared) if number is not None]
    return PreviousPlans(recorded=recorded, total=max([recorded, *floors]))


def previous_plans(plans: Iterable, on_date: date) -> PreviousPlans:
    """The count for a child whose plans (CPPlan rows, or anything with start_date, end_date and
    declared_previous_plans) are `plans`: the previous plans are those ended on or before `on_date`."""
    ended = sorted(
        (plan for plan in plans if plan.end_date is not None and plan.end_date <= on_date),
        key=lambda plan: plan.start_date,
    )
    return count_previous_plans([plan.declared_previous_plans for plan in ended])


def previous_plans_of(child, on_date: date) -> PreviousPlans:
    """The count for one child; uses the child's prefetched plans when there are any."""
    return previous_plans(child.plans.all(), on_date)


def previous_plans_before_each(plans: Iterable) -> dict:
    """For every plan of one child, the count of plans before it (the Annex A and indicator column):
    the count on its start day, the plan's own declared number counting as a floor too."""
    ordered = sorted(plans, key=lambda plan: plan.start_date)
    found = {}
    for index, plan in enumerate(ordered):
        before = count_previous_plans([p.declared_previous_plans for p in ordered[:index]]).total
        found[plan.pk] = max(before, plan.declared_previous_plans or 0)
    return found
