"""Who may see the quality-assurance pages: the one place for access to indicators and deep dives.

Indicators are counts, so every role that oversees practice sees them; Area and Service Managers'
breakdowns are limited to their own service area, and every list of cases behind a number is
filtered by the viewer's own access to children and requests (cases.permissions,
conferences.permissions). Deep dives are the auditors' work; the CP Manager reads them.
"""

from people.roles import AREA_ROLES, Role, role_of

INDICATOR_ROLES = {Role.AUDITOR, Role.CP_MANAGER, Role.HEAD_OF_SERVICE, *AREA_ROLES}
DEEP_DIVE_READERS = {Role.AUDITOR, Role.CP_MANAGER}


def may_see_indicators(user) -> bool:
    return role_of(user) in INDICATOR_ROLES


def own_service_area(user):
    """The service area an Area or Service Manager is limited to; None for the council-wide roles."""
    if role_of(user) not in AREA_ROLES:
        return None
    staff = user.staff
    return staff.service_area or (staff.team.service_area if staff.team_id else None)


def may_run_deep_dives(user) -> bool:
    return role_of(user) == Role.AUDITOR


def may_read_deep_dives(user) -> bool:
    return role_of(user) in DEEP_DIVE_READERS


def limited_to_own_area(user) -> bool:
    """Area and Service Managers see breakdowns and drill-downs for their own service area only."""
    return role_of(user) in AREA_ROLES


def may_read_security_events(user) -> bool:
    """The auditor reads the failed sign-ins and refused look-ups; nobody else (the admin aside)."""
    return role_of(user) == Role.AUDITOR or user.is_superuser
