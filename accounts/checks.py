from django.conf import settings
from django.core.checks import Error, register

from people.roles import Role


@register()
def group_roles_are_roles(app_configs, **kwargs):
    """OIDC_GROUP_ROLES must name roles this service has, or a sign-in would fail half-way."""
    unknown = sorted({role for role in settings.OIDC_GROUP_ROLES.values() if role not in Role.values})
    if unknown:
        return [
            Error(
                f"OIDC_GROUP_ROLES names roles that do not exist: {', '.join(unknown)}",
                hint=f"Roles are: {', '.join(Role.values)}",
                id="accounts.E001",
            )
        ]
    return []
