"""Where each person can go: the header's navigation and the home page's list of work.

Each item asks the access function of the page it links to, so the navigation never offers a
page that would refuse the person, and no role list is written twice.
"""

from dataclasses import dataclass

from django.urls import reverse

from cases.history_import import may_import_history
from conferences.stages import queue_title
from conferences.views.dashboards import CHALLENGE_ROLES, QUEUES
from people.roles import Role, role_of
from quality.access import may_read_deep_dives, may_read_security_events, may_see_indicators
from quality.annex_a import may_export
from reviews.permissions import CHAIR_ROLES as REVIEW_CHAIR_ROLES

QUEUE_WORDS = {role: "Requests waiting for your decision." for role in QUEUES} | {
    Role.TEAM_MANAGER: "Your team's open requests, wherever they are."
}


@dataclass(frozen=True)
class NavItem:
    text: str
    url: str
    description: str = ""
    exact: bool = False


def work_items(user) -> list[NavItem]:
    """The pages of this person's own work, beyond home and search."""
    role = role_of(user)
    items = []
    if role in QUEUES:
        items.append(NavItem(queue_title(role), reverse("decisions:dashboard"), QUEUE_WORDS[role], exact=True))
    if role in CHALLENGE_ROLES:
        items.append(NavItem("Challenges", reverse("decisions:challenges"), "Open challenges and resolutions."))
    if role in REVIEW_CHAIR_ROLES:
        items.append(NavItem("Plan endings", reverse("reviews:endings"), "Plan endings waiting to be agreed."))
    if may_see_indicators(user):
        items.append(NavItem("Indicators", reverse("quality:indicators"), "Performance indicators and trends."))
    if may_read_deep_dives(user):
        items.append(NavItem("Deep dives", reverse("quality:deep_dives"), "Deep-dive audits of repeat-plan requests."))
    if may_read_security_events(user) and role == Role.AUDITOR:
        items.append(
            NavItem("Security events", reverse("quality:security_events"), "Failed sign-ins and refused look-ups.")
        )
    if may_export(user):
        items.append(NavItem("Annex A", reverse("annex_a:export"), "Ofsted Annex A list 7 export."))
    if may_import_history(user):
        items.append(NavItem("Import history", reverse("history_import:upload"), "Load a CIN census return."))
    return items


def navigation(request):
    """Context processor: `nav_items` for the header of every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": [
            NavItem("Home", reverse("home"), exact=True),
            NavItem("Find a child", reverse("cases:child_search")),
            *work_items(user),
            NavItem("Notifications", reverse("notifications:list")),
        ]
    }
