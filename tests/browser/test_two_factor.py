"""The second factor in the browser: a Head of Service sets up an authenticator app; a CP chair enters a code."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import DEMO_PASSWORD


def code_for(device):
    """What the person's authenticator app shows now, computed from the device's key as the app does."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in_with_password(person):
    page = person.page
    person.visit("/login/", "sign in")
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    return person.press("Sign in", "second factor")


def test_head_of_service_sets_up_an_authenticator_app_then_reaches_their_work(council, open_browser, settings):
    settings.MFA_REQUIRED = True
    person = open_browser("hos")

    page = sign_in_with_password(person)

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    qr_code = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("image => image.complete && image.naturalWidth > 0"), "the QR code did not load"
    page.get_by_text("I cannot scan the QR code").click()
    device = TOTPDevice.objects.get(user=council.head_of_service, confirmed=False)
    key_shown = page.locator("#otp-key").inner_text().replace(" ", "")
    assert len(key_shown) == 32

    page.get_by_label("Code from your authenticator app").fill("12345")
    person.press("Confirm and continue", "second factor code too short")
    assert "The code must be 6 digits" in person.error_summary()

    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page = person.press("Confirm and continue", "home after second factor")

    expect(page.get_by_text("Signed in as")).to_be_visible()
    assert page.url == f"{person.base_url}/"
    device.refresh_from_db()
    assert device.confirmed
    person.nav("Your decisions", "decisions")


def test_cp_chair_with_an_app_enters_its_code(council, open_browser, settings):
    settings.MFA_REQUIRED = True
    device = TOTPDevice.objects.create(user=council.cp_chair, name="Work phone", confirmed=True)
    person = open_browser("chair")
    person.visit("/decisions/", "decisions before sign-in")
    page = person.page
    page.get_by_label("Username").fill("chair")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page = person.press("Sign in", "enter your code")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")

    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page = person.press("Continue", "decisions after the code")

    assert page.url == f"{person.base_url}/decisions/"
