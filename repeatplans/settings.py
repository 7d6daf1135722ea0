"""Settings for repeat-plan gatekeeping.

PostgreSQL only: DATABASE_URL when set, otherwise the embedded server (repeatplans/embedded_db.py).
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() == "true"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

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
    "cases",
    "conferences",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "pghistory.middleware.HistoryMiddleware",
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
            ],
        },
    },
]

_database_url = os.environ.get("DATABASE_URL")
if not _database_url:
    from repeatplans.embedded_db import database_url

    _database_url = database_url()
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=0)}
# Lets parallel test runs on one server keep apart (pytest-xdist adds its own suffix).
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # no anonymous access to children's records
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gatekeeping@council.example")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Celery: Redis in production; with no broker configured, tasks run in-process.
# (The in-memory transport is never used then; naming it keeps kombu from warning on each task.)
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or (
    None if CELERY_TASK_ALWAYS_EAGER else CELERY_BROKER_URL
)
# A failing notification must not turn a saved decision into an error page.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# ---- Timescales, notifications and reminders (issue 5; notifications app, conferences/timescales.py) ----
from celery.schedules import crontab  # noqa: E402

INSTALLED_APPS += ["notifications"]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("notifications.context_processors.notifications")

# Local timescales in working days (the statutory 15 working days to conference is not configurable).
GATEKEEPING_TIMESCALES = {
    "manager_discussion": 2,
    "cpc_screening": 2,
    "head_of_service_signoff": 2,
    "challenge_response": 10,
    "challenge_resolution": 20,
}
# Overdue by more than this many working days: escalated one manager up; by twice as many, the next.
ESCALATE_AFTER_WORKING_DAYS = int(os.environ.get("ESCALATE_AFTER_WORKING_DAYS", "2"))
NOTIFICATION_EMAIL_MAX_RETRIES = 6  # backoff 1s, 2s, 4s ... capped at 10 minutes

# Reminders and the daily digest every weekday morning (the task itself skips bank holidays).
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "notifications.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
}
# Results are kept only for tasks that a page or command reads (they set ignore_result=False).
CELERY_RESULT_EXPIRES = 7 * 24 * 3600
CELERY_RESULT_EXTENDED = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Late acknowledgement redelivers a task whose worker died; it must outlast the longest retry backoff.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# ---- end of issue 5 block ----

# ---- Sign-in (issue 15; accounts/) ----
import json  # noqa: E402
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "accounts"]
# After the messages middleware: ending a session says why on the sign-in page.
_messages = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware")
MIDDLEWARE[_messages + 1 : _messages + 1] = [
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *AUTHENTICATION_BACKENDS[:1],
    "accounts.oidc.CouncilAccountBackend",
    *AUTHENTICATION_BACKENDS[1:],
]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("accounts.context_processors.session_timeout")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Locked per account only: a council's staff reach the service from a few shared addresses, so
# counting failures per address would lock a whole office out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 3600
SESSION_TIMEOUT_WARNING = 5 * 60
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
MFA_REQUIRED = os.environ.get("DJANGO_MFA", "on") != "off"
OTP_TOTP_ISSUER = "Repeat-plan gatekeeping"
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_DISCOVERY_URL = os.environ.get("OIDC_OP_DISCOVERY_URL", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_GROUP_ROLES = json.loads(os.environ.get("OIDC_GROUP_ROLES", "{}"))
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_USERNAME_CLAIM = "preferred_username"
OIDC_TIMEOUT = 10
# ---- end of sign-in block ----
