"""The Area Manager chooses an alternative route: the request closes and the worker sees why."""

from playwright.sync_api import expect

from conferences.models import OPEN_STATES, ConferenceRequest, State
from tests.browser.helpers import named_child
from tests.conferences.journeys import checked


def test_alternative_route_closes_the_request(council, sign_in):
    child = named_child(council, "Isla", "Marsden", plans=1, ended_days_ago=200, allocated=False)
    request = checked(council, child)

    manager = sign_in(council.area_manager)
    manager.nav("Your decisions", "manager dashboard")
    manager.follow("Decide on the request for Isla Marsden", "manager task list")
    manager.follow("Choose an alternative route", "alternative route task")
    route_form = manager.form_of("Close the request: alternative route")
    manager.tick("Pre-proceedings (Public Law Outline)", within=route_form.get_by_role("group", name="Route chosen"))
    manager.tick("Child in Need planning", within=route_form.get_by_role("group", name="Other alternatives considered"))
    route_form.get_by_label("Rationale for the decision").fill(
        "Legal advice says the threshold is met: pre-proceedings under the Public Law Outline give a clear deadline."
    )
    manager.press("Close the request: alternative route", "request closed", within=route_form)
    assert "alternative route" in manager.success_banner()

    worker = sign_in(council.social_worker)
    worker.visit(f"/children/{child.pk}/", "child record after closing")
    expect(worker.page.get_by_text("Not allocated").first).to_be_visible()
    worker.follow(f"Request {request.pk}", "closed request", exact=False)
    expect(worker.page.get_by_text("Closed: alternative route").first).to_be_visible()
    expect(worker.page.get_by_text("Pre-proceedings (Public Law Outline)").first).to_be_visible()

    request.refresh_from_db()
    assert request.state == State.CLOSED_ALTERNATIVE_ROUTE
    assert request.alternative_route == "pre_proceedings"
    assert set(request.alternatives_considered) == {"pre_proceedings", "child_in_need"}
    assert not ConferenceRequest.objects.filter(child=child, state__in=OPEN_STATES).exists()
