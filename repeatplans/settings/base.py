"""What every environment shares. Values from the environment come from environment.py."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab

from repeatplans.settings import environment

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
SECRET_KEY = environment.SECRET_KEY
ALLOWED_HOSTS = environment.ALLOWED_HOSTS

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "guardian",
    "pgtrigger",
    "pghistory",
    "crispy_forms",
    "crispy_forms_gds",
    "people",
    "cases",
    "conferences",
    "reviews",
    "audit",
    "quality",
    "notifications",
    "limits",
    "operations",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
]

MIDDLEWARE = [
    "repeatplans.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "repeatplans.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: ending a session says why on the sign-in page.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: sees every view's own answer, so each 403 and refused object look-up is recorded.
    "audit.middleware.RefusedLookUpMiddleware",
]

ROOT_URLCONF = "repeatplans.urls"
WSGI_APPLICATION = "repeatplans.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "repeatplans.navigation.navigation",
                "notifications.context_processors.notifications",
                "accounts.context_processors.session_timeout",
            ],
        },
    },
]

DATABASES = {"default": {**environment.DATABASE, "CONN_MAX_AGE": 0}}
if environment.TEST_DATABASE_NAME:
    DATABASES["default"]["TEST"] = {"NAME": environment.TEST_DATABASE_NAME}
# Reports read from the replica when there is one (quality/replica.py, repeatplans/routers.py). Under
# test it mirrors the test database: the same data through a second connection.
if environment.REPLICA_DATABASE:
    DATABASES["replica"] = {**environment.REPLICA_DATABASE, "CONN_MAX_AGE": 0, "TEST": {"MIRROR": "default"}}
REPORTS_DATABASE = "replica" if environment.REPLICA_DATABASE else "default"
DATABASE_ROUTERS = ["repeatplans.routers.ReportReplicaRouter"]
# Sessions live in PostgreSQL (Django's default), so any web process serves any signed-in person.
if environment.CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": environment.CACHE_URL}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account before any password check
    "django.contrib.auth.backends.ModelBackend",
    "accounts.oidc.CouncilAccountBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # no anonymous access to children's records
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# ---- Sign-in (accounts/): lock-out, sessions, second factor, council sign-in, the admin's path ----
# Five wrong passwords lock the account for 30 minutes (each further try starts them again); every
# attempt is kept (axes' AccessAttempt, AccessFailureLog and AccessLog, in the admin).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Per account only: a council's staff reach the service from a few shared addresses, so counting
# failures per address would lock a whole office out (hence axes' warning about it is silenced).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Sessions end after 30 minutes without a request and 12 hours after sign-in (seconds); the page
# warns SESSION_TIMEOUT_WARNING before the idle end (frontend/app.js).
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SESSION_TIMEOUT_WARNING = 5 * 60
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A one-time code for the roles in accounts/policy.py; only development may switch it off (DJANGO_MFA=off).
MFA_REQUIRED = True
OTP_TOTP_ISSUER = "Repeat-plan gatekeeping"
ADMIN_PATH = environment.ADMIN_PATH or "council-admin/"
# Council sign-in (OpenID Connect, e.g. Microsoft Entra ID): on when OIDC_RP_CLIENT_ID is set; see accounts/oidc.py.
OIDC_RP_CLIENT_ID = environment.OIDC_RP_CLIENT_ID
OIDC_RP_CLIENT_SECRET = environment.OIDC_RP_CLIENT_SECRET
OIDC_OP_DISCOVERY_URL = environment.OIDC_OP_DISCOVERY_URL
OIDC_OP_AUTHORIZATION_ENDPOINT = environment.OIDC_OP_AUTHORIZATION_ENDPOINT
OIDC_OP_TOKEN_ENDPOINT = environment.OIDC_OP_TOKEN_ENDPOINT
OIDC_OP_USER_ENDPOINT = environment.OIDC_OP_USER_ENDPOINT
OIDC_OP_JWKS_ENDPOINT = environment.OIDC_OP_JWKS_ENDPOINT
OIDC_GROUP_ROLES = environment.OIDC_GROUP_ROLES
OIDC_USERNAME_CLAIM = environment.OIDC_USERNAME_CLAIM
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
# ---- end of sign-in ----

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True  # stored in UTC; shown in UK time

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"

# Uploads: refused past this size while they arrive (limits/uploads.py), before anything is stored.
UPLOAD_MAX_BYTES = environment.UPLOAD_MAX_MB * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "limits.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# An uploaded census return is deleted when its import ends, or this many days later.
CENSUS_FILE_KEEP_DAYS = environment.CENSUS_FILE_KEEP_DAYS

# Where `backup` and `restore` look first for pg_dump and pg_restore (operations/postgres.py).
PG_BIN_DIR = environment.PG_BIN_DIR

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Content security policy: everything from our own origin; no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Cookies out of scripts' reach and not sent on other sites' requests (production adds Secure).
# No script reads the CSRF token from its cookie: forms carry it.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = environment.EMAIL_BACKEND
DEFAULT_FROM_EMAIL = environment.DEFAULT_FROM_EMAIL
SITE_URL = environment.SITE_URL

# Celery: Redis in production; with no broker configured, tasks run in-process.
# (The in-memory transport is never used then; naming it keeps kombu from warning on each task.)
CELERY_TASK_ALWAYS_EAGER = not environment.CELERY_BROKER_URL
CELERY_BROKER_URL = environment.CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = environment.CELERY_RESULT_BACKEND or (None if CELERY_TASK_ALWAYS_EAGER else CELERY_BROKER_URL)
# A failing notification must not turn a saved decision into an error page.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Reminders and the daily digest every weekday morning (the task itself skips bank holidays).
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "notifications.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
    "refresh-queues": {
        "task": "conferences.tasks.refresh_queues",
        "schedule": crontab(hour=0, minute=5),
    },
    # The notifications' outbox: whatever could not be queued (broker down) or delivered (mail down).
    "deliver-waiting-notifications": {
        "task": "notifications.tasks.deliver_waiting_notifications",
        "schedule": 60.0,
    },
    "delete-old-census-files": {
        "task": "cases.tasks.delete_old_census_files",
        "schedule": crontab(hour=2, minute=30),
    },
}
# Results are kept only for tasks that a page or command reads (they set ignore_result=False).
CELERY_RESULT_EXPIRES = 7 * 24 * 3600
CELERY_RESULT_EXTENDED = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Late acknowledgement redelivers a task whose worker died; it must outlast the longest retry backoff.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A background run (census import, report) not taken from the queue, or whose worker has not reported
# progress, for this long has stopped: its page says so and offers to retry it (limits/runs.py).
BACKGROUND_RUN_STALE_MINUTES = 10

# Local timescales (working days): only the overrides; the defaults live in conferences/timescales.py.
# The statutory 15 working days to conference is not configurable.
GATEKEEPING_TIMESCALES = environment.GATEKEEPING_TIMESCALES
# Overdue by more than this many working days: escalated one manager up; by twice as many, the next.
ESCALATE_AFTER_WORKING_DAYS = environment.ESCALATE_AFTER_WORKING_DAYS
NOTIFICATION_EMAIL_MAX_RETRIES = 6  # backoff 1s, 2s, 4s ... capped at 10 minutes

# One JSON line per event on standard output, with the request's ID and nothing personal (repeatplans/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "repeatplans.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "repeatplans": {"handlers": ["console"], "level": environment.LOG_LEVEL, "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# ---- The REST API (issue 11; api app, docs/api.md) ----
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar", "api"]

REST_FRAMEWORK = {
    # Tokens only: a browser session never drives the API, so the API needs no CSRF handling.
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": environment.API_RATE_PER_TOKEN},
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Repeat-plan gatekeeping API",
    "DESCRIPTION": "Children's CP plan history, conference requests and their decisions, the gatekeeping "
    "assessment, indicators and the audit trail, under the same rules and permissions as the pages. "
    "Send `Authorization: Bearer TOKEN`; see docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CategoryOfAbuseEnum": "cases.codes.CATEGORY_CHOICES",
        "AlternativeRouteEnum": "conferences.models.AlternativeRoute",
    },
}
API_TOKEN_DEFAULT_DAYS = 90
# ---- end of issue 11 block ----
