"""Who may see and change which child: the one place for access to children's records.

Workers see their own team's children, managers their service area's, and the council-wide roles
(CP chairs, CP Managers, Head of Service, auditors) every child. Team and area access is held as
django-guardian object permissions granted to one group per team and one per service area, so a
change of allocation is a change of grants, and lists filter in the database.
"""

from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from people.groups import area_group, team_group
from people.roles import PLAN_HISTORY_ROLES, Role, role_of

CHILD_PERMS = ("cases.view_child", "cases.change_child")

# Model-wide permissions of the council-wide roles; auditors only read.
COUNCIL_ROLE_PERMS = {
    Role.CP_CHAIR: [
        "view_child",
        "change_child",
        "view_cpplan",
        "view_conferencerequest",
        "change_conferencerequest",
        "view_challenge",
        "change_challenge",
    ],
    Role.CP_MANAGER: [
        "view_child",
        "change_child",
        "view_cpplan",
        "view_conferencerequest",
        "change_conferencerequest",
        "view_challenge",
        "change_challenge",
    ],
    Role.HEAD_OF_SERVICE: [
        "view_child",
        "change_child",
        "view_cpplan",
        "view_conferencerequest",
        "change_conferencerequest",
        "view_challenge",
        "change_challenge",
    ],
    Role.AUDITOR: ["view_child", "view_cpplan", "view_conferencerequest", "view_challenge"],
    Role.DATA_MANAGER: ["view_child", "view_cpplan", "add_cpplan", "change_cpplan"],
}


def ensure_role_groups():
    """Create a group per role, with the council-wide roles' model permissions. Idempotent."""
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        codenames = COUNCIL_ROLE_PERMS.get(role, [])
        group.permissions.set(Permission.objects.filter(codename__in=codenames))


def access_groups(child) -> list[Group]:
    """The groups that hold a child's record: its team's, and its service area's managers'."""
    if child.team_id is None:
        return []
    return [team_group(child.team), area_group(child.team.service_area)]


def sync_object_access(obj, perms, groups):
    """Grant `perms` on `obj` to exactly `groups` (and take them from any other team or area group)."""
    wanted = {g.pk for g in groups}
    model = obj._meta.model_name
    holders = Group.objects.filter(**{f"{model}groupobjectpermission__content_object": obj}).distinct()
    for group in holders:
        if group.pk not in wanted:
            for perm in perms:
                remove_perm(perm, group, obj)
    for group in groups:
        for perm in perms:
            assign_perm(perm, group, obj)


def sync_child_access(child):
    sync_object_access(child, CHILD_PERMS, access_groups(child))


def can_view_child(user, child) -> bool:
    return user.has_perm("cases.view_child") or user.has_perm("cases.view_child", child)


def can_change_child(user, child) -> bool:
    return user.has_perm("cases.change_child") or user.has_perm("cases.change_child", child)


def children_visible_to(user, queryset=None):
    from cases.models import Child

    queryset = Child.objects.all() if queryset is None else queryset
    return get_objects_for_user(user, "cases.view_child", queryset, accept_global_perms=True)


def may_keep_plan_history(user) -> bool:
    """Create and correct CP plans (the data manager), on any child they may see."""
    return role_of(user) in PLAN_HISTORY_ROLES
