"""The DfE census validation rules for CP plans, as plain functions.

One place for these rules: the model's validation, every form, the assessment and the census
import call them, so a rule reads the same and names the same DfE number everywhere.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from cases.codes import ASSESSMENT_FACTORS, CATEGORIES_OF_ABUSE


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
    for (start_a, end_a), (start_b, _end_b) in zip(ordered, ordered[1:], strict=False):
        if end_a is None or start_b < end_a:
            found.append(
                RuleViolation(
                    "8940",
                    f"the plan starting {start_b} overlaps the plan starting {start_a}"
                    + (f" and ending {end_a}" if end_a else " that has not ended"),
                )
            )
    return found


def previous_plans_violations(declared: int | None) -> list[RuleViolation]:
    """8730: NumberOfPreviousCPP present and 0 or more (real returns use 0 for a first plan)."""
    if declared is None or declared < 0:
        return [RuleViolation("8730", "the number of previous CP plans (NumberOfPreviousCPP) is missing")]
    return []


def review_violations(start: date, reviews: Iterable[date]) -> list[RuleViolation]:
    """8841: a review conference is held after the plan started, never on or before that day."""
    return [
        RuleViolation("8841", f"the review on {review} is on or before the plan's start ({start})")
        for review in sorted(reviews)
        if review <= start
    ]


def death_violations(start: date, end: date | None, death: date | None) -> list[RuleViolation]:
    """8915 / 8920: a plan cannot start, or end, after the child's death."""
    if death is None:
        return []
    found = []
    if start > death:
        found.append(RuleViolation("8915", f"the plan starts ({start}) after the child's death ({death})"))
    if end is not None and end > death:
        found.append(RuleViolation("8920", f"the plan ends ({end}) after the child's death ({death})"))
    return found


def referral_violations(start: date, referral: date | None) -> list[RuleViolation]:
    """1105: a plan cannot start before the referral of the episode (CINdetails) that holds it."""
    if referral is not None and start < referral:
        return [RuleViolation("1105", f"the plan starts ({start}) before the referral ({referral})")]
    return []


def census_year(reference_date: date) -> tuple[date, date]:
    """The collection period of a return: the year to 31 March that ends on its reference date."""
    try:
        first = reference_date.replace(year=reference_date.year - 1)
    except ValueError:  # a 29 February reference date
        first = reference_date.replace(year=reference_date.year - 1, day=28)
    return first + timedelta(days=1), reference_date


def initial_conference_violations(
    start: date, conference_dates: Iterable[date], reference_date: date | None = None
) -> list[RuleViolation]:
    """2885: a plan that starts in the census year starts on the day of its initial conference.

    The conference dates are those of the plan's episode (CINdetails and its Section 47
    enquiries); with none recorded there is nothing to compare, as in the DfE validator.
    """
    dates = set(conference_dates)
    if not dates or start in dates:
        return []
    if reference_date is not None:
        first, last = census_year(reference_date)
        if not first <= start <= last:
            return []
    shown = ", ".join(str(d) for d in sorted(dates))
    return [RuleViolation("2885", f"the plan starts ({start}) on a different day to its initial conference ({shown})")]


def _within(day: date, start: date, end: date | None, reference_date: date | None) -> bool:
    """Whether `day` falls while a plan runs: from its start up to, not on, its end; an open plan
    runs to the reference date of the return (or for ever, when the return has none)."""
    if day < start:
        return False
    if end is not None:
        return day < end
    return reference_date is None or day <= reference_date


def cin_plan_violations(
    cp_plans: Iterable[tuple[date, date | None, object]],
    cin_plans: Iterable[tuple[date, date | None, object]],
    reference_date: date | None = None,
) -> list[RuleViolation]:
    """4001 / 4016 / 4017: a Child in Need plan cannot run while a CP plan is open.

    Each plan is (start, end, episode), the episode being whatever identifies its CINdetails.
    4001: an open CP plan and an open CIN plan in the same episode. 4016: a CIN plan starts while
    a CP plan runs. 4017: a CP plan starts while a CIN plan runs. A plan may start the day the
    other ended.
    """
    cp_plans, cin_plans = list(cp_plans), list(cin_plans)
    found = []
    for cp_start, cp_end, cp_episode in cp_plans:
        for cin_start, cin_end, cin_episode in cin_plans:
            if cp_end is None and cin_end is None and cp_episode == cin_episode:
                found.append(RuleViolation("4001", f"a CIN plan is open beside the CP plan starting {cp_start}"))
            if _within(cin_start, cp_start, cp_end, reference_date):
                found.append(
                    RuleViolation("4016", f"a CIN plan starts ({cin_start}) while the CP plan starting {cp_start} runs")
                )
            if _within(cp_start, cin_start, cin_end, reference_date):
                found.append(
                    RuleViolation("4017", f"the CP plan starting {cp_start} starts while a CIN plan ({cin_start}) runs")
                )
    return found
