"""Production: anything but DJANGO_ENV=development. Refuses to start without its own key and hosts.

Behind a proxy that ends TLS and sets X-Forwarded-Proto; `check --deploy --fail-level WARNING` passes.
"""

from django.core.exceptions import ImproperlyConfigured

from repeatplans.settings.base import *  # noqa: F403
from repeatplans.settings.base import environment

_missing = [
    name
    for name, value in [
        ("DJANGO_SECRET_KEY", environment.SECRET_KEY),
        ("DJANGO_ALLOWED_HOSTS", environment.ALLOWED_HOSTS),
    ]
    if not value
]
if _missing:
    raise ImproperlyConfigured(
        f"Production settings need {' and '.join(_missing)} (or DJANGO_ENV=development for a local demo)."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
# The load balancer's health check speaks plain HTTP to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
