"""A child's conference requests, for the child's page (templates/cases/child_detail.html).

The page belongs to `cases`, which knows nothing of requests; its template asks this tag, so the
requests the person may see, the open one and whether they may start one are worked out here.
"""

from dataclasses import dataclass

from django import template
from django.db.models import Exists, OuterRef

from conferences.corrections import corrections_open_to
from conferences.models import OPEN_STATES, ConferenceRequest
from conferences.permissions import may_start_request, requests_visible_to
from conferences.records import start_blocker

register = template.Library()


@dataclass(frozen=True)
class ChildRequests:
    requests: list[ConferenceRequest]
    open_request: ConferenceRequest | None
    may_start: bool
    start_blocker: str | None  # why the child's team cannot start one now (None for others: nothing to offer)
    # Requests the person does not see but may correct a recorded fact of (the data manager), each with
    # the corrections open to them.
    correctable: list[tuple[ConferenceRequest, list]]


@register.simple_tag(takes_context=True)
def child_requests(context, child) -> ChildRequests:
    """`{% child_requests child as conference %}`: the child's requests as the signed-in person may see them."""
    user = context["request"].user
    # Every request of the child, each marked with whether this person may see it, in one query.
    seen = Exists(requests_visible_to(user).filter(pk=OuterRef("pk")))
    every = list(child.conference_requests.select_related("created_by").annotate(seen=seen).order_by("-created_at"))
    requests = [request for request in every if request.seen]
    open_request = next((r for r in requests if r.state in OPEN_STATES), None)
    team_may_start = open_request is None and may_start_request(user, child)
    blocker = start_blocker(child) if team_may_start else None
    correctable = [
        (request, corrections)
        for request in every
        if not request.seen and (corrections := corrections_open_to(user, request))
    ]
    return ChildRequests(requests, open_request, team_may_start and blocker is None, blocker, correctable)
