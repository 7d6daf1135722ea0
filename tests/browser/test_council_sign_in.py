"""Council sign-in: through a real OpenID provider on loopback, groups become roles, and MFA at the provider counts."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.factories import StaffFactory

GROUP_ROLES = {"GG-Childrens-Social-Workers": "social_worker", "GG-Childrens-CP-Chairs": "cp_chair"}


def account(username, given_name, family_name, groups, *, mfa=False):
    return {
        "username": username,
        "password": f"{username}-provider-password",
        "email": f"{username}@council.example",
        "given_name": given_name,
        "family_name": family_name,
        "groups": groups,
        "mfa": mfa,
    }


def sign_in_at_the_provider(person, username):
    """From the app's sign-in page to the provider's own page, and back signed in."""
    page = person.page
    person.visit("/login/", "sign in with council account offered")
    page.get_by_role("button", name="Sign in with your council account").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    page.get_by_label("Council username").fill(username)
    page.get_by_label("Council password").fill(f"{username}-provider-password")
    with page.expect_navigation(url=re.compile(rf"^{re.escape(person.base_url)}/")):
        page.get_by_role("button", name="Sign in to your council account").click()


def test_a_first_council_sign_in_creates_the_person_with_the_role_their_groups_give(db, open_browser, council_provider):
    council_provider([account("sam.khan", "Sam", "Khan", ["GG-Childrens-Social-Workers", "GG-All-Staff"])], GROUP_ROLES)
    person = open_browser("sam.khan")

    sign_in_at_the_provider(person, "sam.khan")

    page = person.check_page("home after council sign-in")
    expect(page.get_by_text("Signed in as Sam Khan")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("My children and requests")
    user = get_user_model().objects.get(username="sam.khan")
    assert user.staff.role == "social_worker"
    assert user.email == "sam.khan@council.example"
    assert not user.has_usable_password()


def test_mfa_at_the_provider_counts_as_the_second_factor_and_without_it_the_app_asks(
    db, open_browser, council_provider, settings
):
    settings.MFA_REQUIRED = True
    StaffFactory(role="social_worker", user__username="priya.shah")  # an existing person, now a CP chair
    council_provider(
        [
            account("priya.shah", "Priya", "Shah", ["GG-Childrens-CP-Chairs"], mfa=True),
            account("lee.ward", "Lee", "Ward", ["GG-Childrens-CP-Chairs"], mfa=False),
        ],
        GROUP_ROLES,
    )

    with_mfa = open_browser("priya.shah")
    sign_in_at_the_provider(with_mfa, "priya.shah")
    page = with_mfa.check_page("decisions after council sign-in with mfa")
    expect(page.get_by_text("Signed in as Priya Shah")).to_be_visible()
    assert not page.url.startswith(f"{with_mfa.base_url}/account/two-factor/")
    assert get_user_model().objects.get(username="priya.shah").staff.role == "cp_chair"

    without_mfa = open_browser("lee.ward")
    sign_in_at_the_provider(without_mfa, "lee.ward")
    page = without_mfa.check_page("second factor after council sign-in without mfa")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")


def test_a_person_whose_groups_give_no_role_is_refused_and_told_why(db, open_browser, council_provider):
    council_provider([account("max.doe", "Max", "Doe", ["GG-All-Staff"])], GROUP_ROLES)
    person = open_browser("max.doe")

    sign_in_at_the_provider(person, "max.doe")

    page = person.check_page("council sign-in refused")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("none of your groups is given a role")).to_be_visible()
    assert not get_user_model().objects.filter(username="max.doe").exists()
