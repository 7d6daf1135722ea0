"""The dashboards' queues: filtered, sorted and cut into pages by the database.

A page assesses only the requests it shows (the one assessment, conferences/assessment.py). What a
queue filters and sorts on but only the assessment knows (the plan number, the flags) and the date
the first clock runs out are kept beside each open request as its QueueFacts. They are worked out
again whenever the request or the child's plans are saved (conferences/signals.py) and every night
(conferences/tasks.py), because "within 12 months" and close scrutiny change with the date alone.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import F
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from conferences.models import ConferenceRequest, QueueFacts
from conferences.presenters import FLAGS
from conferences.selectors import try_assessment, with_sibling_counts
from conferences.stages import OPEN_STATES
from conferences.timescales import current_deadline

REFRESH_BATCH = 500


def assessable(queryset):
    """Requests with everything their assessment reads, in a fixed number of queries however many."""
    return with_sibling_counts(queryset).prefetch_related("child__plans__services", "proposed_services")


# --- Keeping the facts ---------------------------------------------------------------------------


def facts_of(request, today: date) -> QueueFacts:
    """The facts of one request loaded by `assessable`, as the assessment and the timescales give them on `today`."""
    assessment, _ = try_assessment(request, on_date=today, siblings=request.sibling_count)
    deadline = current_deadline(request, today)
    return QueueFacts(
        request=request,
        plan_number=assessment.plan_number if assessment else None,
        flags=[tag.key for tag in FLAGS if assessment is not None and getattr(assessment, tag.key)],
        due_on=deadline.due if deadline else None,
        assessed_on=today,
    )


def refresh_queue_facts(requests=None, today: date | None = None) -> int:
    """Work the facts out again for `requests` (a queryset; every request by default); returns how many are kept.

    Open requests get theirs written; a request that is no longer open leaves every queue, so its facts go.
    """
    today = today or timezone.localdate()
    requests = ConferenceRequest.objects.all() if requests is None else requests
    QueueFacts.objects.filter(request__in=requests.exclude(state__in=OPEN_STATES).values("pk")).delete()
    open_ids = list(requests.filter(state__in=OPEN_STATES).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(open_ids), REFRESH_BATCH):
        batch = assessable(ConferenceRequest.objects.filter(pk__in=open_ids[start : start + REFRESH_BATCH]))
        QueueFacts.objects.bulk_create(
            [facts_of(request, today) for request in batch],
            update_conflicts=True,
            unique_fields=["request"],
            update_fields=["plan_number", "flags", "due_on", "assessed_on"],
        )
    return len(open_ids)


# --- Reading a queue -----------------------------------------------------------------------------

# Each sort: the expressions in the order of the heading's first click, and whether that is
# descending in the database (the most days waiting is the earliest stage entered).
SORTS = {
    "due": ([F("queue_facts__due_on")], False),
    "waiting": ([F("stage_entered_at")], True),
    # A request whose history cannot be assessed sorts as plan 0, before every first plan.
    "plan": ([Coalesce("queue_facts__plan_number", 0)], False),
    "child": ([Lower("child__last_name"), Lower("child__first_name"), F("child__local_child_id")], False),
}
DEFAULT_SORT = "due"


def ordering(sort: str) -> list:
    """ORDER BY for a sort key (`-key` reverses it); rows with no due date come last, or first reversed."""
    expressions, inverted = SORTS[sort.lstrip("-")]
    descending = sort.startswith("-") != inverted
    ordered = [
        expression.desc(nulls_first=True) if descending else expression.asc(nulls_last=True)
        for expression in expressions
    ]
    return [*ordered, F("created_at").desc(), F("pk").desc()]


def filtered(queryset, *, stage="", flag="", team=""):
    if stage:
        queryset = queryset.filter(state=stage)
    if flag:
        queryset = queryset.filter(queue_facts__flags__contains=[flag])
    if team:
        queryset = queryset.filter(child__team_id=team)
    return queryset


@dataclass(frozen=True)
class Overview:
    """What a dashboard says of a whole queue: which requests it holds, their teams, and how many are overdue."""

    ids: list[int]
    teams: list[tuple[str, str]]  # (id, name) of the children's teams, by name, for the team filter
    size: int
    overdue: int  # past the date their first clock runs out


def overview(queue, today: date) -> Overview:
    """The queue read once: a thousand requests at most, so the filter deciding which requests a person
    may see (object permissions over thousands of rows) runs in one query instead of once per question,
    and the page is then read by these ids."""
    rows = list(queue.order_by().values_list("pk", "child__team_id", "child__team__name", "queue_facts__due_on"))
    teams = sorted({(name, team_id) for _, team_id, name, _ in rows if team_id is not None})
    return Overview(
        ids=[pk for pk, *_ in rows],
        teams=[(str(team_id), name) for name, team_id in teams],
        size=len(rows),
        overdue=sum(1 for *_, due_on in rows if due_on is not None and due_on < today),
    )
