"""Every call by a service account is written to the audit trail: integrations act unseen otherwise."""

from audit.services import record_event

API_CALL = "api_call"


def is_service_account(user) -> bool:
    from api.models import ServiceAccount

    return bool(user and user.is_authenticated) and ServiceAccount.objects.filter(user=user).exists()


class ServiceAccountTrailMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        user = getattr(request, "user", None)
        if is_service_account(user):
            record_event(
                user,
                API_CALL,
                description=f"{request.method} {request.get_full_path()} answered {response.status_code}"[:1000],
            )
        return response
