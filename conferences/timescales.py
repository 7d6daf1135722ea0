"""Working days, and the date by which each stage of a request or a challenge is due.

The one place for every timescale rule: pages, dashboards, reminders and reports call these
functions and never count days themselves.

A working day is Monday to Friday, less the bank holidays of England and Wales (the `holidays`
package knows them offline, substitute days included: Boxing Day on a Saturday moves to Monday).

Counting, as councils count timescales: the day something happens is day 0, and the clock runs from
the next working day. So `add_working_days(day, n)` is the n-th working day after `day`, and
`working_days_between(a, b)` counts the working days after `a` up to and including `b`. The two are
inverses: `working_days_between(a, add_working_days(a, n)) == n` for every n.

The clocks:
- statutory: the initial conference within 15 working days of the strategy discussion
  (ConferenceRequest.strategy_discussion_date); it runs until the conference is held, through every
  stage, and is never configurable;
- the first review conference of a plan: within 3 calendar months of the initial conference that made it
  (the form proposes the last working day within them);
- local, from the day a stage was entered (settings.GATEKEEPING_TIMESCALES overrides the defaults):
  manager discussion 2, CP chair screening 2, Head of Service sign-off 2; a challenge's response 10
  and its resolution 20, both from the day it was issued.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from conferences.stages import OPEN_STATES, STAGES, ChallengeState, State

STATUTORY_CONFERENCE_WORKING_DAYS = 15
FIRST_REVIEW_MONTHS = 3

CONFERENCE = "conference"
CHALLENGE_RESPONSE = "challenge_response"
CHALLENGE_RESOLUTION = "challenge_resolution"

# The stages' own working days (conferences/stages.py), and a challenge's: 10 to respond, 20 to resolve.
DEFAULT_TIMESCALES = {
    **{state.value: stage.timescale for state, stage in STAGES.items() if stage.timescale},
    CHALLENGE_RESPONSE: 10,
    CHALLENGE_RESOLUTION: 20,
}

# Statuses of a deadline, for tags and reminders.
OVERDUE = "overdue"
DUE_TODAY = "due_today"
DUE_TOMORROW = "due_tomorrow"
ON_TRACK = "on_track"


# --- Working-day arithmetic -------------------------------------------------------------------


@lru_cache(maxsize=128)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays of one year, observed (substitute) days included."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (before it when n is negative); `day` itself when n is 0."""
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def _weekdays_through(day: date) -> int:
    """Monday-to-Friday days from 1 January of year 1 (a Monday) up to and including `day`."""
    weeks, weekday = divmod(day.toordinal() - 1, 7)
    return weeks * 5 + min(weekday + 1, 5)


def _weekday_holidays(after: date, through: date) -> int:
    return sum(
        1
        for year in range(after.year, through.year + 1)
        for holiday in bank_holidays(year)
        if after < holiday <= through and holiday.weekday() < 5
    )


def working_days_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b`; negative (those from `b` up to `a`) when b < a.

    Counted arithmetically, not day by day, so a dashboard of long-open requests stays quick.
    """
    if b < a:
        return -working_days_between(b - timedelta(days=1), a - timedelta(days=1))
    return _weekdays_through(b) - _weekdays_through(a) - _weekday_holidays(a, b)


def days_remaining(due: date, today: date) -> int:
    """Working days left until `due`: 0 when due today, negative when overdue (by at least 1)."""
    remaining = working_days_between(today, due)
    if due < today:
        return min(remaining, -1)
    return remaining


def status_of(remaining: int) -> str:
    if remaining < 0:
        return OVERDUE
    if remaining == 0:
        return DUE_TODAY
    if remaining == 1:
        return DUE_TOMORROW
    return ON_TRACK


def describe_remaining(remaining: int) -> str:
    """How a page says it: '3 working days left', 'Due today', '2 working days overdue'."""
    if remaining < 0:
        return f"{_working_days(-remaining)} overdue"
    if remaining == 0:
        return "Due today"
    if remaining == 1:
        return "Due tomorrow (1 working day left)"
    return f"{_working_days(remaining)} left"


def _working_days(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


def latest_first_review(conference_on: date) -> date:
    """The last day the first review conference may be held: 3 calendar months after the initial conference."""
    return conference_on + relativedelta(months=FIRST_REVIEW_MONTHS)


def default_first_review(conference_on: date) -> date:
    """The first review date a form proposes: the last working day within the 3 months."""
    day = latest_first_review(conference_on)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


# --- Timescales (settings) --------------------------------------------------------------------


def timescale(name: str) -> int:
    """Working days allowed for a local timescale: settings.GATEKEEPING_TIMESCALES, else the default."""
    configured = getattr(settings, "GATEKEEPING_TIMESCALES", {})
    return int(configured.get(name, DEFAULT_TIMESCALES[name]))


# --- Deadlines of requests and challenges -----------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """One clock: what is due, from when, by when, and where it stands on `today`."""

    name: str  # CONFERENCE, a stage name, CHALLENGE_RESPONSE or CHALLENGE_RESOLUTION
    label: str
    starts: date
    working_days: int
    due: date
    today: date
    statutory: bool = False

    @property
    def remaining(self) -> int:
        return days_remaining(self.due, self.today)

    @property
    def status(self) -> str:
        return status_of(self.remaining)

    @property
    def summary(self) -> str:
        return describe_remaining(self.remaining)

    @property
    def is_overdue(self) -> bool:
        return self.remaining < 0


def _deadline(name, label, starts, working_days, today, statutory=False) -> Deadline:
    due = add_working_days(starts, working_days)
    return Deadline(name, label, starts, working_days, due, today, statutory)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def conference_deadline(request, today: date | None = None) -> Deadline | None:
    """The statutory clock: initial conference within 15 working days of the strategy discussion.

    Shown for a request that is open or convened (so a page can say whether it was met); None
    without a strategy discussion date.
    """
    if request.strategy_discussion_date is None or request.state not in [*OPEN_STATES, State.CONVENED]:
        return None
    return _deadline(
        CONFERENCE,
        "Initial conference (statutory)",
        request.strategy_discussion_date,
        STATUTORY_CONFERENCE_WORKING_DAYS,
        _today(today),
        statutory=True,
    )


def stage_deadline(request, today: date | None = None) -> Deadline | None:
    """The local clock of the stage the request is at, from the day it entered it; None if it has none."""
    if request.state not in DEFAULT_TIMESCALES:
        return None
    return _deadline(
        request.state,
        State(request.state).label,
        timezone.localdate(request.stage_entered_at),
        timescale(request.state),
        _today(today),
    )


def deadlines(request, today: date | None = None) -> list[Deadline]:
    """Every clock running on an open request, soonest first (none once it is closed)."""
    if request.state not in OPEN_STATES:
        return []
    found = [d for d in (stage_deadline(request, today), conference_deadline(request, today)) if d]
    return sorted(found, key=lambda d: (d.due, not d.statutory))


def current_deadline(request, today: date | None = None) -> Deadline | None:
    """The clock that runs out first: what a dashboard sorts and flags by."""
    found = deadlines(request, today)
    return found[0] if found else None


def due_date(request) -> date | None:
    """The date by which the request's next step is due: the sooner of its stage's and the statutory date."""
    deadline = current_deadline(request)
    return deadline.due if deadline else None


@dataclass(frozen=True)
class ChallengeDueDates:
    response: date
    resolution: date


def default_response_due(issued_on: date | None = None) -> date:
    """The date a challenge's response is due unless the CP chair sets another: what the form prefills."""
    return add_working_days(_today(issued_on), timescale(CHALLENGE_RESPONSE))


def challenge_due_dates(challenge) -> ChallengeDueDates:
    """The response date the chair set, and the resolution date (20 working days from issue)."""
    issued_on = timezone.localdate(challenge.issued_at)
    return ChallengeDueDates(
        response=challenge.response_due,
        resolution=add_working_days(issued_on, timescale(CHALLENGE_RESOLUTION)),
    )


def challenge_deadline(challenge, today: date | None = None) -> Deadline | None:
    """The clock of a challenge's current step: the response while issued, the resolution once responded."""
    issued_on = timezone.localdate(challenge.issued_at)
    today = _today(today)
    if challenge.state == ChallengeState.ISSUED:
        return Deadline(
            CHALLENGE_RESPONSE,
            "Response to the challenge",
            issued_on,
            working_days_between(issued_on, challenge.response_due),
            challenge.response_due,
            today,
        )
    if challenge.state == ChallengeState.RESPONDED:
        return _deadline(
            CHALLENGE_RESOLUTION, "Resolution of the challenge", issued_on, timescale(CHALLENGE_RESOLUTION), today
        )
    return None
