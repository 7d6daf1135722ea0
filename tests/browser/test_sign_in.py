"""Signing in: a wrong password is explained and the username stays typed; the keyboard alone is enough."""

from playwright.sync_api import expect

from conferences.models import ConferenceRequest
from tests.browser.helpers import named_child
from tests.factories import DEMO_PASSWORD


def test_wrong_password_keeps_the_username(council, open_browser):
    person = open_browser("sw")
    page = person.page
    person.visit("/login/", "sign in")
    page.get_by_label("Username").fill("sw")
    page.get_by_label("Password").fill("not-the-password")
    person.press("Sign in", "sign in error")

    assert page.title().startswith("Error: ")
    assert "username and password" in person.error_summary().lower()
    expect(page.get_by_label("Username")).to_have_value("sw")
    expect(page.get_by_label("Password")).to_have_value("")


def test_keyboard_alone_signs_in_starts_a_request_and_saves_it(council, open_browser):
    child = named_child(council, "Poppy", "Latchford", plans=1, ended_days_ago=100)
    person = open_browser("sw")
    page = person.page
    person.visit("/login/", "sign in")

    person.tab_to("Skip to main content", limit=1)
    person.tab_to("id_username")
    page.keyboard.type("sw")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    person.key("Enter", "home")
    expect(page.get_by_role("heading", level=1)).to_have_text("My children and requests")

    person.tab_to("Find a child")
    person.key("Enter", "find a child")
    person.tab_to("id_q")
    page.keyboard.type("Latchford")
    person.key("Enter", "search results")
    person.tab_to("Poppy Latchford")
    person.key("Enter", "child record")
    person.tab_to("Start a conference request")
    person.key("Space", "proposal")

    person.tab_to("id_reason")
    page.keyboard.type("Typed with the keyboard alone: the children were left alone again.")
    person.tab_to("Save and come back later")
    person.key("Space", "request saved for later")
    assert "Your answers have been saved" in person.success_banner()
    assert ConferenceRequest.objects.get(child=child).reason.startswith("Typed with the keyboard alone")


def test_five_wrong_passwords_lock_the_account_with_a_page_that_says_for_how_long(council, open_browser):
    person = open_browser("sw")
    page = person.page
    person.visit("/login/", "sign in")
    for attempt in range(4):
        page.get_by_label("Username").fill("sw")
        page.get_by_label("Password").fill(f"not-the-password-{attempt}")
        person.press("Sign in", f"sign in error {attempt + 1}")
    page.get_by_label("Username").fill("sw")
    page.get_by_label("Password").fill("not-the-password-4")
    person.press("Sign in", "account locked")

    assert person.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked")
    expect(page.get_by_text("you cannot sign in to this account for 30 minutes")).to_be_visible()
