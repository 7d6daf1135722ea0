from django.conf import settings

from accounts.policy import ACTIVITY_PRECISION, needs_second_factor, second_factor_done


def session_timeout(request):
    """The time-out warning's figures, in seconds, for frontend/app.js (read from <body>'s data attributes),
    and whether the person still has their second factor to do (the header then offers no pages)."""
    user = getattr(request, "user", None)
    return {
        "session_timeout": {
            "idle": settings.SESSION_IDLE_TIMEOUT - ACTIVITY_PRECISION,
            "warning": settings.SESSION_TIMEOUT_WARNING,
            "warning_minutes": settings.SESSION_TIMEOUT_WARNING // 60,
        },
        "second_factor_pending": user is not None and needs_second_factor(user) and not second_factor_done(request),
    }
