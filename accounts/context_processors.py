def session_timeout(request):
    """The time-out warning's figures, in seconds, for frontend/app.js (read from <body>'s data attributes)."""
    from django.conf import settings

    return {
        "session_timeout": {
            "idle": settings.SESSION_IDLE_TIMEOUT,
            "warning": settings.SESSION_TIMEOUT_WARNING,
            "warning_minutes": settings.SESSION_TIMEOUT_WARNING // 60,
        }
    }
