"""What every environment shares. Values from the environment come from environment.py."""

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
    "cases",
    "conferences",
    "audit",
    "notifications",
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
                "notifications.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {"default": {**environment.DATABASE, "CONN_MAX_AGE": 0}}
if environment.TEST_DATABASE_NAME:
    DATABASES["default"]["TEST"] = {"NAME": environment.TEST_DATABASE_NAME}

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
}
# Results are kept only for tasks that a page or command reads (they set ignore_result=False).
CELERY_RESULT_EXPIRES = 7 * 24 * 3600
CELERY_RESULT_EXTENDED = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Late acknowledgement redelivers a task whose worker died; it must outlast the longest retry backoff.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# Local timescales (working days): only the overrides; the defaults live in conferences/timescales.py.
# The statutory 15 working days to conference is not configurable.
GATEKEEPING_TIMESCALES = environment.GATEKEEPING_TIMESCALES
# Overdue by more than this many working days: escalated one manager up; by twice as many, the next.
ESCALATE_AFTER_WORKING_DAYS = environment.ESCALATE_AFTER_WORKING_DAYS
NOTIFICATION_EMAIL_MAX_RETRIES = 6  # backoff 1s, 2s, 4s ... capped at 10 minutes

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
