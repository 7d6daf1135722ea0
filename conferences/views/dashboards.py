"""The managers' dashboard: the requests waiting for this person's decision, with the facts that matter.

Due dates and days remaining come from conferences.timescales (working days), days waiting from the
day the request entered its stage.

Each queue is read in a fixed number of queries however long it is: the plan history, its services
and the proposed services are prefetched and the siblings counted in the same query, so the one
assessment (conferences.selectors.try_assessment) runs in Python for every row. Filtering on a flag
and sorting on the plan number therefore also happen in Python, over the whole queue, before the
page is cut.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
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
from conferences.selectors import try_assessment
from conferences.timescales import Deadline, challenge_deadline, current_deadline
from conferences.views.decisions import request_page_url
from people.roles import Role, role_of

PAGE_SIZE = 25
DEFAULT_SORT = "due"

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

    def has_flag(self, key: str) -> bool:
        return self.assessment is not None and bool(getattr(self.assessment, key))


def queue_queryset(user, states):
    """The requests at `states` that this person may see, with everything a row needs, in fixed queries."""
    siblings = (
        Child.objects.filter(family_id=OuterRef("child__family_id"))
        .exclude(pk=OuterRef("child_id"))
        .order_by()
        .values("family_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    queryset = ConferenceRequest.objects.filter(state__in=states)
    return (
        requests_visible_to(user, queryset)
        .select_related("child__team", "submitted_by")
        .prefetch_related("child__plans__services", "proposed_services")
        .annotate(sibling_count=Coalesce(Subquery(siblings, output_field=IntegerField()), Value(0)))
    )


def queue_rows(user, states, today: date | None = None) -> list[QueueRow]:
    today = today or timezone.localdate()
    rows = []
    for request in queue_queryset(user, states):
        assessment, problem = try_assessment(request, siblings=request.sibling_count)
        waiting = (today - timezone.localdate(request.stage_entered_at)).days
        rows.append(QueueRow(request, assessment, problem, waiting, current_deadline(request, today)))
    return rows


SORT_KEYS = {
    "due": lambda row: (row.deadline is None, row.deadline.due if row.deadline else None),
    "waiting": lambda row: row.days_waiting,
    "plan": lambda row: row.assessment.plan_number if row.assessment else 0,
    "child": lambda row: (row.child.last_name.lower(), row.child.first_name.lower(), row.child.local_child_id),
}


def filter_and_sort(rows, *, stage="", flag="", team="", sort="") -> list[QueueRow]:
    if stage:
        rows = [row for row in rows if row.request.state == stage]
    if flag:
        rows = [row for row in rows if row.has_flag(flag)]
    if team:
        rows = [row for row in rows if str(row.child.team_id) == team]
    sort = sort or DEFAULT_SORT
    return sorted(rows, key=SORT_KEYS[sort.lstrip("-")], reverse=sort.startswith("-"))


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
    rows = queue_rows(user, states, today) if states else []
    teams = sorted(
        {(str(row.child.team_id), row.child.team.name) for row in rows if row.child.team_id}, key=lambda team: team[1]
    )
    filters = DashboardFilterForm(
        http_request.GET,
        stages=[(state.value, state.label) for state in states],
        flags=[(tag.key, tag.words) for tag in FLAGS],
        teams=teams,
    )
    sort = filters.value("sort") or DEFAULT_SORT
    shown = filter_and_sort(
        rows, stage=filters.value("stage"), flag=filters.value("flag"), team=filters.value("team"), sort=sort
    )
    page = Paginator(shown, PAGE_SIZE).get_page(http_request.GET.get("page"))
    challenges = (
        [(challenge, challenge_deadline(challenge, today)) for challenge in open_challenges(user)]
        if role in CHALLENGE_ROLES
        else []
    )
    listed = [row.request.child_id for row in page] + [challenge.request.child_id for challenge, _ in challenges]
    record_list_access(user, listed, http_request.get_full_path())
    context = {
        "role": role,
        "title": stages.queue_title(role),
        "watching": role == Role.TEAM_MANAGER,
        "states": states,
        "queue_size": len(rows),
        "page_obj": page,
        "filters": filters,
        "filtered": any(filters.value(name) for name in ("stage", "flag", "team")),
        "shown_count": len(shown),
        "sort": sort,
        "sort_links": _sort_links(sort),
        "overdue_count": sum(1 for row in rows if row.overdue),
        "challenges": challenges,
        "overdue_challenges": sum(1 for _, deadline in challenges if deadline and deadline.is_overdue),
    }
    return render(http_request, "conferences/decisions/dashboard.html", context)
