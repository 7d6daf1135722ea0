"""A form with a mistake says what is wrong, links to it, and keeps everything that was typed."""

from playwright.sync_api import expect

from conferences.models import ConferenceRequest
from tests.browser.helpers import named_child
from tests.conferences.journeys import proceeded


def test_a_validation_error_keeps_what_was_typed(council, sign_in):
    child = named_child(council, "Freya", "Goodwin", plans=1, ended_days_ago=100)
    reason = "The mother's new partner has a history of violence; the children were left alone overnight."

    worker = sign_in(council.social_worker)
    page = worker.page
    worker.visit(f"/children/{child.pk}/", "child record")
    worker.press("Start a conference request", "proposal")
    page.get_by_label("Why are you asking for a child protection conference?").fill(reason)
    date = page.get_by_role("group", name="The date of the strategy discussion")
    date.get_by_label("Day").fill("31")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill("2026")
    worker.tick("Neglect (NEG)", "Emotional abuse (EMO)")
    page.get_by_label("Services proposed for the plan").fill("Family support worker")
    worker.press("Save and continue", "proposal with an error")

    assert worker.status == 400
    assert page.title().startswith("Error: ")
    assert "must be a real date" in worker.error_summary()
    expect(page.get_by_label("Why are you asking for a child protection conference?")).to_have_value(reason)
    expect(date.get_by_label("Day")).to_have_value("31")
    expect(date.get_by_label("Month")).to_have_value("2")
    expect(date.get_by_label("Year")).to_have_value("2026")
    expect(page.get_by_label("Neglect (NEG)")).to_be_checked()
    expect(page.get_by_label("Emotional abuse (EMO)")).to_be_checked()
    expect(page.get_by_label("Services proposed for the plan")).to_have_value("Family support worker")
    page.locator(".govuk-error-summary").get_by_role("link", name="must be a real date").click()
    expect(date.get_by_label("Day")).to_be_focused()
    request = ConferenceRequest.objects.get(child=child)
    assert request.reason == "", "nothing is saved while the form has an error"

    # The same on a decision: a timescale in words is refused and the chair's text is kept.
    other = named_child(council, "Arthur", "Goodwin", plans=1, ended_days_ago=100)
    at_screening = proceeded(council, other)
    chair = sign_in(council.cp_chair)
    chair.visit(f"/decisions/requests/{at_screening.pk}/", "chair task list")
    chair.follow("Screening record (R9)", "screening task")
    screening = chair.form_of("Save the screening record")
    difference = "The plan brings in the domestic abuse service, which legal advice alone would not."
    screening.get_by_label("Difference the plan will make compared with the alternatives").fill(difference)
    screening.get_by_label("Timescale in weeks").fill("twelve")
    chair.press("Save the screening record", "screening with an error", within=screening)

    assert chair.status == 400
    assert "whole number of weeks" in chair.error_summary()
    screening = chair.form_of("Save the screening record")
    expect(screening.get_by_label("Difference the plan will make compared with the alternatives")).to_have_value(
        difference
    )
    expect(screening.get_by_label("Timescale in weeks")).to_have_value("twelve")
    at_screening.refresh_from_db()
    assert at_screening.screening_difference == ""
