"""A child's conference requests, for the child's page (templates/cases/child_detail.html).

The page belongs to `cases`, which knows nothing of requests; its template asks this tag, so the
requests the person may see, the open one and whether they may start one are worked out here.
"""

from dataclasses import dataclass

from django import template

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


@register.simple_tag(takes_context=True)
def child_requests(context, child) -> ChildRequests:
    """`{% child_requests child as conference %}`: the child's requests as the signed-in person may see them."""
    user = context["request"].user
    requests = list(
        requests_visible_to(user, child.conference_requests.select_related("created_by")).order_by("-created_at")
    )
    open_request = next((r for r in requests if r.state in OPEN_STATES), None)
    team_may_start = open_request is None and may_start_request(user, child)
    blocker = start_blocker(child) if team_may_start else None
    return ChildRequests(requests, open_request, team_may_start and blocker is None, blocker)
