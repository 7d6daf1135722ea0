"""Middleware of the whole site: a request ID on every request and its log lines; nothing with
personal data kept in a cache.
"""

import logging
import re
import time
import uuid

from django.utils.cache import add_never_cache_headers

from repeatplans.logs import request_id

logger = logging.getLogger("repeatplans.request")

# An ID from the proxy is kept only when it looks like one, so no free text reaches the logs.
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives each request an ID (the proxy's X-Request-ID when sane), logs one line per request
    (method, URL pattern, status, duration: never the path's values or the query), and returns the ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        # Not reset on the way out: Django logs a failed response after the middleware returns.
        request_id.set(request.id)
        started = time.monotonic()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "route": match.route if match else None,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000),
            },
        )
        response["X-Request-ID"] = request.id
        return response


class NoStoreWhenSignedInMiddleware:
    """Every response to a signed-in person may carry a child's record: no browser or proxy keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
