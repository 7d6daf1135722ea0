"""The roles people hold, as Django groups.

A role says what kind of work a person does; which children and requests they may see is
decided per object (django-guardian), by team for workers and by service area for managers.
"""

from django.db import models


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    PRACTICE_LEAD = "practice_lead", "Practice lead"
    TEAM_MANAGER = "team_manager", "Team manager"
    AREA_MANAGER = "area_manager", "Area manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    CP_CHAIR = "cp_chair", "CP chair (Child Protection Co-ordinator)"
    CP_MANAGER = "cp_manager", "Child Protection Manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of Service"
    AUDITOR = "auditor", "Auditor"
    DATA_MANAGER = "data_manager", "Data manager"


# People who work a case in a team: they see their own team's children and requests.
TEAM_ROLES = {Role.SOCIAL_WORKER, Role.PRACTICE_LEAD, Role.TEAM_MANAGER}
# Managers of a service area: they see everything in that area.
AREA_ROLES = {Role.AREA_MANAGER, Role.SERVICE_MANAGER}
# Council-wide roles: they see every child and request.
COUNCIL_ROLES = {Role.CP_CHAIR, Role.CP_MANAGER, Role.HEAD_OF_SERVICE, Role.AUDITOR}
# Who keeps the CP plan history (census imports and corrections, each with a reason): every child, no requests.
PLAN_HISTORY_ROLES = {Role.DATA_MANAGER}


def role_of(user) -> str | None:
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    return staff.role if staff else None
