"""The DfE census validation rules that touch a CP plan, as plain functions.

One place for these rules: the model's validation, every form, the assessment and the census
import call them, so a rule reads the same and names the same DfE number everywhere. Each rule
is checked as the DfE's validator for the 2024-25 return checks it (data-to-insight's
csc-validator-be-cin), and says the DfE's own message followed by what in the record broke it.
Code lists are those of the return's collection year (cases/codes.py).

`child_violations` is the whole check of one child of a return: every rule the child breaks,
not only the first.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from cases.codes import (
    ASSESSMENT_FACTORS,
    CATEGORIES_OF_ABUSE,
    assessment_factors_in,
    collection_year,
    sex_codes_in,
)
from limits.dates import Dated, date_problems

# Not a DfE rule number: the child's record could not be read as the census schema describes it.
SCHEMA = "schema"

# The most previous plans a record can hold (a small integer in the database). No child has had
# anything like it; a larger NumberOfPreviousCPP is a typing error, not a count.
MOST_PREVIOUS_PLANS = 32767

DFE_MESSAGES = {
    "1105": "The child protection plan start date cannot be before the referral date",
    "2885": "Child protection plan shown as starting a different day to the initial child protection conference",
    "4001": "A CIN Plan cannot run concurrently with a Child Protection Plan",
    "4016": "A CIN Plan has been reported as open at the same time as a Child Protection Plan",
    "4017": "A CIN Plan has been reported as open at the same time as a Child Protection Plan",
    "4180": "Sex must be provided and be a valid code for the return's year",
    "8720": "Child Protection Plan Start Date missing or out of data collection period",
    "8730": "Total Number of previous Child Protection Plans missing",
    "8840": "Child Protection Plan cannot start and end on the same day",
    "8841": "The review date cannot be on the same day or before the Child protection Plan start date",
    "8905": "Initial Category of Abuse code missing or invalid",
    "8910": "Latest Category of Abuse code missing or invalid",
    "8915": "Child Protection Plan cannot start after the child's Date of Death",
    "8920": "Child Protection Plan cannot end after the child's Date of Death",
    "8925": "Child Protection Plan End Date earlier than Start Date",
    "8930": "Child Protection Plan End Date must fall within the census year",
    "8935": "This child is showing more than one open Child Protection plan, i.e. with no End Date",
    "8940": "Child Protection Plan data contains overlapping dates",
}


@dataclass(frozen=True)
class RuleViolation:
    rule: str
    message: str

    def __str__(self):
        return f"Rule {self.rule}: {self.message}"


def broken(rule: str, detail: str = "") -> RuleViolation:
    """A violation of a DfE rule: its message, then what broke it."""
    message = DFE_MESSAGES[rule]
    return RuleViolation(rule, f"{message}: {detail}" if detail else message)


def plan_date_violations(start: date, end: date | None) -> list[RuleViolation]:
    """8925 (ends before it starts) and 8840 (starts and ends on the same day)."""
    if end is None:
        return []
    if end < start:
        return [broken("8925", f"the plan ends on {end}, before it starts on {start}")]
    if end == start:
        return [broken("8840", f"the plan starts and ends on {start}")]
    return []


def category_violations(initial: str | None, latest: str | None) -> list[RuleViolation]:
    """8905 / 8910: the initial and the latest category of abuse are both present and census codes."""
    found = []
    if initial not in CATEGORIES_OF_ABUSE:
        found.append(broken("8905", f"{initial or 'none'} is not one of {', '.join(CATEGORIES_OF_ABUSE)}"))
    if latest not in CATEGORIES_OF_ABUSE:
        found.append(broken("8910", f"{latest or 'none'} is not one of {', '.join(CATEGORIES_OF_ABUSE)}"))
    return found


def unknown_codes(
    categories: Iterable[str] = (), factors: Iterable[str] = (), factor_codes: Iterable[str] = ASSESSMENT_FACTORS
) -> list[str]:
    """Codes that are neither a census category of abuse nor one of `factor_codes`."""
    known = set(factor_codes)
    bad = [c for c in categories if c not in CATEGORIES_OF_ABUSE]
    bad += [f for f in factors if f not in known]
    return sorted(set(bad))


NO_FACTORS_IDENTIFIED = "21"


def contradictory_factors(factors: Iterable[str]) -> str | None:
    """ "No factors identified" (21) beside any other factor says two opposite things: the message, or None."""
    others = sorted(set(factors) - {NO_FACTORS_IDENTIFIED})
    if NO_FACTORS_IDENTIFIED in set(factors) and others:
        return (
            f"'No factors identified (21)' cannot be chosen with other assessment factors "
            f"({', '.join(others)}): choose 21 alone, or only the factors identified"
        )
    return None


def plan_life_violations(
    start: date, end: date | None, date_of_birth: date | None, expected_date_of_birth: date | None, today: date
) -> list[RuleViolation]:
    """A plan's dates within the child's life and not in the future (limits/dates.py, the one place for these)."""
    dates = [Dated("start_date", "The plan's start date", start, 0)]
    if end is not None:
        dates.append(Dated("end_date", "The plan's end date", end, 0))  # their order is rule 8925's
    problems = date_problems(
        dates, date_of_birth=date_of_birth, expected_date_of_birth=expected_date_of_birth, today=today
    )
    return [RuleViolation(SCHEMA, message) for message in problems.values()]


def _overlaps(earlier: tuple[date, date | None], later: tuple[date, date | None], reference_date: date | None) -> bool:
    """DfE 8940: `later` starts within `earlier`, both days included: from its start to its end, or
    to the return's reference date while it is open (for ever when there is none)."""
    (start, end), later_start = earlier, later[0]
    if later_start < start:
        return False
    if end is not None:
        return later_start <= end
    return reference_date is None or later_start <= reference_date


def history_violations(
    plans: Iterable[tuple[date, date | None]], reference_date: date | None = None
) -> list[RuleViolation]:
    """8935 (more than one open plan) and 8940 (overlapping plans) across one child's plans.

    A plan starting on the day the previous one ended overlaps it: the DfE counts both end days.
    """
    ordered = sorted(plans, key=lambda p: (p[0], p[1] or date.max))
    found = []
    open_starts = [start for start, end in ordered if end is None]
    if len(open_starts) > 1:
        shown = ", ".join(str(start) for start in open_starts)
        found.append(broken("8935", f"the plans starting {shown} have no end date"))
    for index, earlier in enumerate(ordered):
        for later in ordered[index + 1 :]:
            if _overlaps(earlier, later, reference_date):
                until = f"ends on {earlier[1]}" if earlier[1] else "has not ended"
                detail = f"the plan starting {later[0]} starts within the plan starting {earlier[0]}, which {until}"
                found.append(broken("8940", detail))
    return found


def previous_plans_violations(declared: int | None) -> list[RuleViolation]:
    """8730: NumberOfPreviousCPP present and 0 or more (real returns use 0 for a first plan)."""
    if declared is None or declared < 0:
        return [broken("8730", "NumberOfPreviousCPP is missing" if declared is None else f"{declared} is below 0")]
    if declared > MOST_PREVIOUS_PLANS:
        detail = f"NumberOfPreviousCPP {declared} is not a count of plans (at most {MOST_PREVIOUS_PLANS})"
        return [RuleViolation(SCHEMA, detail)]
    return []


def review_violations(start: date, reviews: Iterable[date]) -> list[RuleViolation]:
    """8841: a review conference is held after the plan started, never on or before that day."""
    return [
        broken("8841", f"the review on {review} is on or before the plan's start on {start}")
        for review in sorted(reviews)
        if review <= start
    ]


def death_violations(start: date, end: date | None, death: date | None) -> list[RuleViolation]:
    """8915 / 8920: a plan cannot start, or end, after the child's death."""
    if death is None:
        return []
    found = []
    if start > death:
        found.append(broken("8915", f"the plan starts on {start}, after the child's death on {death}"))
    if end is not None and end > death:
        found.append(broken("8920", f"the plan ends on {end}, after the child's death on {death}"))
    return found


def referral_violations(start: date, referral: date | None) -> list[RuleViolation]:
    """1105: a plan cannot start before the referral of the episode (CINdetails) that holds it."""
    if referral is not None and start < referral:
        return [broken("1105", f"the plan starts on {start}, before the referral on {referral}")]
    return []


def census_year(reference_date: date) -> tuple[date, date]:
    """The collection period of a return: the year that ends on its reference date."""
    try:
        first = reference_date.replace(year=reference_date.year - 1)
    except ValueError:  # a 29 February reference date
        first = reference_date.replace(year=reference_date.year - 1, day=28)
    return first + timedelta(days=1), reference_date


def collection_period_violations(start: date, end: date | None, reference_date: date | None) -> list[RuleViolation]:
    """8720: a plan starts on or before the reference date. 8930: a plan's end falls in the census year."""
    if reference_date is None:
        return []
    first, last = census_year(reference_date)
    found = []
    if start > last:
        found.append(broken("8720", f"the plan starts on {start}, after the return's reference date {last}"))
    if end is not None and not first <= end <= last:
        found.append(broken("8930", f"the plan ends on {end}, outside the census year {first} to {last}"))
    return found


def initial_conference_violations(
    start: date,
    section47_conferences: Iterable[date | None],
    episode_conference: date | None,
    reference_date: date | None,
) -> list[RuleViolation]:
    """2885: a plan that starts in the census year starts on the day of an initial conference of its
    episode: one of the episode's Section 47 enquiries' DateOfInitialCPC or, only where the episode
    has no Section 47 module, the CINdetails DateOfInitialCPC. No date to compare is a failure."""
    if reference_date is None:
        return []
    first, last = census_year(reference_date)
    if not first <= start <= last:
        return []
    section47 = list(section47_conferences)
    dates = [d for d in section47 if d is not None] if section47 else [d for d in [episode_conference] if d]
    if start in dates:
        return []
    where = "its Section 47 enquiries" if section47 else "its CIN details"
    shown = ", ".join(str(d) for d in sorted(dates)) or "none recorded"
    return [broken("2885", f"the plan starts on {start}; the initial conference in {where}: {shown}")]


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
                found.append(broken("4001", f"a CIN plan is open beside the open CP plan starting {cp_start}"))
            if _within(cin_start, cp_start, cp_end, reference_date):
                detail = f"a CIN plan starts on {cin_start}, while the CP plan starting {cp_start} runs"
                found.append(broken("4016", detail))
            if _within(cp_start, cin_start, cin_end, reference_date):
                detail = f"the CP plan starting {cp_start} starts while a CIN plan (from {cin_start}) runs"
                found.append(broken("4017", detail))
    return found


def sex_violations(sex: str, reference_date: date | None) -> list[RuleViolation]:
    """4180: the child's Sex (GenderCurrent) is present and a code of the return's collection year."""
    codes = sex_codes_in(collection_year(reference_date))
    if sex in codes:
        return []
    return [broken("4180", f"{sex or 'none'} is not one of {', '.join(codes)}")]


def child_violations(child, history: Iterable[tuple[date, date | None]] | None = None) -> list[RuleViolation]:
    """Every rule one child of a return breaks, each plan and the child's history of plans.

    `child` is a cases.census.CensusChild. `history` is every plan of the child (start, end) once
    the return is merged with what is already held; by default the return's plans alone.
    """
    reference_date = child.reference_date
    found = [RuleViolation(SCHEMA, problem) for problem in child.format_problems]
    found += sex_violations(child.sex, reference_date)
    factor_codes = assessment_factors_in(collection_year(reference_date))
    plans = []
    for plan in child.plans:
        found += category_violations(plan.initial_category, plan.latest_category)
        found += previous_plans_violations(plan.declared_previous_plans)
        bad = unknown_codes(factors=plan.assessment_factors, factor_codes=factor_codes)
        if bad:
            detail = f"assessment factor code(s) {', '.join(bad)} not valid in this return's year"
            found.append(RuleViolation(SCHEMA, detail))
        contradiction = contradictory_factors(plan.assessment_factors)
        if contradiction:
            found.append(RuleViolation(SCHEMA, contradiction))
        if plan.start_date is None:
            found.append(broken("8720", "the plan has no start date"))
            continue
        plans.append(plan)
        found += plan_date_violations(plan.start_date, plan.end_date)
        found += plan_life_violations(
            plan.start_date, plan.end_date, child.date_of_birth, child.expected_date_of_birth, date.today()
        )
        found += collection_period_violations(plan.start_date, plan.end_date, reference_date)
        found += review_violations(plan.start_date, plan.review_dates)
        found += death_violations(plan.start_date, plan.end_date, child.death_date)
        found += referral_violations(plan.start_date, plan.referral_date)
        found += initial_conference_violations(
            plan.start_date, plan.section47_conferences, plan.episode_conference, reference_date
        )
    found += cin_plan_violations(
        [(plan.start_date, plan.end_date, plan.episode) for plan in plans],
        [(cin.start_date, cin.end_date, cin.episode) for cin in child.cin_plans],
        reference_date,
    )
    if history is None:
        history = [(plan.start_date, plan.end_date) for plan in plans]
    found += history_violations(history, reference_date)
    return found
