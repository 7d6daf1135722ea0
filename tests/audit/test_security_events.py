"""Failed sign-ins, lock-outs, wrong codes and refused look-ups are security events the auditor lists
and filters (date range, kind, user) on a GOV.UK table with pagination; nothing can change them."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import SecurityEvent
from tests.factories import ChildFactory, StaffFactory, UserFactory

Kind = SecurityEvent.Kind


def sign_in(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_a_failed_sign_in_and_the_lock_out_are_recorded_with_the_name_typed(client, db):
    UserFactory(username="jo")
    for attempt in range(5):
        sign_in(client, "jo", f"wrong-{attempt}")
    sign_in(client, "nobody-here", "guess")

    failed = SecurityEvent.objects.filter(kind=Kind.SIGN_IN_FAILED)
    assert sorted(failed.values_list("username", flat=True)) == ["jo"] * 5 + ["nobody-here"]
    assert {(e.method, e.path, e.ip_address) for e in failed} == {("POST", "/login/", "127.0.0.1")}
    assert SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT, username="jo").exists()


def test_a_wrong_security_code_is_recorded(client, settings, db):
    settings.MFA_REQUIRED = True
    user = StaffFactory(role="cp_chair").user
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    client.post("/account/two-factor/", {"code": "12345x"})
    assert SecurityEvent.objects.get(kind=Kind.WRONG_CODE).user == user


def test_a_refused_object_look_up_is_recorded_with_who_and_what(client, council):
    theirs = ChildFactory(team=council.south_team)
    client.force_login(council.social_worker)
    assert client.get(reverse("cases:child_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("quality:deep_dives")).status_code == 403
    assert client.get("/no-such-page/").status_code == 404  # no object named: not a look-up

    refused = SecurityEvent.objects.filter(kind=Kind.REFUSED).order_by("pk")
    assert [(e.user, e.path, e.status) for e in refused] == [
        (council.social_worker, f"/children/{theirs.pk}/", 404),
        (council.social_worker, "/quality/deep-dives/", 403),
    ]


@pytest.fixture
def events(council):
    now = timezone.now()
    SecurityEvent.objects.create(kind=Kind.SIGN_IN_FAILED, username="jo", at=now - datetime.timedelta(days=10))
    SecurityEvent.objects.create(kind=Kind.SIGN_IN_FAILED, username="jo", at=now)
    SecurityEvent.objects.create(kind=Kind.WRONG_CODE, user=council.cp_chair, at=now)
    SecurityEvent.objects.create(kind=Kind.REFUSED, user=council.social_worker, path="/children/9/", status=404, at=now)
    return now


def shown(response) -> int:
    return response.content.decode().count('<tr class="govuk-table__row">') - 1  # less the heading row


def test_the_auditor_lists_and_filters_the_events(client, council, events):
    client.force_login(council.auditor)
    url = reverse("quality:security_events")
    everything = client.get(url)
    assert everything.status_code == 200 and shown(everything) == 4
    assert "4 events, newest first" in everything.content.decode()
    assert shown(client.get(url, {"kind": "sign_in_failed"})) == 2
    assert shown(client.get(url, {"user": "JO"})) == 2
    assert shown(client.get(url, {"user": "chair"})) == 1
    today = timezone.localdate(events).isoformat()
    assert shown(client.get(url, {"date_from": today, "date_to": today, "user": "jo"})) == 1
    refused = client.get(url, {"kind": "refused"}).content.decode()
    assert "GET /children/9/" not in refused and "/children/9/" in refused and "404" in refused


def test_a_bad_filter_is_explained_and_kept(client, council, events):
    client.force_login(council.auditor)
    response = client.get(
        reverse("quality:security_events"),
        {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026", "user": "jo"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'value="jo"' in page


def test_the_list_pages_by_fifty(client, council, db):
    for number in range(55):
        SecurityEvent.objects.create(kind=Kind.SIGN_IN_FAILED, username=f"user{number}")
    client.force_login(council.auditor)
    first = client.get(reverse("quality:security_events"))
    second = client.get(reverse("quality:security_events"), {"page": 2})
    assert shown(first) == 50 and shown(second) == 5
    assert 'class="govuk-pagination"' in first.content.decode()


@pytest.mark.parametrize("role", ["cp_manager", "social_worker", "head_of_service"])
def test_only_the_auditor_reads_them(client, council, role):
    client.force_login(StaffFactory(role=role).user)
    assert client.get(reverse("quality:security_events")).status_code == 403


def test_a_security_event_cannot_be_changed_or_removed(council, events):
    for statement in ("UPDATE audit_securityevent SET username = 'someone else'", "DELETE FROM audit_securityevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert SecurityEvent.objects.filter(username="jo").count() == 2
