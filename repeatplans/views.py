"""The home page: each person starts from their own work.

Team roles see their team's children with open requests (drafts included) and their own requests;
managers, CP chairs, the CP Manager and the Head of Service are pointed to the decisions dashboard,
auditors to the quality pages.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from audit.services import record_list_access
from conferences.models import OPEN_STATES, ConferenceRequest
from conferences.permissions import requests_visible_to
from people.roles import TEAM_ROLES, Role, role_of
from repeatplans.navigation import work_items

PAGE_SIZE = 20


@login_required
def home(request):
    role = role_of(request.user)
    if role in TEAM_ROLES:
        return team_home(request)
    return render(
        request,
        "home/other.html",
        {"role": Role(role).label if role else None, "work_items": work_items(request.user)},
    )


def team_home(request):
    """ "My children and requests": the team's open requests, or (?list=mine) the person's own, paginated."""
    user = request.user
    showing_mine = request.GET.get("list") == "mine"
    requests = requests_visible_to(
        user, ConferenceRequest.objects.select_related("child__team", "created_by", "submitted_by")
    )
    if showing_mine:
        requests = requests.filter(created_by=user).order_by("-created_at", "-pk")
    else:
        requests = requests.filter(child__team_id=user.staff.team_id, state__in=OPEN_STATES).order_by(
            "stage_entered_at", "pk"
        )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    record_list_access(user, [shown.child_id for shown in page.object_list], request.get_full_path())
    return render(
        request,
        "home/team.html",
        {
            "page_obj": page,
            "showing_mine": showing_mine,
            "team": user.staff.team,
        },
    )
