"""Each decision is a task list of pages with their own save, and no typed word is ever lost: not to a refusal,
not to someone else saving meanwhile (the conflict shows what changed beside the person's own text, and the
next save succeeds), not to leaving the page or the session ending (drafts kept on the server as they type).

Walked as the CP chair, an Area Manager and the Head of Service, each in a browser of their own, with the
other person who saves meanwhile in another.
"""

from django.utils import timezone
from playwright.sync_api import expect

from conferences import records, transitions
from conferences.models import ConferenceRequest, Draft, State
from tests.browser.helpers import named_child
from tests.conferences.journeys import checked, proceeded, screened

DIFFERENCE = "A plan brings the domestic abuse service in at once; legal advice alone would not change the care."
OTHER_DIFFERENCE = "Recorded by the other chair: the plan adds little to what pre-proceedings would do."


def task(person, title):
    """The task list's row for a task, with its status."""
    return person.page.locator(".govuk-task-list__item").filter(has_text=title)


def worker_part_done(council, request):
    """What the worker records before screening: partners told and the four-point analysis."""
    sw = council.social_worker
    records.record_partners_informed(
        request.pk, sw, informed_on=timezone.localdate(), context="Previous plan for neglect."
    )
    records.record_analysis(
        request.pk, sw, time_since="Five months.", plan_length="Seven months.", risks="Same.", services="New."
    )


def test_the_chair_keeps_every_word_through_a_draft_a_conflict_and_a_refusal(council, sign_in):
    child = named_child(council, "Evie", "Brampton", plans=1, ended_days_ago=150)
    request = proceeded(council, child)
    worker_part_done(council, request)

    chair = sign_in(council.cp_chair)
    page = chair.page
    chair.nav("Your decisions", "chair dashboard")
    chair.follow("Decide on the request for Evie Brampton", "chair task list")
    expect(task(chair, "Screening record")).to_contain_text("Not yet started")
    expect(task(chair, "Consultation with the CP Manager")).to_contain_text("Not yet started")
    expect(task(chair, "Conversation with the CP chair")).to_contain_text("Not yet started")
    expect(task(chair, "Accept the request")).to_contain_text("Cannot start yet")
    expect(task(chair, "Accept the request").get_by_role("link")).to_have_count(0)

    # A draft: typed, kept on the server as it is typed, and put back when the page is opened again.
    chair.follow("Screening record (R9)", "screening task")
    difference = page.get_by_label("Difference the plan will make compared with the alternatives")
    difference.fill(DIFFERENCE)
    expect(page.locator("[data-draft-status]")).to_contain_text("Draft saved at")
    chair.follow("Back to the task list", "task list with a draft")
    expect(task(chair, "Screening record")).to_contain_text("In progress")
    chair.follow("Screening record (R9)", "screening task with the draft")
    expect(page.locator("#draft-restored")).to_be_visible()
    expect(difference).to_have_value(DIFFERENCE)

    # Meanwhile another chair, in another browser, saves a screening record of their own.
    other = sign_in(council.cp_chair_2)
    other.visit(f"/decisions/requests/{request.pk}/screening/", "the other chair's screening task")
    other.page.get_by_label("Difference the plan will make compared with the alternatives").fill(OTHER_DIFFERENCE)
    other.page.get_by_label("Timescale in weeks").fill("8")
    other.press("Save the screening record", "the other chair's screening saved")

    # The chair's save is refused: their words stay, beside what changed, and the next save succeeds.
    page.get_by_label("Timescale in weeks").fill("12")
    chair.press("Save the screening record", "screening: someone saved first")
    assert chair.status == 409
    expect(page.get_by_role("alert")).to_contain_text("Someone saved this request after you opened it")
    expect(difference).to_have_value(DIFFERENCE)
    expect(page.get_by_label("Timescale in weeks")).to_have_value("12")
    expect(page.locator("#what-changed")).to_contain_text(OTHER_DIFFERENCE)
    chair.press("Save the screening record", "screening saved on the new version")
    assert "screening record is saved" in chair.success_banner()
    expect(task(chair, "Screening record")).to_contain_text("Completed")
    request.refresh_from_db()
    assert (request.screening_difference, request.screening_timescale_weeks) == (DIFFERENCE, 12)
    assert not Draft.objects.filter(request=request, field__startswith="screening-").exists()

    # Accepting before the consultation and the conversation is refused; what is recorded stays recorded.
    chair.visit(f"/decisions/requests/{request.pk}/accept/", "accept before everything is recorded")
    expect(page.locator("#missing-accept")).to_contain_text("Record the consultation with the CP Manager.")
    chair.press("Accept the request", "accept refused")
    assert chair.status == 400
    assert "Record the consultation with the CP Manager." in chair.error_summary()
    expect(page.locator(".govuk-summary-card").filter(has_text="Screening record")).to_contain_text(DIFFERENCE)

    # The remaining tasks, each on its own page, then the decision on the records it rests on.
    chair.follow("Back to the task list", "task list, two tasks left")
    chair.follow("Consultation with the CP Manager (R14)", "consultation task")
    page.get_by_label("Consultation with the CP Manager").fill("Close scrutiny: within 12 months, same neglect.")
    chair.press("Save the consultation", "consultation saved")
    chair.follow("Conversation with the CP chair (R13)", "conversation task")
    chair.fill_date("The date of the conversation", timezone.localdate())  # not before the submission
    page.get_by_label("What was discussed").fill("How to run the conference, and how to engage the mother.")
    chair.press("Save the conversation", "conversation saved")
    chair.follow("Accept the request", "accept: check the records")
    expect(page.locator(".govuk-summary-card").filter(has_text="Conversation with the CP chair")).to_contain_text(
        "how to engage the mother"
    )
    chair.press("Accept the request", "accepted")
    assert "accepted" in chair.success_banner()
    request.refresh_from_db()
    assert request.state == State.READY_TO_CONVENE


def test_the_manager_keeps_the_rationale_through_a_refusal_and_a_conflict(council, sign_in):
    child = named_child(council, "Jacob", "Fenwick", plans=1, ended_days_ago=200)
    request = checked(council, child)
    rationale = "Pre-proceedings were discussed with legal; the new drug use needs a multi-agency plan first."

    manager = sign_in(council.area_manager)
    page = manager.page
    manager.nav("Your decisions", "manager dashboard")
    manager.follow("Decide on the request for Jacob Fenwick", "manager task list")
    manager.follow("Another child protection plan: proceed to screening", "proceed task")
    page.get_by_label("Rationale for another child protection plan").fill(rationale)
    manager.press("Proceed to CP chair screening", "proceed refused: no alternatives")
    assert manager.status == 400
    assert "must record the alternatives considered" in manager.error_summary()
    expect(page.get_by_label("Rationale for another child protection plan")).to_have_value(rationale)

    # Meanwhile the CP Manager records the consultation in another browser.
    cp_manager = sign_in(council.cp_manager)
    cp_manager.visit(f"/decisions/requests/{request.pk}/", "CP Manager task list")
    cp_manager.follow("Consultation with the CP Manager (R14)", "consultation task")
    cp_manager.page.get_by_label("Consultation with the CP Manager").fill("Consider pre-proceedings first.")
    cp_manager.press("Save the consultation", "consultation saved")

    manager.tick("Pre-proceedings (Public Law Outline)")
    manager.press("Proceed to CP chair screening", "proceed: someone saved first")
    assert manager.status == 409
    expect(page.get_by_label("Rationale for another child protection plan")).to_have_value(rationale)
    expect(page.get_by_label("Pre-proceedings (Public Law Outline)")).to_be_checked()
    expect(page.locator("#what-changed")).to_contain_text("Consider pre-proceedings first.")
    manager.press("Proceed to CP chair screening", "proceeded on the new version")
    assert "goes to CP chair screening" in manager.success_banner()
    request.refresh_from_db()
    assert (request.state, request.manager_rationale) == (State.CPC_SCREENING, rationale)


def test_the_head_of_service_keeps_the_rationale_through_a_refusal_and_a_conflict(council, sign_in):
    child = named_child(council, "Nina", "Castleford", plans=2, ended_days_ago=300)
    request = proceeded(council, child)
    screened(council, request)
    transitions.accept(request.pk, council.cp_chair)
    rationale = "The risk now is the new partner's violence, not the neglect the earlier plans addressed."

    head = sign_in(council.head_of_service)
    page = head.page
    head.nav("Your decisions", "Head of Service dashboard")
    head.follow("Decide on the request for Nina Castleford", "Head of Service task list")
    head.follow("Agree a third or later plan (R10)", "agree task")
    card = page.locator(".govuk-summary-card").filter(has_text="Consultation with the CP Manager")
    expect(card).to_contain_text("CP Manager agrees: close scrutiny.")
    page.get_by_label("Rationale", exact=True).fill(rationale)
    head.press("Agree the plan", "agree refused: no ground")
    assert head.status == 400
    assert "Choose the ground" in head.error_summary()
    expect(page.get_by_label("Rationale", exact=True)).to_have_value(rationale)

    # Meanwhile the CP Manager changes the consultation in another browser.
    cp_manager = sign_in(council.cp_manager)
    cp_manager.visit(f"/decisions/requests/{request.pk}/cp_manager_consultation/", "consultation task")
    cp_manager.page.get_by_label("Consultation with the CP Manager").fill("Second thoughts: the same neglect.")
    cp_manager.press("Save the consultation", "consultation changed")

    head.tick("The risks are significantly different")
    head.press("Agree the plan", "agree: someone saved first")
    assert head.status == 409
    expect(page.get_by_label("Rationale", exact=True)).to_have_value(rationale)
    expect(page.get_by_label("The risks are significantly different")).to_be_checked()
    expect(page.locator("#what-changed")).to_contain_text("Second thoughts: the same neglect.")
    head.press("Agree the plan", "agreed on the new version")
    assert "agreed" in head.success_banner()
    request = ConferenceRequest.objects.get(pk=request.pk)
    assert (request.state, request.head_of_service_rationale) == (State.READY_TO_CONVENE, rationale)


def test_a_draft_saved_when_the_session_ends_comes_back_in_a_new_browser(council, open_browser, sign_in):
    child = named_child(council, "Oliver", "Marsh", plans=1, ended_days_ago=150)
    request = proceeded(council, child)

    chair = open_browser(council.cp_chair.username)
    page = chair.page
    page.clock.install()
    chair.sign_in()
    chair.visit(f"/decisions/requests/{request.pk}/screening/", "screening task")
    page.get_by_label("Difference the plan will make compared with the alternatives").fill(DIFFERENCE)
    with page.expect_response("**/drafts/") as kept:
        page.clock.fast_forward("25:00")
    assert kept.value.status == 204
    expect(page.get_by_role("dialog", name="You are about to be signed out")).to_be_visible()
    with page.expect_navigation(url="**/login/**"):
        page.clock.fast_forward("05:00")

    # Another browser, with nothing of the first one's: the draft comes from the server.
    again = sign_in(council.cp_chair)
    again.visit(f"/decisions/requests/{request.pk}/screening/", "screening task, draft put back")
    expect(again.page.locator("#draft-restored")).to_be_visible()
    expect(again.page.get_by_label("Difference the plan will make compared with the alternatives")).to_have_value(
        DIFFERENCE
    )
