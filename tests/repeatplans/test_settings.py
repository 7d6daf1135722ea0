"""Production is the default, and it refuses to run on guesses; settings start nothing.

Each case runs `manage.py` in a fresh process with exactly the environment it names, as a council's
server would.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-real-production-key-" + "x7Kq2mZ9pL4vN8rT1wY6bH3jF5dS0gC" * 2
PRODUCTION = {
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_ALLOWED_HOSTS": "gatekeeping.council.example",
}


def manage(*args, **env):
    """Run manage.py with only PATH, DATABASE_URL and `env` in the environment."""
    base = {"PATH": os.environ["PATH"], "DATABASE_URL": os.environ["DATABASE_URL"]}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def setting(name, **env):
    return manage("shell", "-v", "0", "-c", f"from django.conf import settings; print(repr(settings.{name}))", **env)


def test_debug_is_off_unless_the_environment_says_development():
    assert setting("DEBUG", **PRODUCTION).stdout.strip() == "False"
    assert setting("DEBUG", DJANGO_ENV="development").stdout.strip() == "True"
    assert setting("DEBUG", DJANGO_ENV="staging", **PRODUCTION).stdout.strip() == "False"


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "gatekeeping.council.example"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": SECRET}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_its_own_key_and_hosts(env, missing):
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: Production settings need {missing} " in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_there_is_no_known_fallback_key():
    key = setting("SECRET_KEY", **PRODUCTION).stdout.strip()
    assert key == repr(SECRET)
    development_key = setting("SECRET_KEY", DJANGO_ENV="development").stdout.strip()
    assert development_key not in (setting("SECRET_KEY", **PRODUCTION).stdout.strip(), "")


def without_database_url(*args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_command_that_reads_the_database_says_what_is_missing_and_starts_nothing():
    result = without_database_url("migrate")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "ImproperlyConfigured: DATABASE_URL is not set" in without_database_url("check", "--database", "default").stderr
    )


@pytest.mark.parametrize(
    "args",
    [("help",), ("check",), ("collectstatic", "--noinput", "--dry-run"), ("makemigrations", "--check", "--dry-run")],
)
def test_commands_that_never_read_the_database_need_none(args):
    result = without_database_url(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DATABASE_URL" not in result.stderr and "PostgreSQL" not in result.stderr


def test_check_deploy_passes_with_only_the_three_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_redirect_and_hsts():
    script = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage("shell", "-v", "0", "-c", script, **PRODUCTION)
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "True",
        "Lax",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ]
