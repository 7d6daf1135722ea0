"""The dates of a request, in the order they happen: what every form, service and API call checks them against.

The order along the request (rank: dates of one rank are not compared with each other):

0. the end of the child's last plan (only the conference is compared with it: a new plan follows it);
1. the strategy discussion;
2. partners told of the previous plan (at or after the strategy discussion);
3. the submission, and the worker's conversation with the CP chair;
4. the CP chair's screening (when it was accepted);
5. the conference, which is also the start of the plan it makes.

The rules a date must keep (not in the future, not before the child's life, in order) are in
limits/dates.py; this module says which dates a request has and which comes first. The statutory clock
(the initial conference within 15 working days of the strategy discussion, conferences/timescales.py)
asks for a reason when the conference is held outside it.
"""

from datetime import date

from django.utils import timezone

from conferences.errors import ActionRefused
from conferences.timescales import STATUTORY_CONFERENCE_WORKING_DAYS, working_days_between
from limits.dates import Dated, date_problems

# The request's dates: (model field, how a message names it, rank).
REQUEST_DATES = (
    ("strategy_discussion_date", "The date of the strategy discussion", 1),
    ("partners_informed_on", "The date partners were told", 2),
    ("cp_chair_conversation_on", "The date of the conversation with the CP chair", 3),
    ("conference_held_on", "The date of the conference", 5),
)
LAST_PLAN_END = "last_plan_end"
SUBMITTED = "submitted_on"
SCREENED = "screened_on"


def _day(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def _last_plan_end(request) -> date | None:
    # Not the plan this request's own conference made: only the history before it.
    ends = [plan.end_date for plan in request.child.plans.all() if plan.end_date and plan.pk != request.plan_id]
    return max(ends) if ends else None


def request_dates(request, typed: dict[str, date | None]) -> list[Dated]:
    """The request's dates as recorded, with `typed` (by model field) in place of the recorded values."""
    dated = [
        Dated(field, label, typed[field] if field in typed else getattr(request, field), rank)
        for field, label, rank in REQUEST_DATES
    ]
    dated.append(Dated(SUBMITTED, "The date the request was submitted", _day(request.submitted_at), 3))
    dated.append(Dated(SCREENED, "The date the CP chair accepted the request", _day(request.screened_at), 4))
    if "conference_held_on" in typed:
        dated.append(Dated(LAST_PLAN_END, "The day the child's last plan ended", _last_plan_end(request), 0))
    return dated


def date_problems_of(request, typed: dict[str, date | None], today: date | None = None) -> dict[str, str]:
    """The problem with each typed date (by model field), against the child and the request's other dates."""
    child = request.child
    return date_problems(
        request_dates(request, typed),
        checking=typed,
        date_of_birth=child.date_of_birth,
        expected_date_of_birth=child.expected_date_of_birth,
        today=today,
    )


def check_request_dates(request, typed: dict[str, date | None], names: dict[str, str] | None = None):
    """Refuse typed dates that do not make sense, each problem on its field (`names`: model field to the
    name the caller typed it in)."""
    problems = date_problems_of(request, typed)
    if problems:
        names = names or {}
        raise ActionRefused(
            list(problems.values()),
            field_errors={names.get(field, field): [message] for field, message in problems.items()},
        )


def outside_statutory_timescale(request, held_on: date | None) -> bool:
    """Whether a conference on `held_on` misses the 15 working days from the strategy discussion."""
    start = request.strategy_discussion_date
    if start is None or held_on is None:
        return False
    return working_days_between(start, held_on) > STATUTORY_CONFERENCE_WORKING_DAYS
