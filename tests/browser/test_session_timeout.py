"""The time-out warning: a few minutes before the idle end it offers to stay signed in; when time runs out,
what the person typed comes back after they sign in again.

The browser's clock is Playwright's, so 25 minutes pass in an instant; the server's limits are
tests/accounts/test_sessions.py's business.
"""

from playwright.sync_api import expect

from tests.browser.helpers import named_child
from tests.factories import DEMO_PASSWORD

TYPED = "Typed before a long phone call: the children were seen alone at school today."


def test_the_warning_keeps_the_session_or_keeps_the_draft(council, open_browser):
    child = named_child(council, "Ruby", "Ashworth", plans=1, ended_days_ago=100)
    person = open_browser("sw")
    page = person.page
    page.clock.install()
    person.sign_in()
    person.visit(f"/children/{child.pk}/", "child record")
    person.press("Start a conference request", "proposal")
    proposal_url = page.url
    page.locator("#id_reason").fill(TYPED)

    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    page.clock.fast_forward("25:00")  # the page counts a minute short of the server's 30, to be safe
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("we will sign you out in 4 minutes")
    person.check_page("time-out warning")

    with page.expect_response("**/account/keep-alive/") as kept:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert kept.value.ok
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("25:00")
    expect(dialog).to_be_visible()
    with page.expect_navigation(url="**/login/**"):
        page.clock.fast_forward("05:00")
    person.check_page("signed out after the warning")
    expect(page.get_by_text("You were signed out because you had not used the service for 30 minutes")).to_be_visible()

    page.get_by_label("Username").fill("sw")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    person.press("Sign in", "proposal with the draft put back")
    assert page.url == proposal_url
    expect(page.get_by_text("We have put back what you typed before you were signed out")).to_be_visible()
    expect(page.locator("#id_reason")).to_have_value(TYPED)
