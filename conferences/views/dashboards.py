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
from conferences.queue import DEFAULT_SORT, assessable, filtered, ordering, overview
from conferences.selectors import try_assessment
from conferences.timescales import Deadline, challenge_deadline, current_deadline
from conferences.views.links import links_to
from people.roles import Role, role_of

PAGE_SIZE = 25

# The stages each role decides on or oversees, and who sees open challenges: conferences/stages.py says
# who acts at each stage, and these follow from it.
QUEUES = stages.QUEUES
CHALLENGE_ROLES = stages.CHALLENGE_ROLES


@dataclass
class QueueRow:
    """One row of the page shown, its cells worked out once here: the template only places them."""

    request: ConferenceRequest
    assessment: Assessment | None
    problem: str | None
    days_waiting: int
    deadline: Deadline | None
    flags: list[FlagTag]
    url: str
    decide_url: str
    submitted_by: str  # who submitted it, in words; "" while it is a draft

    @property
    def child(self) -> Child:
        return self.request.child

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline.is_overdue

    @property
    def due_on(self) -> str:
        return f"{self.deadline.due:%-d %b %Y}" if self.deadline else ""


@dataclass(frozen=True)
class ChallengeRow:
    """One open challenge as the dashboard and the list of challenges show it."""

    challenge: Challenge
    deadline: Deadline | None
    url: str

    @property
    def issued_on(self) -> str:
        return f"{self.challenge.issued_at:%-d %b %Y}"

    @property
    def issued_by(self) -> str:
        by = self.challenge.issued_by
        return by.get_full_name() or by.username

    @property
    def due_on(self) -> str:
        return f"{self.deadline.due:%-d %b %Y}" if self.deadline else ""


def queue_of(user, states):
    """The requests at `states` that this person may see (a queryset: nothing is read yet)."""
    return requests_visible_to(user, ConferenceRequest.objects.filter(state__in=states))


def _name_of(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def rows_of(requests, today: date) -> list[QueueRow]:
    """The rows of the page shown, each assessed as the request page would assess it."""
    request_page, decide_page = links_to("conferences:request_detail"), links_to("decisions:decide")
    rows = []
    for request in requests:
        assessment, problem = try_assessment(request, siblings=request.sibling_count)
        rows.append(
            QueueRow(
                request=request,
                assessment=assessment,
                problem=problem,
                days_waiting=(today - timezone.localdate(request.stage_entered_at)).days,
                deadline=current_deadline(request, today),
                flags=flag_tags(assessment),
                url=request_page(request.pk),
                decide_url=decide_page(request.pk),
                submitted_by=_name_of(request.submitted_by),
            )
        )
    return rows


def queue_page(ids, page_number, today: date, *, sort=DEFAULT_SORT, **filters):
    """The page asked for of the queue (`ids`, read once by conferences.queue.overview), filtered and sorted
    by the database; only its rows are assessed."""
    queue = ConferenceRequest.objects.filter(pk__in=ids)
    shown = assessable(filtered(queue, **filters).select_related("child__team", "submitted_by")).order_by(
        *ordering(sort)
    )
    page = Paginator(shown, PAGE_SIZE).get_page(page_number)
    page.object_list = rows_of(page.object_list, today)
    return page


def open_challenges(user):
    """Open challenges on requests this person may see, soonest due first."""
    return (
        Challenge.objects.filter(state__in=stages.OPEN_CHALLENGE_STATES, request__in=requests_visible_to(user))
        .select_related("request__child__team", "issued_by")
        .order_by("response_due", "pk")
    )


def challenge_rows(challenges, today: date) -> list[ChallengeRow]:
    challenge_page = links_to("decisions:challenge")
    return [
        ChallengeRow(challenge, challenge_deadline(challenge, today), challenge_page(challenge.pk))
        for challenge in challenges
    ]


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
    queue = overview(queue_of(user, states), today) if states else None
    filters = DashboardFilterForm(
        http_request.GET,
        stages=[(state.value, state.label) for state in states],
        flags=[(tag.key, tag.words) for tag in FLAGS],
        teams=queue.teams if queue else [],
    )
    sort = filters.value("sort") or DEFAULT_SORT
    chosen = {name: filters.value(name) for name in ("stage", "flag", "team")}
    page = queue_page(queue.ids, http_request.GET.get("page"), today, sort=sort, **chosen) if queue else None
    challenges = challenge_rows(open_challenges(user), today) if role in CHALLENGE_ROLES else []
    shown = [row.request.child_id for row in page] if page else []
    listed = shown + [row.challenge.request.child_id for row in challenges]
    record_list_access(user, listed, http_request.get_full_path())
    context = {
        "role": role,
        "title": stages.queue_title(role),
        "watching": role == Role.TEAM_MANAGER,
        "states": states,
        "several_stages": len(states) > 1,
        "queue_size": queue.size if queue else 0,
        "page_obj": page,
        "filters": filters,
        "filtered": any(chosen.values()),
        "shown_count": page.paginator.count if page else 0,
        "sort": sort,
        "sort_links": _sort_links(sort),
        "overdue_count": queue.overdue if queue else 0,
        "challenges": challenges,
        "overdue_challenges": sum(1 for row in challenges if row.deadline and row.deadline.is_overdue),
    }
    return render(http_request, "conferences/decisions/dashboard.html", context)
