"""The worker's long answers are kept on the server as they type, like the decision pages': left unsaved, they
come back in another browser (not from the tab's own storage) under a notice; saved, they are gone. A draft
still on its way when the worker presses the button holds the save back until it has arrived, and one that
arrives after the save anyway leaves nothing behind.
"""

from playwright.sync_api import expect

from conferences.models import ConferenceRequest, Draft
from tests.browser.helpers import named_child
from tests.conferences.journeys import drafted

RISKS = "The same neglect as before, and now concealed drug use by the mother's new partner."
LATER_RISKS = "The same neglect as before; the drug use is the new partner's, not the mother's."


def section(request):
    return f"/requests/{request.pk}/edit/repeat/"


def test_the_workers_unsaved_answer_comes_back_in_another_browser_and_goes_when_saved(council, sign_in):
    request = drafted(council, named_child(council, "Ruby", "Ashworth", plans=1, ended_days_ago=150))

    worker = sign_in(council.social_worker)
    page = worker.page
    worker.visit(section(request), "repeat analysis")
    page.get_by_label("3. Same or new risks").fill(RISKS)
    expect(page.locator("[data-draft-status]")).to_contain_text("Draft saved at")
    worker.follow("Back", "request page, the analysis not saved")

    # Another browser, with nothing of the first one's: the draft comes from the server, and checking the
    # answers points to it before it could be left behind.
    again = sign_in(council.social_worker)
    again.visit(f"/requests/{request.pk}/check/", "check your answers, a section not saved")
    expect(again.page.locator("#unsaved-drafts")).to_be_visible()
    again.follow("Partners and the repeat-plan analysis", "repeat analysis, draft put back")
    expect(again.page.locator("#draft-restored")).to_contain_text("An unsaved draft from")
    expect(again.page.get_by_label("3. Same or new risks")).to_have_value(RISKS)

    again.press("Save and come back later", "request page, the analysis saved")
    assert "Your answers have been saved." in again.success_banner()
    assert ConferenceRequest.objects.get(pk=request.pk).analysis_risks == RISKS
    assert not Draft.objects.filter(request=request).exists()
    again.visit(section(request), "repeat analysis, no draft")
    expect(again.page.locator("#draft-restored")).to_have_count(0)


def test_a_draft_on_its_way_when_the_worker_saves_leaves_no_draft_behind(council, sign_in):
    request = drafted(council, named_child(council, "Leo", "Hartley", plans=1, ended_days_ago=150))

    worker = sign_in(council.social_worker)
    page = worker.page
    held = []
    page.route(
        "**/edit/repeat/draft/", lambda route: held.append(route)
    )  # the draft is slow: it waits here until let through
    worker.visit(section(request), "repeat analysis")
    token = page.locator("main [name=csrfmiddlewaretoken]").input_value()
    version = page.locator("main [name=expected_version]").input_value()
    risks = page.get_by_label("3. Same or new risks")
    risks.fill(RISKS)
    while not held:
        page.wait_for_timeout(100)

    # Typed on after the draft left, and saved at once: the save waits for the draft on its way.
    risks.fill(LATER_RISKS)
    page.get_by_role("button", name="Save and come back later").click()
    page.wait_for_timeout(500)
    assert page.url.endswith(section(request)), "the save went ahead of the draft on its way"
    with page.expect_navigation():
        held[0].continue_()
    worker.check_page("request page, saved after the draft arrived")
    assert "Your answers have been saved." in worker.success_banner()
    assert len(held) == 1  # the waiting draft of the later words was cancelled, not sent

    # However late the draft from the saved page arrives, it is not kept.
    late = page.request.post(
        worker.base_url + section(request) + "draft/",
        form={"field": "risks", "text": RISKS, "version": version},
        headers={"X-CSRFToken": token},
    )
    assert late.status == 204
    assert ConferenceRequest.objects.get(pk=request.pk).analysis_risks == LATER_RISKS
    assert not Draft.objects.filter(request=request).exists()
    again = sign_in(council.social_worker)
    again.visit(section(request), "repeat analysis, nothing put back")
    expect(again.page.locator("#draft-restored")).to_have_count(0)
    expect(again.page.get_by_label("3. Same or new risks")).to_have_value(LATER_RISKS)
