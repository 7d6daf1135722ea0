"""The step-down check: what the rules already know about a plan that a review conference proposes to end.

One pure function, `step_down_check`, beside the assessment (conferences/assessment.py) and built
from its helpers, with no database. The guidance names where repeat plans begin: a plan stepped
down too early, a case closed with actions outstanding, a core group that did not put the plan's
services in place, a family that did not engage. The review conference sees these signals beside
its decision, when it can still act on them, rather than the next request months later.

Any signal means a second person, the CP Manager, must agree the ending.
"""

from dataclasses import dataclass
from datetime import date

from cases.durations import is_short, within_months

SHORT_PLAN = "short_plan"
ACTIONS_OUTSTANDING = "actions_outstanding"
CORE_GROUP_ACTIONS_NOT_IMPLEMENTED = "core_group_actions_not_implemented"
SERVICES_NOT_ENGAGED = "services_not_engaged"
REPEAT_PLAN = "repeat_plan"
SIBLING_PLANS = "sibling_plans"

# In the order a review conference reads them.
SIGNALS = (
    SHORT_PLAN,
    ACTIONS_OUTSTANDING,
    CORE_GROUP_ACTIONS_NOT_IMPLEMENTED,
    SERVICES_NOT_ENGAGED,
    REPEAT_PLAN,
    SIBLING_PLANS,
)

# A sibling's plan counts as recent for two years after it ended: the national repeat measure's window.
SIBLING_RECENT_MONTHS = 24


def is_recent_plan(start: date, end: date | None, on_date: date) -> bool:
    """A plan current on `on_date`, or one that ended within 2 years before it (the family-history flag).

    A plan that starts after `on_date` is not part of the history as it stood that day.
    """
    if start > on_date:
        return False
    if end is None or end > on_date:
        return True
    return within_months(on_date, end, SIBLING_RECENT_MONTHS)


@dataclass(frozen=True)
class SiblingPlan:
    """One plan of another child in the family; `sibling` is how the page names that child."""

    sibling: str
    start: date
    end: date | None


@dataclass(frozen=True)
class Ending:
    """The plan a review conference proposes to end on `end`, and what the conference recorded about it."""

    start: date
    end: date
    outstanding_actions: int = 0
    core_group_actions_not_implemented: bool = False
    services_not_engaged: tuple[str, ...] = ()
    plan_number: int = 1
    sibling_plans: tuple[SiblingPlan, ...] = ()

    def __post_init__(self):
        problems = []
        if self.end <= self.start:
            problems.append(f"the plan cannot end on {self.end}: it started on {self.start}")
        if self.outstanding_actions < 0:
            problems.append("outstanding actions must be zero or more")
        if self.plan_number < 1:
            problems.append("the plan number must be 1 or more")
        if problems:
            raise ValueError("; ".join(problems))
        object.__setattr__(self, "services_not_engaged", tuple(sorted(set(self.services_not_engaged))))


@dataclass(frozen=True)
class StepDownCheck:
    """The signals present, in reading order, and the facts behind each."""

    signals: tuple[str, ...]
    short_plan: bool
    outstanding_actions: int
    core_group_actions_not_implemented: bool
    services_not_engaged: tuple[str, ...]
    plan_number: int
    recent_sibling_plans: tuple[SiblingPlan, ...]

    @property
    def needs_cp_manager(self) -> bool:
        """Any signal: the CP Manager must agree the ending."""
        return bool(self.signals)


def step_down_check(ending: Ending) -> StepDownCheck:
    """The step-down signals of ending this plan (DESIGN.md section 3's definitions, as the assessment uses them).

    - short: `end <= start + 3 months` (the assessment's `is_short`, the same test that makes the
      next request's "stepped down early" trigger);
    - actions outstanding, and core-group actions not implemented, as the conference recorded them;
    - services the family did not engage with;
    - a repeat plan: this is the child's second plan or later;
    - a sibling's plan current on the ending day, or ended within 2 years before it.
    """
    short = is_short(ending.start, ending.end)
    recent = tuple(
        sorted(
            (plan for plan in ending.sibling_plans if is_recent_plan(plan.start, plan.end, ending.end)),
            key=lambda plan: (plan.sibling, plan.start),
        )
    )
    present = {
        SHORT_PLAN: short,
        ACTIONS_OUTSTANDING: ending.outstanding_actions > 0,
        CORE_GROUP_ACTIONS_NOT_IMPLEMENTED: ending.core_group_actions_not_implemented,
        SERVICES_NOT_ENGAGED: bool(ending.services_not_engaged),
        REPEAT_PLAN: ending.plan_number >= 2,
        SIBLING_PLANS: bool(recent),
    }
    return StepDownCheck(
        signals=tuple(signal for signal in SIGNALS if present[signal]),
        short_plan=short,
        outstanding_actions=ending.outstanding_actions,
        core_group_actions_not_implemented=ending.core_group_actions_not_implemented,
        services_not_engaged=ending.services_not_engaged,
        plan_number=ending.plan_number,
        recent_sibling_plans=recent,
    )
