"""The groups a person is placed in: one for their role, and one for their team or service area.

Object permissions on children and requests are granted to the team and area groups, so a change
of a person's place is a change of groups.
"""

from django.contrib.auth.models import Group

from people.roles import AREA_ROLES, TEAM_ROLES, Role


def team_group(team) -> Group:
    return Group.objects.get_or_create(name=f"team:{team.pk}")[0]


def area_group(service_area) -> Group:
    return Group.objects.get_or_create(name=f"area:{service_area.pk}")[0]


def place_staff(staff):
    """Put a person in the groups their role and place give them."""
    user = staff.user
    kept = [g for g in user.groups.all() if not (g.name.startswith(("team:", "area:")) or g.name in Role.values)]
    groups = [*kept, Group.objects.get_or_create(name=staff.role)[0]]
    if staff.role in TEAM_ROLES and staff.team_id:
        groups.append(team_group(staff.team))
    if staff.role in AREA_ROLES:
        area = staff.service_area or (staff.team.service_area if staff.team_id else None)
        if area is not None:
            groups.append(area_group(area))
    user.groups.set(groups)
