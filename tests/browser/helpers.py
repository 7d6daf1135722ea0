"""What a person does in the browser, with every page they land on checked by axe and photographed.

Every way of reaching a page here (`visit`, `press`, `follow`) ends in `check_page`, so a journey
cannot visit a page that is not checked: the server did not fail, axe finds no serious or critical
WCAG 2.2 AA violation, and a full-page screenshot goes to test-artifacts/screenshots/<journey>/.
"""

import datetime
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Locator, Page, Response, expect

from tests.conferences.journeys import child_with_plans
from tests.factories import DEMO_PASSWORD

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def axe_violations(page: Page, axe_url: str) -> list[dict]:
    """axe-core's violations on the page as it is now (injected by URL: the CSP forbids inline script)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=axe_url)
    return page.evaluate(
        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations",
        AXE_TAGS,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        lines += [f"    {node['target']}: {node.get('failureSummary', '')}" for node in violation["nodes"][:5]]
    return "\n".join(lines)


# What has focus: its text or id, and whether GOV.UK's focus style (yellow outline or shadow) is showing.
FOCUSED_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && style.outlineColor !== 'rgba(0, 0, 0, 0)';
  return {text: (el.innerText || '').trim(), id: el.id, visible: outlined || style.boxShadow !== 'none'};
}"""


class Person:
    """One person's browser session: their own context, signed in as them through the login form."""

    def __init__(
        self,
        page: Page,
        base_url: str,
        journey: str,
        username: str,
        shots: Iterator[int] | None = None,
        checked_once: set[str] | None = None,
    ):
        self.page = page
        self.base_url = base_url
        self.journey = journey
        self.username = username
        self.shots = shots or itertools.count(1)  # shared by a journey's people, so its pictures sort in order
        self.checked_once = set() if checked_once is None else checked_once
        self.status: int | None = None
        page.on("response", self._remember_status)

    def _remember_status(self, response: Response):
        if response.request.resource_type == "document" and response.frame == self.page.main_frame:
            self.status = response.status

    # Moving about. Each ends on a checked page.

    def visit(self, path: str, name: str, *, once: bool = False) -> Page:
        """Go to `path`; with `once`, a page that is the same for everyone is checked only on its first visit."""
        self.page.goto(self.base_url + path)
        if once and path in self.checked_once:
            assert self.status == 200, f"{path} answered {self.status}"
            return self.page
        self.checked_once.add(path)
        return self.check_page(name)

    def press(self, button: str, name: str, *, within: Locator | None = None) -> Page:
        """Click a button that submits a form, and check the page it leads to."""
        with self.page.expect_navigation():
            (within or self.page).get_by_role("button", name=button, exact=True).click()
        return self.check_page(name)

    def follow(self, link: str, name: str, *, within: Locator | None = None, exact: bool = True) -> Page:
        with self.page.expect_navigation():
            (within or self.page).get_by_role("link", name=link, exact=exact).first.click()
        return self.check_page(name)

    def nav(self, link: str, name: str) -> Page:
        """Follow a link of the service navigation in the header, as people move between their pages."""
        return self.follow(link, name, within=self.page.get_by_role("navigation", name="Menu"))

    def check_page(self, name: str) -> Page:
        """The server answered, axe finds no serious or critical violation, and the page is saved as a picture."""
        page = self.page
        page.wait_for_load_state()
        assert self.status is not None and self.status < 500, f"{name}: the server answered {self.status} at {page.url}"
        expect(page.locator("h1").first).to_be_visible()
        shot = SCREENSHOTS / self.journey / f"{next(self.shots):02d}-{self.username}-{_slug(name)}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        violations = axe_violations(page, self.base_url + settings.STATIC_URL + "js/vendor/axe.min.js")
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        minor = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
        if minor:
            print(f"axe, {name} ({page.url}), not blocking:\n{describe(minor)}")
        assert not blocking, f"axe, {name} ({page.url}):\n{describe(blocking)}"
        return page

    # Signing in.

    def sign_in(self, password: str = DEMO_PASSWORD) -> Page:
        """Through the login form, which is the same for everyone: checked the first time in a run."""
        self.visit("/login/", "sign in", once=True)
        self.page.get_by_label("Username").fill(self.username)
        self.page.get_by_label("Password").fill(password)
        page = self.press("Sign in", "home")
        expect(page.get_by_text(re.compile(r"^Signed in as "))).to_be_visible()
        return page

    # The keyboard alone.

    def tab_to(self, text: str, *, limit: int = 90) -> Locator:
        """Press Tab until the focused element says `text` (or has that id); it must show that it has focus."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            focused = self.page.evaluate(FOCUSED_JS)
            if text in (focused["text"], focused["id"]):
                assert focused["visible"], f"{text!r} has focus but shows no focus indicator"
                return self.page.locator(":focus")
        raise AssertionError(f"{text!r} was not reached with {limit} presses of Tab")

    def key(self, key: str, name: str) -> Page:
        """Press a key that leads to another page (Enter on a link or in a form, Space on a button)."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        return self.check_page(name)

    # Filling in forms by what people read.

    def form_of(self, button: str) -> Locator:
        """The form whose submit button says `button`: the decision pages hold several forms."""
        return self.page.locator("form").filter(has=self.page.get_by_role("button", name=button, exact=True))

    def fill_date(self, legend: str, day: datetime.date, *, within: Locator | None = None):
        group = (within or self.page).get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))

    def tick(self, *labels: str, within: Locator | None = None):
        for label in labels:
            (within or self.page).get_by_label(label, exact=True).check()

    # Reading what the page says.

    def success_banner(self) -> str:
        banner = self.page.locator(".govuk-notification-banner--success")
        expect(banner).to_be_visible()
        return banner.inner_text()

    def error_summary(self) -> str:
        summary = self.page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        return summary.inner_text()


def named_child(council, first_name, last_name, *, plans=1, ended_days_ago=150, allocated=True, **plan_kwargs):
    """A child of the north team (allocated to its social worker unless not `allocated`), whose last of
    `plans` plans ended `ended_days_ago` days ago."""
    child = child_with_plans(
        council, plans, last_end=timezone.localdate() - datetime.timedelta(days=ended_days_ago), **plan_kwargs
    )
    child.first_name, child.last_name = first_name, last_name
    child.allocated_worker = council.social_worker if allocated else None
    child.save()
    return child
