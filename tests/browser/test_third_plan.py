"""A third plan goes to the Head of Service: one is signed off, another refused, each in its own browser."""

from playwright.sync_api import expect

from conferences import transitions
from conferences.models import ConferenceRequest, State
from tests.browser.helpers import named_child
from tests.conferences.journeys import proceeded, screened


def test_third_plan_signed_off_and_another_refused(council, sign_in):
    agreed_child = named_child(council, "Ruby", "Ashworth", plans=2, ended_days_ago=300)
    refused_child = named_child(council, "Oscar", "Pendle", plans=2, ended_days_ago=90)
    for child in (agreed_child, refused_child):
        screened(council, proceeded(council, child))
    to_agree = ConferenceRequest.objects.get(child=agreed_child)
    to_refuse = ConferenceRequest.objects.get(child=refused_child)
    transitions.accept(to_refuse.pk, council.cp_chair)

    # The CP chair accepts a third plan: it goes to the Head of Service, not to the conference.
    chair = sign_in(council.cp_chair)
    chair.nav("Your decisions", "chair dashboard")
    chair.follow("Decide on the request for Ruby Ashworth", "chair task list, plan 3")
    expect(chair.page.get_by_text("This would be plan number")).to_be_visible()
    chair.follow("Accept the request", "accept: check the records")
    chair.press("Accept the request", "accepted, to the Head of Service")
    expect(chair.page.get_by_text("Head of Service sign-off").first).to_be_visible()

    # The Head of Service agrees one on its ground and refuses the other with a reason.
    head = sign_in(council.head_of_service)
    head.nav("Your decisions", "Head of Service dashboard")
    queue = head.page.get_by_role("table", name="Requests waiting for your decision")
    expect(queue.get_by_role("row")).to_have_count(3)  # the heading row and the two requests
    head.follow("Decide on the request for Ruby Ashworth", "Head of Service task list")
    head.follow("Agree a third or later plan (R10)", "agree task")
    agree = head.form_of("Agree the plan")
    head.tick("The risks are significantly different", within=agree)
    agree.get_by_label("Rationale", exact=True).fill(
        "The risk now is the new partner's violence, not the neglect the earlier plans addressed."
    )
    head.press("Agree the plan", "plan agreed", within=agree)
    assert "agreed" in head.success_banner()
    expect(head.page.get_by_text("Ready to convene").first).to_be_visible()

    head.nav("Your decisions", "Head of Service dashboard, one left")
    head.follow("Decide on the request for Oscar Pendle", "Head of Service task list, second")
    head.follow("Refuse a third or later plan", "refuse task")
    refuse = head.form_of("Continue")
    refuse.get_by_label("Reason for refusing").fill(
        "The same neglect as both earlier plans and nothing has changed: pre-proceedings instead."
    )
    head.press("Continue", "refusal to confirm", within=refuse)
    expect(head.page.get_by_role("heading", level=1)).to_have_text("Refuse a third or later plan: are you sure?")
    expect(head.page.get_by_text("pre-proceedings instead.")).to_be_visible()
    head.press("Refuse the plan", "plan refused")
    assert "refused" in head.success_banner()

    # The worker reads the outcome on the refused request.
    worker = sign_in(council.social_worker)
    worker.visit(f"/requests/{to_refuse.pk}/", "refused request")
    expect(worker.page.get_by_text("Declined").first).to_be_visible()
    expect(worker.page.get_by_text("pre-proceedings instead").first).to_be_visible()

    to_agree.refresh_from_db()
    to_refuse.refresh_from_db()
    assert to_agree.state == State.READY_TO_CONVENE
    assert to_agree.head_of_service_grounds == ["risks_significantly_different"]
    assert to_agree.head_of_service_decided_by == council.head_of_service
    assert to_refuse.state == State.DECLINED
    assert to_refuse.head_of_service_decided_by == council.head_of_service
