"""DJANGO_ENV=development: `make run` and the tests. DEBUG on, a local key, local hosts."""

from repeatplans.settings.base import *  # noqa: F403
from repeatplans.settings.base import environment

DEBUG = True
# A key for this machine only; production refuses to start without its own.
SECRET_KEY = environment.SECRET_KEY or "development-only-key-never-used-in-production"
ALLOWED_HOSTS = environment.ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
# DJANGO_MFA=off: no second factor, for local demos and automated checks (production ignores it).
MFA_REQUIRED = environment.MFA != "off"
ADMIN_PATH = environment.ADMIN_PATH or "admin/"
