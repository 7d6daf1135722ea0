"""Council sign-in's rules, without a provider: groups to roles, the Staff record, and MFA asserted by the provider.

tests/browser/test_council_sign_in.py signs in through a real provider on loopback.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory

from accounts.oidc import CouncilAccountBackend, roles_for_groups
from tests.factories import StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

GROUPS = {"GG-CP-Chairs": "cp_chair", "0b7e2c1d-guid-of-hos-group": "head_of_service", "GG-SW": "social_worker"}


@pytest.fixture(autouse=True)
def group_roles(settings):
    settings.OIDC_GROUP_ROLES = GROUPS
    settings.OIDC_RP_CLIENT_ID = "client"


@pytest.fixture
def backend():
    backend = CouncilAccountBackend()
    backend.request = RequestFactory().get("/oidc/callback/")
    return backend


def claims(**extra):
    return {
        "sub": "x",
        "preferred_username": "Jo.Bloggs",
        "email": "jo.bloggs@council.example",
        "given_name": "Jo",
        "family_name": "Bloggs",
        "groups": ["GG-CP-Chairs", "GG-All-Staff"],
        "amr": ["pwd"],
        **extra,
    }


def sign_in(backend, claims):
    assert backend.verify_claims(claims)
    users = backend.filter_users_by_claims(claims)
    return backend.update_user(users[0], claims) if users else backend.create_user(claims)


def test_groups_map_to_roles_by_name_or_object_id_and_others_are_ignored():
    assert roles_for_groups(["GG-CP-Chairs", "GG-All-Staff"]) == {"cp_chair"}
    assert roles_for_groups(["0b7e2c1d-guid-of-hos-group"]) == {"head_of_service"}
    assert roles_for_groups(["GG-All-Staff"]) == set()
    assert roles_for_groups(None) == set()


def test_a_first_sign_in_creates_the_user_and_their_staff_record(backend):
    user = sign_in(backend, claims())

    user = get_user_model().objects.get(pk=user.pk)
    assert user.username == "jo.bloggs"
    assert (user.first_name, user.last_name, user.email) == ("Jo", "Bloggs", "jo.bloggs@council.example")
    assert user.staff.role == "cp_chair"
    assert list(user.groups.values_list("name", flat=True)) == ["cp_chair"]
    assert not user.has_usable_password()


def test_a_later_sign_in_follows_a_role_change_and_keeps_the_team(backend):
    staff = StaffFactory(role="social_worker", user__username="jo.bloggs", team=TeamFactory(name="North"))

    user = sign_in(backend, claims(groups=["0b7e2c1d-guid-of-hos-group"]))

    staff.refresh_from_db()
    assert user.pk == staff.user_id
    assert staff.role == "head_of_service"
    assert staff.team.name == "North"


@pytest.mark.parametrize(
    ("groups", "reason"),
    [(["GG-All-Staff"], "none of your groups is given a role"), (["GG-CP-Chairs", "GG-SW"], "more than one role")],
)
def test_no_role_or_two_roles_are_refused_with_the_reason(backend, groups, reason):
    assert not backend.verify_claims(claims(groups=groups))
    assert reason in backend.request.council_sign_in_refused


def test_verified_only_when_the_provider_says_it_checked_mfa(backend):
    assert sign_in(backend, claims(amr=["pwd", "mfa"])).verified_by_provider
    assert not sign_in(backend, claims(amr=["pwd"])).verified_by_provider
    assert not sign_in(backend, claims(amr=None)).verified_by_provider


def test_a_password_sign_in_never_reaches_the_provider(backend):
    request = RequestFactory().post("/login/?code=x&state=y", {"username": "jo", "password": "p"})
    assert backend.authenticate(request, username="jo", password="p") is None


def test_group_roles_naming_a_role_that_does_not_exist_stop_the_app(settings):
    settings.OIDC_GROUP_ROLES = {"GG-Admins": "superhero"}
    with pytest.raises(SystemCheckError, match="superhero"):
        call_command("check")


def test_the_sign_in_page_offers_the_council_account_only_when_configured(client, settings):
    assert "Sign in with your council account" in client.get("/login/").content.decode()
    settings.OIDC_RP_CLIENT_ID = ""
    assert "Sign in with your council account" not in client.get("/login/").content.decode()


def test_a_provider_that_cannot_be_reached_sends_the_person_back_to_the_password(client, settings):
    settings.OIDC_OP_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = ""

    response = client.get("/oidc/authenticate/", follow=True)

    assert response.redirect_chain == [("/login/", 302)]
    assert "Council sign-in is not available just now" in response.content.decode()


def test_a_callback_without_a_sign_in_under_way_signs_nobody_in(client):
    response = client.get("/oidc/callback/", follow=True)

    assert response.redirect_chain == [("/login/", 302)]
    assert "_auth_user_id" not in client.session
    assert "We could not sign you in with your council account" in response.content.decode()
