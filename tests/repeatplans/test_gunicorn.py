"""Production serving as a council's server runs it: gunicorn with production settings and only the three
variables, static files from whitenoise after collectstatic, behind a proxy that ends TLS."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET = "gunicorn-test-key-" + "Qw7eR1tY5uI9oP3aS6dF0gH2jK4lZ8x" * 2


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, **headers):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def production_env(transactional_db):
    """Only what a council sets: the key, the hosts, and the (test) database."""
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@/{db['NAME']}?host={host}&port={db['PORT'] or 5432}"
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
    }


@pytest.fixture
def gunicorn(production_env):
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "repeatplans.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=production_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert server.poll() is None, server.stderr.read()
            time.sleep(0.3)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_serves_the_sign_in_page_and_its_css_with_production_headers(gunicorn):
    status, headers, body = fetch(f"{gunicorn}/login/", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    page = body.decode()
    assert "Sign in" in page
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "base-uri 'none'" in headers["Content-Security-Policy"]
    cookie = headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie

    css = page.split('<link rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    status, headers, body = fetch(f"{gunicorn}{css}", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert b".govuk-" in body


def test_plain_http_is_sent_to_https_but_the_health_check_is_not(gunicorn):
    status, headers, _ = fetch(f"{gunicorn}/login/")
    assert status == 301
    assert headers["Location"] == f"https://127.0.0.1:{gunicorn.rsplit(':', 1)[1]}/login/"
    status, _, body = fetch(f"{gunicorn}/healthz")
    assert status == 200, body
