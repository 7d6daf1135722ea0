"""A one-time code after the password for the roles that decide on a child's plan and for administrators."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.policy import SECOND_FACTOR_ROLES
from people.roles import Role
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.MFA_REQUIRED = True


def code_for(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def test_the_roles_that_need_it():
    assert {role.value for role in SECOND_FACTOR_ROLES} == {
        "team_manager",
        "area_manager",
        "service_manager",
        "cp_manager",
        "cp_chair",
        "head_of_service",
    }


@pytest.mark.parametrize("role", sorted(SECOND_FACTOR_ROLES))
def test_these_roles_reach_no_page_before_the_second_factor(client, role):
    client.force_login(StaffFactory(role=role).user)

    for path in ("/", "/children/", "/decisions/", "/notifications/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == f"/account/two-factor/?next={path.replace('/', '%2F')}"


@pytest.mark.parametrize("role", sorted(set(Role) - SECOND_FACTOR_ROLES))
def test_other_roles_go_straight_in(client, role):
    client.force_login(StaffFactory(role=role).user)

    assert client.get("/").status_code == 200


def test_administrators_need_it_for_the_admin(client, settings):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith("/account/two-factor/")


def test_first_time_the_person_enrols_an_app_and_confirms_a_code(client):
    user = StaffFactory(role="head_of_service").user
    client.force_login(user)

    page = client.get("/account/two-factor/?next=/decisions/")
    assert "Set up your authenticator app" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    qr = client.get("/account/two-factor/qr-code.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<?xml") or qr.content.startswith(b"<svg")
    assert "no-store" in qr["Cache-Control"]

    done = client.post("/account/two-factor/", {"code": code_for(device), "next": "/decisions/"})

    assert done.status_code == 302
    assert done.url == "/decisions/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/decisions/").status_code == 200


def test_once_enrolled_the_person_enters_a_code_and_a_wrong_one_is_explained(client):
    user = StaffFactory(role="cp_chair").user
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session_key = client.session.session_key

    wrong = client.post("/account/two-factor/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.content.decode()
    assert "Enter your code" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the throttle's wait is django-otp's; not what this test is about
    device.throttling_failure_timestamp = None
    device.save()

    assert client.post("/account/two-factor/", {"code": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200
    assert client.session.session_key != session_key, "a stronger sign-in gets a new session key"


def test_codes_in_a_row_are_slowed_down(client):
    user = StaffFactory(role="cp_chair").user
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    client.post("/account/two-factor/", {"code": "not-a-code"})
    client.post("/account/two-factor/", {"code": "000001"})

    response = client.post("/account/two-factor/", {"code": code_for(device)})

    assert "too many wrong codes" in response.content.decode()
    assert client.get("/").status_code == 302


def test_the_admin_signs_in_through_the_apps_own_page(client, settings):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    follow = client.get(response.url)
    assert follow.status_code == 302
    assert follow.url.startswith(f"/login/?next=/{settings.ADMIN_PATH}")


def test_with_the_setting_off_nobody_is_asked(client, settings):
    settings.MFA_REQUIRED = False
    client.force_login(StaffFactory(role="head_of_service").user)

    assert client.get("/").status_code == 200


def test_a_signed_in_person_who_is_not_an_administrator_is_refused_the_admin(client, settings):
    client.force_login(StaffFactory(role="social_worker").user)

    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 403


def test_the_header_offers_no_pages_until_the_second_factor_is_done(client):
    user = StaffFactory(role="cp_chair").user
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)

    assert 'aria-label="Menu"' not in client.get("/account/two-factor/").content.decode()
    client.post("/account/two-factor/", {"code": code_for(device)})
    assert 'aria-label="Menu"' in client.get("/").content.decode()
