"""Ending a plan with step-down signals: the chair cannot end it alone, the CP Manager agrees, and the
next request for the child shows the ending's facts as reasons for challenge and resolution."""

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AuditEvent
from cases.models import CPPlan
from reviews.models import ReviewConference, ReviewState
from tests.factories import ChildFactory, CPPlanFactory


def test_plan_ending_with_signals_needs_the_cp_manager(council, sign_in):
    today = timezone.localdate()
    child = ChildFactory(
        team=council.north_team, first_name="Maya", last_name="Kerr", allocated_worker=council.social_worker
    )
    plan = CPPlanFactory(child=child, start_date=today - relativedelta(months=3), end_date=None)

    chair = sign_in(council.cp_chair)
    chair.visit(f"/children/{child.pk}/", "child with a current plan")
    chair.follow("Record a review conference", "record a review conference")
    chair.fill_date("Date of the review conference", today)
    chair.tick("End the plan")
    chair.press("Continue", "the step-down plan")
    chair.tick("Stepped down to Child in Need plan", "No")
    chair.press("Continue", "actions still outstanding")
    chair.page.get_by_label("What is still to be done?").fill("Health visitor's developmental review")
    chair.page.get_by_label("Who owns it under the step-down plan?").fill("Health visiting team")
    chair.fill_date("By when?", today + datetime.timedelta(days=28))
    chair.press("Add the action", "one outstanding action")
    chair.follow("Continue to the step-down check", "the step-down check")

    page = chair.page
    signals = page.locator("#step-down-signals")
    expect(signals).to_contain_text("The plan has lasted 3 months or less")
    expect(signals).to_contain_text("Actions are still outstanding")
    expect(signals).to_contain_text("The core group did not put the plan's services and actions in place")
    # The chair alone cannot end it: the only way on is to ask the CP Manager.
    expect(page.get_by_role("button", name="End the plan", exact=True)).to_have_count(0)
    chair.press("Ask the CP Manager to agree the ending", "no reason given")
    assert "despite the step-down signals" in chair.error_summary()
    page.get_by_label("Why should the plan end?").fill("Mother is engaging with the family hub; risks have reduced.")
    chair.press("Ask the CP Manager to agree the ending", "sent to the CP Manager")
    assert "sent to the CP Manager" in chair.success_banner()
    expect(page.locator("#review-state")).to_have_text("Waiting for the CP Manager to agree the ending")
    plan.refresh_from_db()
    assert plan.end_date is None

    manager = sign_in(council.cp_manager)
    manager.nav("Plan endings", "plan endings")
    manager.follow("Maya Kerr", "ending to agree")
    expect(manager.page.locator("#step-down-signals")).to_contain_text("Actions are still outstanding")
    manager.tick("Yes, the plan ends")
    manager.page.get_by_label("Your reason").fill("Agreed: the health visiting team owns the review.")
    manager.press("Record your decision", "ending agreed")
    assert "the plan has ended" in manager.success_banner()

    plan.refresh_from_db()
    review = ReviewConference.objects.get(plan=plan)
    assert review.state == ReviewState.ENDED and review.cp_manager == council.cp_manager
    assert (plan.end_date, plan.outstanding_actions_at_closure, plan.core_group_actions_not_implemented) == (
        today,
        True,
        True,
    )
    assert AuditEvent.objects.get(action="agree_plan_ending").description == (
        "Agreed: the health visiting team owns the review."
    )

    # The next request for Maya: the ending's facts are reasons for challenge and resolution.
    worker = sign_in(council.social_worker)
    worker.visit(f"/children/{child.pk}/", "child after the ending")
    worker.press("Start a conference request", "proposal")
    request_id = worker.page.url.rstrip("/").split("/")[-3]
    worker.visit(f"/requests/{request_id}/", "the new request")
    reasons = worker.page.get_by_text("The CP chair will issue a challenge and resolution (R11).")
    expect(reasons).to_be_visible()
    expect(reasons).to_contain_text("Case closed with actions outstanding")
    expect(reasons).to_contain_text("Core group did not implement services or actions")
    expect(reasons).to_contain_text("Previous plan stepped down too early")
    assert CPPlan.objects.get(pk=plan.pk).end_date == today
