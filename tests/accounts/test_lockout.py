"""Lock-out: 5 wrong passwords lock the account for 30 minutes; every attempt is on record (django-axes)."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.http import HttpRequest

from tests.factories import DEMO_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, **headers):
    return client.post("/login/", {"username": username, "password": password}, headers=headers)


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client):
    UserFactory(username="jo")
    for attempt in range(4):
        assert sign_in(client, "jo", f"wrong-{attempt}").status_code == 200
    locked = sign_in(client, "jo", "wrong-4")

    assert locked.status_code == 429
    assert "Your account is locked" in locked.content.decode()
    assert "30 minutes" in locked.content.decode()
    refused = sign_in(client, "jo", DEMO_PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_then_the_right_one_signs_in_and_clears_the_count(client):
    UserFactory(username="jo")
    for attempt in range(4):
        sign_in(client, "jo", f"wrong-{attempt}")

    assert sign_in(client, "jo", DEMO_PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="jo").exists()


def test_lock_out_is_per_account_and_changing_browser_does_not_escape_it(client):
    UserFactory(username="jo")
    UserFactory(username="sam")
    for attempt in range(5):
        sign_in(client, "jo", f"wrong-{attempt}", user_agent=f"browser {attempt}")

    assert sign_in(client, "jo", DEMO_PASSWORD, user_agent="yet another browser").status_code == 429
    assert sign_in(client, "sam", DEMO_PASSWORD).status_code == 302


def test_the_account_opens_again_after_the_cool_off(client):
    UserFactory(username="jo")
    for attempt in range(5):
        sign_in(client, "jo", f"wrong-{attempt}")
    assert sign_in(client, "jo", DEMO_PASSWORD).status_code == 429

    # The cool-off counts from the latest failure: move them all back 31 minutes.
    AccessAttempt.objects.filter(username="jo").update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    )
    assert sign_in(client, "jo", DEMO_PASSWORD).status_code == 302


def test_every_attempt_is_logged_with_where_it_came_from(client):
    UserFactory(username="jo")
    sign_in(client, "jo", "wrong-once", user_agent="Firefox")
    sign_in(client, "jo", "wrong-twice", user_agent="Firefox")
    sign_in(client, "nobody-by-this-name", "guess", user_agent="Firefox")
    sign_in(client, "jo", DEMO_PASSWORD, user_agent="Firefox")

    failures = AccessFailureLog.objects.order_by("attempt_time")
    assert [f.username for f in failures] == ["jo", "jo", "nobody-by-this-name"]
    assert all(f.ip_address == "127.0.0.1" and f.user_agent == "Firefox" for f in failures)
    assert all("wrong" not in a.post_data for a in AccessAttempt.objects.all()), "the typed password is not kept"
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["jo"]


def test_the_test_client_signs_in_when_it_gives_a_request(client):
    """axes needs the request; Client.login passes on whatever it is given."""
    UserFactory(username="jo")
    assert client.login(request=HttpRequest(), username="jo", password=DEMO_PASSWORD)
    assert client.get("/").status_code == 200
