"""The DfE census validation rules for CP plans, as plain functions.

One place for these rules: the model's validation, every form, the assessment and the census
import call them, so a rule reads the same and names the same DfE number everywhere.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cases.codes import CATEGORIES_OF_ABUSE, ASSESSMENT_FACTORS


@dataclass(frozen=True)
class RuleViolation:
    rule: str
    message: str

    def __str__(self):
        return f"Rule {self.rule}: {self.message}"


def plan_date_violations(start: date, end: date | None) -> list[RuleViolation]:
    """8925 (end before start) and 8840 (starts and ends on the same day)."""
    if end is None:
        return []
    if end < start:
        return [RuleViolation("8925", f"the plan ends ({end}) before it starts ({start})")]
    if end == start:
        return [RuleViolation("8840", f"the plan starts and ends on the same day ({start})")]
    return []


def category_violations(initial: str | None, latest: str | None) -> list[RuleViolation]:
    """8905 / 8910: initial and latest category of abuse present and valid."""
    found = []
    if initial not in CATEGORIES_OF_ABUSE:
        found.append(RuleViolation("8905", f"initial category of abuse {initial!r} is missing or not a census code"))
    if latest is not None and latest not in CATEGORIES_OF_ABUSE:
        found.append(RuleViolation("8910", f"latest category of abuse {latest!r} is not a census code"))
    return found


def unknown_codes(categories: Iterable[str] = (), factors: Iterable[str] = ()) -> list[str]:
    """Codes that are neither a census category of abuse nor an assessment factor code."""
    bad = [c for c in categories if c not in CATEGORIES_OF_ABUSE]
    bad += [f for f in factors if f not in ASSESSMENT_FACTORS]
    return sorted(set(bad))


def history_violations(plans: Iterable[tuple[date, date | None]]) -> list[RuleViolation]:
    """8935 (more than one open plan) and 8940 (plans overlap) across one child's plans.

    Two plans overlap when one starts before the other has ended; a plan may start on the day
    the previous one ended.
    """
    ordered = sorted(plans, key=lambda p: p[0])
    found = []
    open_plans = [p for p in ordered if p[1] is None]
    if len(open_plans) > 1:
        found.append(RuleViolation("8935", "the child has more than one open plan"))
    for (start_a, end_a), (start_b, end_b) in zip(ordered, ordered[1:]):
        if end_a is None or start_b < end_a:
            found.append(
                RuleViolation(
                    "8940",
                    f"the plan starting {start_b} overlaps the plan starting {start_a}"
                    + (f" and ending {end_a}" if end_a else " that has not ended"),
                )
            )
    return found
