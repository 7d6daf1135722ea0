"""Sessions end after 30 minutes without a request and 12 hours after sign-in, whatever happens between."""

import time

import pytest
from django.conf import settings

from accounts.policy import LAST_SEEN, SIGNED_IN_AT
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    client.force_login(StaffFactory(role="social_worker").user)
    return client


def age_session(client, *, signed_in_ago, last_seen_ago):
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[LAST_SEEN] = now - last_seen_ago
    session.save()


def test_the_limits_are_30_minutes_idle_and_12_hours_in_all():
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60
    # The cookie and the stored session end with the idle limit too, should the middleware be bypassed.
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT


def test_a_request_within_30_minutes_keeps_the_session_and_counts_as_activity(signed_in):
    age_session(signed_in, signed_in_ago=3600, last_seen_ago=29 * 60)

    assert signed_in.get("/").status_code == 200
    assert time.time() - signed_in.session[LAST_SEEN] < 5


def test_activity_is_written_at_most_once_a_minute(signed_in):
    age_session(signed_in, signed_in_ago=3600, last_seen_ago=10)
    last_seen = signed_in.session[LAST_SEEN]

    assert signed_in.get("/notifications/").status_code == 200
    assert signed_in.session[LAST_SEEN] == last_seen


def test_after_30_idle_minutes_the_person_is_signed_out_and_told_why(signed_in):
    age_session(signed_in, signed_in_ago=3600, last_seen_ago=31 * 60)

    response = signed_in.get("/notifications/", follow=True)

    assert response.redirect_chain[0][0] == "/login/?next=/notifications/"
    assert "_auth_user_id" not in signed_in.session
    assert "had not used the service for 30 minutes" in response.content.decode()


def test_after_12_hours_the_session_ends_however_busy_it_was(signed_in):
    age_session(signed_in, signed_in_ago=12 * 3600 + 60, last_seen_ago=10)

    response = signed_in.get("/", follow=True)

    assert "_auth_user_id" not in signed_in.session
    assert "signed in for 12 hours" in response.content.decode()


def test_stay_signed_in_counts_as_activity(signed_in):
    age_session(signed_in, signed_in_ago=3600, last_seen_ago=26 * 60)

    response = signed_in.post("/account/keep-alive/")

    assert response.status_code == 200
    assert response.json() == {"idle_timeout": 1800}
    assert time.time() - signed_in.session[LAST_SEEN] < 5


def test_keep_alive_after_the_end_is_sent_to_sign_in(signed_in):
    age_session(signed_in, signed_in_ago=3600, last_seen_ago=31 * 60)

    response = signed_in.post("/account/keep-alive/")

    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_the_warning_running_out_signs_out_and_comes_back_to_the_page(signed_in):
    response = signed_in.post("/account/timed-out/", {"next": "/requests/5/proposal/"})

    assert response.status_code == 302
    assert response.url == "/login/?next=%2Frequests%2F5%2Fproposal%2F"
    assert "_auth_user_id" not in signed_in.session
    page = signed_in.get(response.url).content.decode()
    assert "What you had typed is kept in this browser tab" in page


def test_a_session_from_before_the_limits_ends(signed_in):
    session = signed_in.session
    del session[SIGNED_IN_AT]
    session.save()

    assert signed_in.get("/").status_code == 302


def test_the_time_out_never_sends_the_person_to_another_site(signed_in):
    response = signed_in.post("/account/timed-out/", {"next": "https://evil.example/phish"})

    assert response.url == "/login/?next=%2F"
