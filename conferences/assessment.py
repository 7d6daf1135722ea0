"""The gatekeeping assessment (DESIGN.md section 3): everything the repeat-plan rules derive.

One pure function, `assess`, with no database: every screen, the API, the reports, the
indicators and the tests call it (or the date helpers re-exported from cases/durations.py) so that a fact such as
"within 12 months" is worked out in exactly one way.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date

from cases.census_rules import history_violations, plan_date_violations, unknown_codes
from cases.codes import EVERY_ASSESSMENT_FACTOR
from cases.durations import LONG_PLAN_MONTHS, SHORT_PLAN_MONTHS, is_long, is_short, within_months  # noqa: F401
from cases.selectors import count_previous_plans

# Required step names are part of the API: screens, the state machine and audits key on them.
PRIOR_PLAN_CHECK = "prior_plan_check"
SIBLING_CONSIDERATION = "sibling_consideration"
MANAGER_DISCUSSION = "manager_discussion"
PARTNERS_INFORMED = "partners_informed"
REPEAT_ANALYSIS = "repeat_analysis"
SERVICE_MANAGER_RATIONALE = "service_manager_rationale"
CP_CHAIR_CONVERSATION = "cp_chair_conversation"
CP_MANAGER_CONSULTATION = "cp_manager_consultation"
CPC_SCREENING = "cpc_screening"
HEAD_OF_SERVICE_SIGNOFF = "head_of_service_signoff"
CHALLENGE_AND_RESOLUTION = "challenge_and_resolution"
REPEATED_SERVICE_RATIONALE = "repeated_service_rationale"

REPEAT_STEPS = (
    MANAGER_DISCUSSION,
    PARTNERS_INFORMED,
    REPEAT_ANALYSIS,
    SERVICE_MANAGER_RATIONALE,
    CP_CHAIR_CONVERSATION,
    CP_MANAGER_CONSULTATION,
    CPC_SCREENING,
)

# Challenge and resolution triggers (R11).
OUTSTANDING_ACTIONS_AT_CLOSURE = "outstanding_actions_at_closure"
CORE_GROUP_ACTIONS_NOT_IMPLEMENTED = "core_group_actions_not_implemented"
STEPPED_DOWN_EARLY = "stepped_down_early"


def _freeze_code_sets(record) -> None:
    """Callers build records from querysets and forms, which hand over lists; freezing them keeps
    records hashable and the set arithmetic in `assess` uniform. A bare string is refused because
    it would silently become a set of letters."""
    for name in ("categories", "factors", "services"):
        value = getattr(record, name)
        if isinstance(value, str):
            raise TypeError(f"{name} must be a collection of strings, not the string {value!r}")
        object.__setattr__(record, name, frozenset(value))


@dataclass(frozen=True)
class PlanRecord:
    """One CP plan from the child's history, as far as the rules need it."""

    start: date
    end: date | None
    categories: frozenset[str]
    factors: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    outstanding_actions_at_closure: bool = False
    core_group_actions_not_implemented: bool = False
    # The census's NumberOfPreviousCPP for this plan: the plans the child had before it, anywhere.
    number_of_previous_plans: int | None = None

    def __post_init__(self):
        _freeze_code_sets(self)

    @property
    def concerns(self) -> frozenset[str]:
        return self.categories | self.factors


@dataclass(frozen=True)
class Proposal:
    """What the requested conference is about: its concerns and the services it would put in."""

    categories: frozenset[str]
    factors: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()

    def __post_init__(self):
        _freeze_code_sets(self)

    @property
    def concerns(self) -> frozenset[str]:
        return self.categories | self.factors


class AssessmentError(ValueError):
    """The history or the proposal cannot be assessed; the message says why, naming any census rule."""


@dataclass(frozen=True)
class Assessment:
    """The derived facts; field names are the API's and the reports' column names."""

    plan_number: int
    is_repeat: bool
    previous_plans: int
    unrecorded_previous_plans: int
    last_plan_end: date | None
    days_since_last_plan_end: int | None
    within_12_months: bool
    within_2_years: bool
    last_plan_days: int | None
    short_last_plan: bool
    long_last_plan: bool
    repeated_concerns: tuple[str, ...]
    new_concerns: tuple[str, ...]
    similar_concerns: bool
    close_scrutiny: bool
    repeated_services: tuple[str, ...]
    challenge_triggers: tuple[str, ...]
    required_steps: tuple[str, ...]

    def to_dict(self) -> dict:
        """JSON-ready, for the API and the `assess` command."""
        result = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            result[field.name] = value
        return result


def _service_names(services: Iterable[str]) -> frozenset[str]:
    """Services match by name; surrounding whitespace from a form is not part of the name, and a blank is no service."""
    return frozenset(name.strip() for name in services if name.strip())


def _problems(plans: list[PlanRecord], proposal: Proposal, on_date: date, siblings: int) -> list[str]:
    """Everything wrong with the input at once, so a worker fixes a history in one pass."""
    problems = []
    for plan in plans:
        label = f"the plan starting {plan.start}"
        problems += [f"{label}: {violation}" for violation in plan_date_violations(plan.start, plan.end)]
        bad_codes = unknown_codes(plan.categories, plan.factors, EVERY_ASSESSMENT_FACTOR)
        if bad_codes:
            problems.append(f"{label}: unknown census codes {', '.join(bad_codes)}")
    for plan in plans:
        if plan.number_of_previous_plans is not None and plan.number_of_previous_plans < 0:
            problems.append(f"the plan starting {plan.start}: number_of_previous_plans must be 0 or more")
    problems += [str(violation) for violation in history_violations((plan.start, plan.end) for plan in plans)]
    bad_codes = unknown_codes(proposal.categories, proposal.factors)
    if bad_codes:
        problems.append(f"the proposal: unknown census codes {', '.join(bad_codes)}")
    for plan in sorted(plans, key=lambda p: p.start):
        if plan.start > on_date:
            problems.append(f"the plan starting {plan.start} starts after {on_date}, the date of the assessment")
        elif plan.end is None or plan.end > on_date:
            problems.append(
                f"the plan starting {plan.start} is still open on {on_date}: "
                "a plan still open on on_date is a review conference, not a new request"
            )
    if siblings < 0:
        problems.append(f"siblings must be zero or more, not {siblings}")
    return problems


def assess(history: Iterable[PlanRecord], proposal: Proposal, on_date: date, siblings: int = 0) -> Assessment:
    """Derive every gatekeeping fact for a proposed conference on `on_date` (DESIGN.md section 3).

    `history` is all of the child's CP plans, in any order, including those held by other
    councils. Every plan must have ended on or before `on_date`: a child with a plan still open
    is due a review conference, not a new request. `siblings` is the number of the child's
    siblings on record.
    """
    plans = list(history)
    problems = _problems(plans, proposal, on_date, siblings)
    if problems:
        raise AssessmentError("; ".join(problems))

    counted = count_previous_plans([plan.number_of_previous_plans for plan in sorted(plans, key=lambda p: p.start)])
    plan_number = counted.total + 1
    is_repeat = plan_number >= 2
    proposed_concerns = proposal.concerns
    proposed_services = _service_names(proposal.services)

    if plans:
        last = max(plans, key=lambda plan: plan.end)
        last_plan_end = last.end
        days_since_last_plan_end = (on_date - last.end).days
        within_12_months = within_months(on_date, last.end, 12)
        within_2_years = within_months(on_date, last.end, 24)
        last_plan_days = (last.end - last.start).days
        short_last_plan = is_short(last.start, last.end)
        long_last_plan = is_long(last.start, last.end)
        repeated_concerns = proposed_concerns & last.concerns
    else:
        last_plan_end = days_since_last_plan_end = last_plan_days = None
        within_12_months = within_2_years = short_last_plan = long_last_plan = False
        repeated_concerns = frozenset()

    previous_concerns = frozenset().union(*(plan.concerns for plan in plans))
    previous_services = frozenset().union(*(_service_names(plan.services) for plan in plans))
    new_concerns = proposed_concerns - previous_concerns
    similar_concerns = bool(repeated_concerns)
    close_scrutiny = is_repeat and within_12_months and similar_concerns
    repeated_services = proposed_services & previous_services

    challenge_triggers = set()
    if any(plan.outstanding_actions_at_closure for plan in plans):
        challenge_triggers.add(OUTSTANDING_ACTIONS_AT_CLOSURE)
    if any(plan.core_group_actions_not_implemented for plan in plans):
        challenge_triggers.add(CORE_GROUP_ACTIONS_NOT_IMPLEMENTED)
    if any(is_short(plan.start, plan.end) for plan in plans):
        challenge_triggers.add(STEPPED_DOWN_EARLY)

    required_steps = {PRIOR_PLAN_CHECK}
    if siblings > 0:
        required_steps.add(SIBLING_CONSIDERATION)
    if is_repeat:
        required_steps.update(REPEAT_STEPS)
    if plan_number >= 3:
        required_steps.add(HEAD_OF_SERVICE_SIGNOFF)
    if challenge_triggers:
        required_steps.add(CHALLENGE_AND_RESOLUTION)
    if repeated_services:
        required_steps.add(REPEATED_SERVICE_RATIONALE)

    return Assessment(
        plan_number=plan_number,
        is_repeat=is_repeat,
        previous_plans=counted.total,
        unrecorded_previous_plans=counted.unrecorded,
        last_plan_end=last_plan_end,
        days_since_last_plan_end=days_since_last_plan_end,
        within_12_months=within_12_months,
        within_2_years=within_2_years,
        last_plan_days=last_plan_days,
        short_last_plan=short_last_plan,
        long_last_plan=long_last_plan,
        repeated_concerns=tuple(sorted(repeated_concerns)),
        new_concerns=tuple(sorted(new_concerns)),
        similar_concerns=similar_concerns,
        close_scrutiny=close_scrutiny,
        repeated_services=tuple(sorted(repeated_services)),
        challenge_triggers=tuple(sorted(challenge_triggers)),
        required_steps=tuple(sorted(required_steps)),
    )


def stricter(current: Assessment, held: dict | None) -> Assessment:
    """The current assessment with the gates of `held` (an earlier one, as `to_dict` stored it) kept.

    A request rests on the assessment made when it was submitted. When the child's history changes
    afterwards, the facts shown are the new ones, but every step either assessment requires stays
    required: a correction may add a Head of Service sign-off, never take one away (DESIGN.md section 4).
    """
    if not held:
        return current
    return replace(
        current,
        plan_number=max(current.plan_number, held["plan_number"]),
        is_repeat=current.is_repeat or held["is_repeat"],
        previous_plans=max(current.previous_plans, held["previous_plans"]),
        similar_concerns=current.similar_concerns or held["similar_concerns"],
        close_scrutiny=current.close_scrutiny or held["close_scrutiny"],
        repeated_services=tuple(sorted({*current.repeated_services, *held["repeated_services"]})),
        challenge_triggers=tuple(sorted({*current.challenge_triggers, *held["challenge_triggers"]})),
        required_steps=tuple(sorted({*current.required_steps, *held["required_steps"]})),
    )
