"""DJANGO_MFA=off is a development convenience that production ignores; the admin's path comes from the environment.

Each case reads the settings in a fresh process with exactly the environment it names.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-real-production-key-" + "q8Zr3Lm1Xv7Tn4Kp9Wd2Hs6Jc5Bf0Ga" * 2,
    "DJANGO_ALLOWED_HOSTS": "gatekeeping.council.example",
}


def setting(name, **env):
    base = {"PATH": os.environ["PATH"], "DATABASE_URL": os.environ["DATABASE_URL"]}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-v",
            "0",
            "-c",
            f"from django.conf import settings; print(settings.{name})",
        ],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "required"),
    [
        (PRODUCTION, "True"),
        ({**PRODUCTION, "DJANGO_MFA": "off"}, "True"),
        ({**PRODUCTION, "DJANGO_ENV": "staging", "DJANGO_MFA": "off"}, "True"),
        ({"DJANGO_ENV": "development"}, "True"),
        ({"DJANGO_ENV": "development", "DJANGO_MFA": "off"}, "False"),
    ],
)
def test_only_development_may_switch_the_second_factor_off(env, required):
    assert setting("MFA_REQUIRED", **env) == required


def test_the_admin_is_not_at_admin_in_production_unless_the_environment_says_where():
    assert setting("ADMIN_PATH", **PRODUCTION) == "council-admin/"
    assert setting("ADMIN_PATH", **PRODUCTION, DJANGO_ADMIN_PATH="reference-data/") == "reference-data/"
    assert setting("ADMIN_PATH", DJANGO_ENV="development") == "admin/"
