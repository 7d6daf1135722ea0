"""Who may act on a conference request: the one place that checks a transition's or record's permission.

A person may act when their role is in the party the action's declaration names (conferences/actions.py;
by default whoever acts at the stage, conferences/stages.py), they hold the request (object permission
by team or service area, or a council-wide role), and, for an approval, they did not submit it themselves.
"""

from guardian.shortcuts import get_objects_for_user

from cases.permissions import access_groups, access_groups_of, sync_object_access, sync_objects_access
from conferences.actions import ACTIONS, CHALLENGE_STEPS, CORRECTIONS, RECORDS, START_REQUEST
from people.roles import Role, role_of

REQUEST_PERMS = ("conferences.view_conferencerequest", "conferences.change_conferencerequest")


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
    """Why this person may not take this transition on this request, or None if they may.

    Who may take it is the party its declaration names: by default, whoever acts at its source stage.
    """
    action = ACTIONS[name]
    if role_of(user) not in action.party.roles:
        return "Your role does not take this decision."
    if not holds_request(user, request):
        return "This request belongs to another team or service area."
    if action.approval and user.pk in {request.created_by_id, request.submitted_by_id}:
        return "You cannot approve a request that you made."
    return None


def may_transition(user, request, name) -> bool:
    return transition_refusal(user, request, name) is None


def record_refusal(user, request, record) -> str | None:
    declared = RECORDS[record]
    roles, states = declared.by.roles, declared.states
    if role_of(user) not in roles:
        return "Your role does not record this."
    if not holds_request(user, request):
        return "This request belongs to another team or service area."
    if request.state not in states:
        return f"This cannot be changed while the request is at '{request.get_state_display()}'."
    return None


def may_record(user, request, record) -> bool:
    return record_refusal(user, request, record) is None


def correction_refusal(user, request, name) -> str | None:
    """The manager of whoever records the fact, on a request they hold; or the data manager, on any
    child they may see (they hold no requests: they keep the record straight)."""
    from cases.permissions import can_view_child

    role = role_of(user)
    if role not in CORRECTIONS[name].roles:
        return "Your role does not correct this."
    if role == Role.DATA_MANAGER:
        return None if can_view_child(user, request.child) else "You cannot see this child's record."
    if not holds_request(user, request):
        return "This request belongs to another team or service area."
    return None


def may_start_request(user, child) -> bool:
    from cases.permissions import can_change_child

    return role_of(user) in START_REQUEST.by.roles and can_change_child(user, child)


def challenge_refusal(user, challenge, action) -> str | None:
    """respond: the team manager of the child's team; resolve or escalate: a CP chair (as declared)."""
    if role_of(user) not in CHALLENGE_STEPS[action].party.roles:
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


def sync_requests_access_of(children):
    """Every request of `children` held by its child's groups, in a few queries (bulk writes)."""
    from conferences.models import ConferenceRequest

    requests = list(ConferenceRequest.objects.filter(child__in=children))
    groups = access_groups_of(children)
    sync_objects_access(requests, REQUEST_PERMS, {request.pk: groups[request.child_id] for request in requests})
