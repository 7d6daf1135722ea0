"""Refused look-ups are security events: every 403, and every 404 on a page that names an object.

Object views refuse in many ways (PermissionDenied, Http404 from a filtered queryset, the conferences'
NotPermitted rendered as 403); this sees their answer, however it was made. A 404 for an address that
matches no page is noise, not a look-up, and is left out, as are static files.
"""

from django.conf import settings

from audit.models import SecurityEvent
from audit.services import record_security_event

NOT_LOOK_UPS = tuple(prefix for prefix in (settings.STATIC_URL, settings.MEDIA_URL) if prefix and prefix != "/")


class RefusedLookUpMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._is_refused_look_up(request, response.status_code):
            record_security_event(SecurityEvent.Kind.REFUSED, request=request, status=response.status_code)
        return response

    @staticmethod
    def _is_refused_look_up(request, status) -> bool:
        if status not in (403, 404) or request.path.startswith(NOT_LOOK_UPS):
            return False
        match = getattr(request, "resolver_match", None)
        return status == 403 or bool(match and match.kwargs)
