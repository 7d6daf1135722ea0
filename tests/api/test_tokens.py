"""Tokens: made by a command that prints one line, stored hashed, expiring, revocable, and the only way in."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, ServiceAccount
from api.throttling import TokenRateThrottle
from api.tokens import create_token
from audit.models import AuditEvent

CHILDREN = "/api/v1/children/"


def make_token(*args) -> str:
    out = io.StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue()


def bearer(raw) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_create_api_token_prints_one_token_on_one_line_and_stores_only_its_digest(council):
    printed = make_token("sw", "--days", "30", "--name", "Mosaic nightly")

    assert printed.endswith("\n") and printed.count("\n") == 1
    raw = printed.strip()
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix) and raw != token.prefix
    assert raw not in {token.digest, token.prefix, token.name}
    assert token.name == "Mosaic nightly" and token.user == council.social_worker
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


def test_a_token_expires_after_90_days_by_default(council):
    make_token("sw")

    token = ApiToken.objects.get()
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["nobody"], "No user is called 'nobody'"), (["sw", "--days", "0"], "between 1 and 3650 days")],
)
def test_create_api_token_refuses_bad_input(council, arguments, message):
    with pytest.raises(CommandError, match=message):
        make_token(*arguments)
    assert not ApiToken.objects.exists()


def test_the_token_acts_as_its_user_and_records_when_it_was_used(council):
    raw = make_token("sw").strip()

    response = bearer(raw).get(CHILDREN)

    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [None, "Bearer rpg_not-a-token", "Bearer", "Token abc", "Bearer a b", "Basic c3c6dGVzdA=="],
    ids=["none", "wrong", "empty", "other-scheme", "two-words", "basic"],
)
def test_no_token_or_a_wrong_one_is_401(council, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(CHILDREN)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"]


def test_an_expired_token_is_401(council):
    token, raw = create_token(council.social_worker)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert bearer(raw).get(CHILDREN).status_code == 401


def test_a_token_of_a_deactivated_user_is_401(council):
    _, raw = create_token(council.social_worker)
    council.social_worker.is_active = False
    council.social_worker.save()

    assert bearer(raw).get(CHILDREN).status_code == 401


def test_revoke_api_token_by_label_or_prefix(council):
    first, first_raw = create_token(council.social_worker, name="Mosaic")
    second, second_raw = create_token(council.social_worker, name="Power BI")
    out = io.StringIO()

    call_command("revoke_api_token", "Mosaic", stdout=out)
    call_command("revoke_api_token", second.prefix, stdout=out)

    assert bearer(first_raw).get(CHILDREN).status_code == 401
    assert bearer(second_raw).get(CHILDREN).status_code == 401
    assert "Revoked" in out.getvalue()
    with pytest.raises(CommandError, match="No live token"):
        call_command("revoke_api_token", "Mosaic", stdout=out)


def test_a_person_revokes_their_own_token_in_the_browser(client, council):
    token, raw = create_token(council.social_worker, name="My script")
    others, others_raw = create_token(council.team_manager, name="Not mine")
    client.force_login(council.social_worker)

    page = client.get(reverse("api:tokens"))
    assert page.status_code == 200
    assert "My script" in page.text and token.prefix in page.text and "Not mine" not in page.text

    assert client.post(reverse("api:revoke_token", args=[others.pk])).status_code == 404
    response = client.post(reverse("api:revoke_token", args=[token.pk]))

    assert response.status_code == 302
    assert bearer(raw).get(CHILDREN).status_code == 401
    assert bearer(others_raw).get(CHILDREN).status_code == 200
    assert "Revoked" in client.get(reverse("api:tokens")).text


def test_the_token_page_needs_sign_in(client):
    assert client.get(reverse("api:tokens")).status_code == 302


def test_throttling_counts_each_token_on_its_own(council, monkeypatch, api_as):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api_token": "3/minute"})
    busy, quiet = api_as(council.social_worker), api_as(council.social_worker)

    answers = [busy.get(CHILDREN).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert quiet.get(CHILDREN).status_code == 200


def test_every_call_of_a_service_account_is_in_the_trail(council, api_as):
    out = io.StringIO()
    call_command("create_service_account", "mosaic", "--role", "data_manager", stdout=out)
    account = ServiceAccount.objects.get(user__username="mosaic")
    assert not account.user.has_usable_password()
    client = api_as(account.user)

    client.get(CHILDREN, {"q": "Smith"})
    client.get("/api/v1/children/NOBODY/")

    calls = AuditEvent.objects.filter(actor=account.user, action="api_call").order_by("pk")
    assert [event.description for event in calls] == [
        "GET /api/v1/children/?q=Smith answered 200",
        "GET /api/v1/children/NOBODY/ answered 404",
    ]


def test_a_persons_calls_are_not_each_written_to_the_trail(council, api_as):
    api_as(council.social_worker).get(CHILDREN)

    assert not AuditEvent.objects.filter(action="api_call").exists()


def test_a_service_account_is_never_made_from_a_persons_account(council):
    with pytest.raises(CommandError, match="a person's account"):
        call_command("create_service_account", "sw", "--role", "data_manager", stdout=io.StringIO())
    assert council.social_worker.has_usable_password()


def test_an_administrator_sees_and_revokes_tokens_but_never_makes_one_in_the_admin(client, council):
    token, raw = create_token(council.social_worker, name="Old script")
    admin_user = council.auditor
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)

    listing = client.get(reverse("admin:api_apitoken_changelist"))
    assert listing.status_code == 200 and token.prefix in listing.text and token.digest not in listing.text
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})

    assert bearer(raw).get(CHILDREN).status_code == 401
