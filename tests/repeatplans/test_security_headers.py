"""What every response tells the browser, and what error pages do not tell anyone."""

import json
import logging
import os

import pytest
from django.db import connection
from django.test import Client

from repeatplans.logs import JsonFormatter


@pytest.mark.django_db
def test_signed_in_pages_are_never_cached(client, council):
    client.force_login(council.social_worker)
    response = client.get("/")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


@pytest.mark.django_db
def test_the_sign_in_page_carries_the_content_security_policy_and_a_request_id(client):
    response = client.get("/login/")
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'self'"
    assert len(response["X-Request-ID"]) == 32
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_an_anonymous_404_lists_no_url_patterns(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    for internal in ("URLconf", "children/", "decisions/", "admin/", "no-such-page"):
        assert internal not in body


@pytest.mark.django_db
@pytest.mark.urls("tests.repeatplans.urls_failing")
def test_a_500_prints_nothing_internal(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/fail/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    for internal in ("DATABASE_URL", "secret", "Traceback", "RuntimeError", "settings", os.environ["DATABASE_URL"]):
        assert internal not in body
    # The log line names the kind of failure and where, never its message (it may quote a person's input).
    line = json.loads(JsonFormatter().format(caplog.records[-1]))
    assert line["exception"] == "RuntimeError"
    assert "secret" not in json.dumps(line) and "Jane" not in json.dumps(line)
    assert "/fail/" not in line["message"]


@pytest.mark.django_db
def test_request_log_lines_are_json_with_the_request_id_and_no_path_values(client, council, caplog):
    client.force_login(council.social_worker)
    with caplog.at_level(logging.INFO, logger="repeatplans.request"):
        response = client.get("/children/999999/?q=Smith", HTTP_X_REQUEST_ID="proxy-id-12345")
    assert response["X-Request-ID"] == "proxy-id-12345"
    [record] = [record for record in caplog.records if record.name == "repeatplans.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "proxy-id-12345"
    assert line["route"] == "children/<int:pk>/"
    assert line["status"] == response.status_code
    assert "999999" not in json.dumps(line) and "Smith" not in json.dumps(line)


@pytest.mark.django_db
def test_an_incoming_request_id_that_is_free_text_is_replaced(client):
    response = client.get("/login/", HTTP_X_REQUEST_ID="Jane Smith, 12 High St")
    assert response["X-Request-ID"] != "Jane Smith, 12 High St"


@pytest.mark.django_db
def test_healthz_is_200_when_the_database_answers_and_migrations_are_applied(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": ["database", "migrations"]}


@pytest.mark.django_db
def test_healthz_names_unapplied_migrations(client, monkeypatch):
    from django.db.migrations.recorder import MigrationRecorder

    MigrationRecorder(connection).migration_qs.filter(app="cases").order_by("-id").first().delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == {"migrations": "1 migrations not applied"}


@pytest.mark.django_db
def test_healthz_names_an_unreachable_database(client, monkeypatch):
    from django.db import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == {"database": "the database does not answer"}


@pytest.mark.django_db
def test_files_with_childrens_data_are_never_cached(client, council):
    client.force_login(council.auditor)
    response = client.get("/annex-a/", {"day": "31", "month": "3", "year": "2025", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
