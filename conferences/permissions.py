"""Who may act on a conference request: the one place for every transition's and record's permission.

A person may act when their role does that work, they hold the request (object permission by team
or service area, or a council-wide role), and, for an approval, they did not submit it themselves.
"""

from guardian.shortcuts import get_objects_for_user

from cases.permissions import access_groups, sync_object_access
from conferences.models import State
from people.roles import AREA_ROLES, TEAM_ROLES, Role, role_of

REQUEST_PERMS = ("conferences.view_conferencerequest", "conferences.change_conferencerequest")

TRANSITION_ROLES = {
    "submit": TEAM_ROLES,
    "confirm_no_previous_plan": TEAM_ROLES,
    "confirm_previous_plan": TEAM_ROLES,
    "proceed": AREA_ROLES,
    "choose_alternative_route": AREA_ROLES,
    "return_for_information": {Role.CP_CHAIR},
    "decline": {Role.CP_CHAIR},
    "accept": {Role.CP_CHAIR},
    "agree": {Role.HEAD_OF_SERVICE},
    "refuse": {Role.HEAD_OF_SERVICE},
    "record_conference": {Role.CP_CHAIR},
    "withdraw": TEAM_ROLES | AREA_ROLES,
}

# Decisions that approve the request: never taken by the person who asked for it.
APPROVALS = {"proceed", "accept", "agree"}

# What a case holder may still write, and when: the proposal only while drafting, the rest until screening ends.
CASE_HOLDER_EDIT_STATES = {State.DRAFT, State.PRIOR_PLAN_CHECK, State.MANAGER_DISCUSSION, State.CPC_SCREENING}

RECORD_RULES = {
    # record: (roles, states)
    "proposal": (TEAM_ROLES, {State.DRAFT}),
    "partners_informed": (TEAM_ROLES, CASE_HOLDER_EDIT_STATES),
    "analysis": (TEAM_ROLES, CASE_HOLDER_EDIT_STATES),
    "service_rationale": (TEAM_ROLES, CASE_HOLDER_EDIT_STATES),
    "sibling_decision": (TEAM_ROLES, CASE_HOLDER_EDIT_STATES),
    "cp_chair_conversation": (TEAM_ROLES | {Role.CP_CHAIR}, CASE_HOLDER_EDIT_STATES),
    "cp_manager_consultation": (
        {Role.CP_CHAIR, Role.CP_MANAGER},
        {State.MANAGER_DISCUSSION, State.CPC_SCREENING, State.HEAD_OF_SERVICE_SIGNOFF},
    ),
    "screening": ({Role.CP_CHAIR}, {State.CPC_SCREENING}),
    "issue_challenge": ({Role.CP_CHAIR}, {State.CPC_SCREENING, State.HEAD_OF_SERVICE_SIGNOFF, State.READY_TO_CONVENE}),
}


def can_view_request(user, request) -> bool:
    return user.has_perm("conferences.view_conferencerequest") or user.has_perm(
        "conferences.view_conferencerequest", request
    )


def holds_request(user, request) -> bool:
    """May change it at all: their team's or area's request, or a council-wide role with change rights."""
    return user.has_perm("conferences.change_conferencerequest") or user.has_perm(
        "conferences.change_conferencerequest", request
    )


def transition_refusal(user, request, name) -> str | None:
    """Why this person may not take this transition on this request, or None if they may."""
    if role_of(user) not in TRANSITION_ROLES[name]:
        return "Your role does not take this decision."
    if not holds_request(user, request):
        return "This request belongs to another team or service area."
    if name in APPROVALS and user.pk in {request.created_by_id, request.submitted_by_id}:
        return "You cannot approve a request that you made."
    return None


def may_transition(user, request, name) -> bool:
    return transition_refusal(user, request, name) is None


def record_refusal(user, request, record) -> str | None:
    roles, states = RECORD_RULES[record]
    if role_of(user) not in roles:
        return "Your role does not record this."
    if not holds_request(user, request):
        return "This request belongs to another team or service area."
    if request.state not in states:
        return f"This cannot be changed while the request is at '{request.get_state_display()}'."
    return None


def may_record(user, request, record) -> bool:
    return record_refusal(user, request, record) is None


def may_start_request(user, child) -> bool:
    from cases.permissions import can_change_child

    return role_of(user) in TEAM_ROLES and can_change_child(user, child)


def challenge_refusal(user, challenge, action) -> str | None:
    """respond: the team manager of the child's team; resolve or escalate: a CP chair."""
    roles = {"respond": {Role.TEAM_MANAGER}, "resolve": {Role.CP_CHAIR}, "escalate": {Role.CP_CHAIR}}[action]
    if role_of(user) not in roles:
        return "Your role does not take this step in a challenge."
    if not holds_request(user, challenge.request):
        return "This challenge belongs to another team."
    return None


def requests_visible_to(user, queryset=None):
    from conferences.models import ConferenceRequest

    queryset = ConferenceRequest.objects.all() if queryset is None else queryset
    return get_objects_for_user(user, "conferences.view_conferencerequest", queryset, accept_global_perms=True)


def sync_request_access(request):
    sync_object_access(request, REQUEST_PERMS, access_groups(request.child))
