"""End-to-end tests in Debian's Chromium, driven by Playwright against pytest-django's live server.

One browser for the whole run; one browser context (cookies, session) for each person in a journey,
so every role signs in and acts in a browser of their own. Every page a journey visits is checked
with axe and photographed (tests/browser/helpers.py).
"""

import itertools
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.utils import ConnectionHandler

from repeatplans.celery import app as celery_app
from tests.browser.helpers import SCREENSHOTS, Person

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls that the tests make
# to build data and read results are still plain synchronous calls, so Django's async guard is lifted here only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
APP_ROLE_PASSWORD = "app-role-test-password"  # the same as tests/audit/test_app_role.py: one role per test database


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test, whatever its file says."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def live_server_as_app_role(django_db_setup, django_db_blocker):
    """The live server connects as the app's own database role, as production does: it owns nothing and
    may only add to the trail. The tests themselves build their data and flush as the owner.

    `create_app_role` runs once the test database is migrated; every connection opened outside the test's
    own thread (the live server answers each request in a thread of its own) signs in as that role.
    Returns the role's name.
    """
    with django_db_blocker.unblock():
        role = f"{connection.settings_dict['NAME']}_app"
        call_command("create_app_role", role, password=APP_ROLE_PASSWORD)
    create_connection = ConnectionHandler.create_connection

    def create_as_app_role(handler, alias):
        wrapper = create_connection(handler, alias)
        if threading.current_thread() is not threading.main_thread():
            wrapper.settings_dict = {**wrapper.settings_dict, "USER": role, "PASSWORD": APP_ROLE_PASSWORD}
        return wrapper

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ConnectionHandler, "create_connection", create_as_app_role)
        yield role


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium by path: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": browser_type_launch_args.get("headless", True),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


@pytest.fixture(autouse=True)
def _browser_settings(settings, monkeypatch):
    """Quick password hashing for the many people a journey signs in; notifications run in the request
    that queues them, whatever broker the environment names, since no broker is part of these journeys.

    Celery read its configuration when the app loaded, so its own settings are changed, not Django's.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", True)


@pytest.fixture(scope="session")
def checked_once():
    """Paths that are the same for everyone (the login form), checked by axe once a run."""
    return set()


@pytest.fixture
def open_browser(new_context, live_server, request, checked_once):
    """`open_browser(username)`: a browser context of its own for one person, not yet signed in.

    The journey's screenshots from an earlier run are cleared first, and numbered in order across its people.
    """
    journey = request.node.originalname.removeprefix("test_")
    shutil.rmtree(SCREENSHOTS / journey, ignore_errors=True)
    shots = itertools.count(1)

    def open_context(username):
        context = new_context()
        context.set_default_timeout(10_000)
        return Person(context.new_page(), live_server.url, journey, username, shots, checked_once)

    return open_context


@pytest.fixture
def sign_in(open_browser):
    """`sign_in(user)`: a person signed in through the real login form, in a browser context of their own."""

    def open_session(user):
        person = open_browser(user.get_username())
        person.sign_in()
        return person

    return open_session


LOOPBACK_PROVIDER = Path(__file__).with_name("oidc_provider.mjs")
PROVIDER_CLIENT_ID = "repeat-plan-gatekeeping"
PROVIDER_CLIENT_SECRET = "loopback-client-secret-used-nowhere-else"


@pytest.fixture
def council_provider(live_server, settings):
    """`council_provider(accounts, group_roles)`: a real OpenID provider on loopback (npm's oidc-provider,
    tests/browser/oidc_provider.mjs) with these accounts, and the app's council sign-in pointed at it.

    The app finds the provider's endpoints in its discovery document, as it would Entra ID's. Returns the issuer.
    """
    processes = []

    def start(accounts, group_roles):
        process = subprocess.Popen(
            ["node", str(LOOPBACK_PROVIDER)],
            env={
                "PATH": os.environ["PATH"],
                "OIDC_CLIENT_ID": PROVIDER_CLIENT_ID,
                "OIDC_CLIENT_SECRET": PROVIDER_CLIENT_SECRET,
                "OIDC_REDIRECT_URI": f"{live_server.url}/oidc/callback/",
                "OIDC_ACCOUNTS": json.dumps(accounts),
            },
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        ready = process.stdout.readline().strip()
        if not ready.startswith("listening "):
            process.kill()
            raise RuntimeError(f"the loopback OpenID provider did not start: {ready!r}")
        issuer = ready.removeprefix("listening ")
        settings.OIDC_RP_CLIENT_ID = PROVIDER_CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = PROVIDER_CLIENT_SECRET
        settings.OIDC_OP_DISCOVERY_URL = f"{issuer}/.well-known/openid-configuration"
        settings.OIDC_GROUP_ROLES = group_roles
        return issuer

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
