"""Every environment variable the app reads, read here and nowhere else (django-environ).

Nothing here starts anything: a missing DATABASE_URL is an error, not a cue to start a server
(`make run` and `make test` start the embedded one and export its URL).
"""

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

# "development" turns on DEBUG and local conveniences; anything else (or nothing) is production.
DJANGO_ENV = env.str("DJANGO_ENV", default="production")
DEVELOPMENT = DJANGO_ENV == "development"

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

DATABASE_URL = env.str("DATABASE_URL", default="")
# manage.py sets this for the commands that never read a database (help, collectstatic, check, ...),
# so that they run with none given, and start none.
WITHOUT_DATABASE = env.bool("DJANGO_WITHOUT_DATABASE", default=False)
if DATABASE_URL:
    DATABASE = env.db_url_config(DATABASE_URL)
elif WITHOUT_DATABASE:
    DATABASE = {"ENGINE": "django.db.backends.dummy"}
else:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set: give it as postgres://USER:PASSWORD@HOST:PORT/NAME "
        "(make run and make test start the embedded server and set it for you)."
    )
# A read replica of the same database (PostgreSQL streaming replication), where reports, their
# drill-downs and exports read; empty: they read from DATABASE_URL like everything else.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_DATABASE = env.db_url_config(DATABASE_REPLICA_URL) if DATABASE_REPLICA_URL else None
# Redis for the cache (the API's rate limits), so that every web process counts against one limit;
# empty: each process keeps its own cache in memory.
CACHE_URL = env.str("CACHE_URL", default="")
# Lets parallel test runs on one server keep apart (pytest-xdist adds its own suffix).
TEST_DATABASE_NAME = env.str("TEST_DATABASE_NAME", default="")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="gatekeeping@council.example")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Celery: Redis in production; with no broker, tasks run in the web process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")

# Local timescales in working days, overriding conferences/timescales.py's defaults, e.g.
# GATEKEEPING_TIMESCALES="manager_discussion=3,cpc_screening=2".
GATEKEEPING_TIMESCALES = env.dict("GATEKEEPING_TIMESCALES", default={})
ESCALATE_AFTER_WORKING_DAYS = env.int("ESCALATE_AFTER_WORKING_DAYS", default=2)

UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=50)
CENSUS_FILE_KEEP_DAYS = env.int("CENSUS_FILE_KEEP_DAYS", default=0)

# The folder of pg_dump/pg_restore for `backup` and `restore`, when not found by the server's version.
PG_BIN_DIR = env.str("PG_BIN_DIR", default="")

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")

# API calls allowed per token (DRF rate: N/second, N/minute, N/hour or N/day).
API_RATE_PER_TOKEN = env.str("API_RATE_PER_TOKEN", default="600/minute")

# Sign-in (accounts/). DJANGO_MFA=off skips the second factor, in development only.
MFA = env.str("DJANGO_MFA", default="on")
# Where the admin lives, e.g. "reference-data/" (development: admin/; production: council-admin/).
ADMIN_PATH = env.str("DJANGO_ADMIN_PATH", default="")
# Council sign-in (OpenID Connect). For Entra ID the discovery URL is
# https://login.microsoftonline.com/TENANT/v2.0/.well-known/openid-configuration; the four
# endpoints, when given, win over it.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_DISCOVERY_URL = env.str("OIDC_OP_DISCOVERY_URL", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
# The provider's groups (names or object IDs) to this service's roles, as JSON:
# OIDC_GROUP_ROLES='{"GG-Childrens-CP-Chairs": "cp_chair", "6f1c...": "head_of_service"}'.
OIDC_GROUP_ROLES = env.json("OIDC_GROUP_ROLES", default={})
OIDC_USERNAME_CLAIM = env.str("OIDC_USERNAME_CLAIM", default="preferred_username")
