"""The CP chair returns a request with questions; the worker answers them and submits it again."""

from django.utils import timezone
from playwright.sync_api import expect

from conferences.models import ConferenceRequest, State
from tests.browser.helpers import named_child
from tests.conferences.journeys import proceeded


def test_request_returned_for_information_and_resubmitted(council, sign_in):
    child = named_child(council, "Ava", "Thornbury", plans=1, ended_days_ago=240)
    request = proceeded(council, child)

    chair = sign_in(council.cp_chair)
    chair.visit(f"/decisions/requests/{request.pk}/", "chair task list")
    chair.follow("Return the request for more information", "return task")
    questions = chair.form_of("Return to the worker")
    questions.get_by_label("Questions the worker must answer").fill(
        "The analysis is missing: why would a plan help more than pre-proceedings? Have partners been told?"
    )
    chair.press("Return to the worker", "request returned", within=questions)
    assert "returned to the worker" in chair.success_banner()

    worker = sign_in(council.social_worker)
    page = worker.page
    team_requests = page.get_by_role("table")
    expect(team_requests.get_by_role("row").filter(has_text="Ava Thornbury")).to_contain_text("Draft")
    worker.follow(f"Request {request.pk} for Ava Thornbury", "returned request")
    expect(page.get_by_role("region", name="Returned to you")).to_contain_text("Have partners been told?")
    worker.follow("Continue the request", "proposal, returned")
    expect(page.get_by_role("region", name="Returned to you")).to_be_visible()
    expect(page.get_by_label("Why are you asking for a child protection conference?")).to_have_value(
        "Neglect has returned."
    )
    worker.press("Save and continue", "repeat analysis")
    worker.fill_date("The date partners were told", timezone.localdate())
    page.get_by_label("What partners were told about the previous plan: its timeframe and context").fill(
        "At the strategy discussion: the eight-month plan for neglect that ended in the spring."
    )
    page.get_by_label("1. Time since the previous plan ended").fill("Eight months: pre-proceedings were considered.")
    page.get_by_label("2. Length of the previous plan").fill("Seven months.")
    page.get_by_label("3. Same or new risks").fill("The same neglect, and new drug use.")
    page.get_by_label("4. Services: what was done, and what will be different").fill("A drug service this time.")
    worker.press("Save and continue", "chair conversation")
    page.get_by_label("What you and the CP chair discussed").fill("Why a plan, and how to engage the father.")
    worker.press("Save and continue", "check your answers")
    worker.press("Submit the request", "resubmitted")
    assert "submitted" in worker.success_banner()
    expect(page.get_by_role("region", name="Returned to you")).to_have_count(0)

    request.refresh_from_db()
    assert request.state == State.PRIOR_PLAN_CHECK
    actions = list(request.audit_events.order_by("at", "pk").values_list("action", flat=True))
    assert actions.count("submit") == 2
    assert actions.index("return_for_information") < len(actions) - 1 - actions[::-1].index("submit")
    assert ConferenceRequest.objects.filter(child=child).count() == 1
