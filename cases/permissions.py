"""Who may see and change which child: the one place for access to children's records.

Workers see their own team's children, managers their service area's, and the council-wide roles
(CP chairs, CP Managers, Head of Service, auditors) every child. Team and area access is held as
django-guardian object permissions granted to one group per team and one per service area, so a
change of allocation is a change of grants, and lists filter in the database.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm
from guardian.utils import get_group_obj_perms_model

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


def access_groups_of(children) -> dict[int, list[Group]]:
    """`access_groups` of many children at once, keyed by child id: a look-up per team, not per child."""
    teams = {}
    for child in children:
        if child.team_id is not None and child.team_id not in teams:
            teams[child.team_id] = access_groups(child)
    return {child.pk: teams.get(child.team_id, []) for child in children}


def sync_objects_access(objects, perms, groups_of: dict[int, list[Group]]):
    """`sync_object_access` for many objects of one model in a few queries: each object's `perms`
    are held by exactly the groups `groups_of[object id]`."""
    if not objects:
        return
    grants = get_group_obj_perms_model(objects[0])
    content_type = ContentType.objects.get_for_model(objects[0])
    permissions = dict(
        Permission.objects.filter(
            content_type=content_type, codename__in=[perm.split(".")[-1] for perm in perms]
        ).values_list("codename", "pk")
    )
    wanted = {
        (obj.pk, group.pk, permission)
        for obj in objects
        for group in groups_of[obj.pk]
        for permission in permissions.values()
    }
    held = {
        (obj, group, permission): pk
        for pk, obj, group, permission in grants.objects.filter(
            content_object__in=[obj.pk for obj in objects], permission__in=permissions.values()
        ).values_list("pk", "content_object_id", "group_id", "permission_id")
    }
    stale = [pk for key, pk in held.items() if key not in wanted]
    if stale:
        grants.objects.filter(pk__in=stale).delete()
    grants.objects.bulk_create(
        grants(content_object_id=obj, group_id=group, permission_id=permission)
        for obj, group, permission in wanted - held.keys()
    )


def sync_children_access(children):
    """`sync_child_access` for many children (written in bulk) at once."""
    sync_objects_access(children, CHILD_PERMS, access_groups_of(children))


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
