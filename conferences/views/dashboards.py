"""The managers' dashboard: the requests waiting for this person's decision, with the facts that matter.

Due dates and days remaining come from conferences.timescales (working days), days waiting from the
day the request entered its stage.

The queue is filtered, sorted and cut into pages by the database (conferences/queue.py), on the facts
kept beside each open request; only the page shown is assessed (conferences.selectors.try_assessment),
its plan history, services and siblings read in a fixed number of queries however long the queue is.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from audit.services import record_list_access
from cases.models import Child
from conferences import stages
from conferences.assessment import Assessment
from conferences.forms_decisions import DashboardFilterForm
from conferences.models import Challenge, ConferenceRequest
from conferences.permissions import requests_visible_to
from conferences.presenters import FLAGS, FlagTag, flag_tags
from conferences.queue import DEFAULT_SORT, assessable, filtered, ordering, queue_summary
from conferences.selectors import try_assessment
from conferences.timescales import Deadline, challenge_deadline, current_deadline
from conferences.views.decisions import request_page_url
from people.roles import Role, role_of

PAGE_SIZE = 25

# The stages each role decides on or oversees, and who sees open challenges: conferences/stages.py says
# who acts at each stage, and these follow from it.
QUEUES = stages.QUEUES
CHALLENGE_ROLES = stages.CHALLENGE_ROLES


@dataclass
class QueueRow:
    request: ConferenceRequest
    assessment: Assessment | None
    problem: str | None
    days_waiting: int
    deadline: Deadline | None

    @property
    def child(self) -> Child:
        return self.request.child

    @property
    def flags(self) -> list[FlagTag]:
        return flag_tags(self.assessment)

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline.is_overdue

    @property
    def url(self) -> str:
        return request_page_url(self.request)


def queue_of(user, states):
    """The requests at `states` that this person may see (a queryset: nothing is read yet)."""
    return requests_visible_to(user, ConferenceRequest.objects.filter(state__in=states))


def row_of(request, today: date) -> QueueRow:
    """One row of the page shown, assessed as the request page would assess it."""
    assessment, problem = try_assessment(request, siblings=request.sibling_count)
    waiting = (today - timezone.localdate(request.stage_entered_at)).days
    return QueueRow(request, assessment, problem, waiting, current_deadline(request, today))


def queue_page(queue, page_number, today: date, *, sort=DEFAULT_SORT, **filters):
    """The page asked for of the queue, filtered and sorted by the database; only its rows are assessed."""
    shown = assessable(filtered(queue, **filters).select_related("child__team", "submitted_by")).order_by(
        *ordering(sort)
    )
    page = Paginator(shown, PAGE_SIZE).get_page(page_number)
    page.object_list = [row_of(request, today) for request in page.object_list]
    return page


def teams_in(queue):
    """The teams of the children in the queue, for the team filter: (id, name), by name."""
    # Read from the queue's own rows (a thousand at most), not by asking each team whether it has one.
    teams = (
        queue.filter(child__team__isnull=False)
        .order_by("child__team__name", "child__team_id")
        .values_list("child__team_id", "child__team__name")
        .distinct()
    )
    return [(str(pk), name) for pk, name in teams]


def open_challenges(user):
    """Open challenges on requests this person may see, soonest due first."""
    return (
        Challenge.objects.filter(state__in=stages.OPEN_CHALLENGE_STATES, request__in=requests_visible_to(user))
        .select_related("request__child__team", "issued_by")
        .order_by("response_due", "pk")
    )


def _sort_links(current: str) -> list[dict]:
    """Each sortable column: the sort its heading link asks for, and its aria-sort now."""
    links = []
    for key, words in DashboardFilterForm.SORTS.items():
        if current == key:
            links.append({"key": key, "words": words, "next": f"-{key}", "aria": "ascending"})
        elif current == f"-{key}":
            links.append({"key": key, "words": words, "next": key, "aria": "descending"})
        else:
            first = f"-{key}" if key == "waiting" else key
            links.append({"key": key, "words": words, "next": first, "aria": "none"})
    return links


@login_required
def dashboard(http_request):
    user = http_request.user
    role = role_of(user)
    states = QUEUES.get(role, [])
    today = timezone.localdate()
    queue = queue_of(user, states)
    filters = DashboardFilterForm(
        http_request.GET,
        stages=[(state.value, state.label) for state in states],
        flags=[(tag.key, tag.words) for tag in FLAGS],
        teams=teams_in(queue) if states else [],
    )
    sort = filters.value("sort") or DEFAULT_SORT
    chosen = {name: filters.value(name) for name in ("stage", "flag", "team")}
    summary = queue_summary(queue, today) if states else {"size": 0, "overdue": 0}
    page = queue_page(queue, http_request.GET.get("page"), today, sort=sort, **chosen) if states else None
    challenges = (
        [(challenge, challenge_deadline(challenge, today)) for challenge in open_challenges(user)]
        if role in CHALLENGE_ROLES
        else []
    )
    shown = [row.request.child_id for row in page] if page else []
    listed = shown + [challenge.request.child_id for challenge, _ in challenges]
    record_list_access(user, listed, http_request.get_full_path())
    context = {
        "role": role,
        "title": stages.queue_title(role),
        "watching": role == Role.TEAM_MANAGER,
        "states": states,
        "queue_size": summary["size"],
        "page_obj": page,
        "filters": filters,
        "filtered": any(chosen.values()),
        "shown_count": page.paginator.count if page else 0,
        "sort": sort,
        "sort_links": _sort_links(sort),
        "overdue_count": summary["overdue"],
        "challenges": challenges,
        "overdue_challenges": sum(1 for _, deadline in challenges if deadline and deadline.is_overdue),
    }
    return render(http_request, "conferences/decisions/dashboard.html", context)
