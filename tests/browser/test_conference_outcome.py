"""The conference and its outcome: the CP chair records a plan, and that plan is then on the child's record, in the
indicators and, once it has ended, counted as the previous plan of the child's next request.

The chair first types a conference date before the request was submitted: the page says so on the field and
keeps everything else typed.
"""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from cases.plans import plan_correct
from conferences.models import ConferenceRequest, State
from tests.conferences import journeys
from tests.factories import ChildFactory


def test_a_plan_made_at_the_conference_is_found_everywhere(council, sign_in):
    today = timezone.localdate()
    child = ChildFactory(
        team=council.north_team, first_name="Ruby", last_name="Halloran", allocated_worker=council.social_worker
    )
    request = journeys.checked(council, child)
    submitted = today - datetime.timedelta(days=100)
    ConferenceRequest.objects.filter(pk=request.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime.combine(submitted, datetime.time(10)))
    )
    held_on = today - datetime.timedelta(days=90)

    chair = sign_in(council.cp_chair)
    chair.nav("Your decisions", "chair dashboard")
    chair.follow("Decide on the request for Ruby Halloran", "chair decision")
    chair.follow("Record the conference and its outcome", "record the conference")
    page = chair.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the conference and its outcome")

    # A date before the submission is refused on its field; the rest of what was typed stays.
    chair.fill_date("Date the conference was held", submitted - datetime.timedelta(days=1))
    chair.tick("A child protection plan")
    chair.tick("Neglect (NEG)")
    chair.press("Record the conference", "conference date refused")
    assert "the date the request was submitted" in chair.error_summary()
    expect(page.get_by_label("Neglect (NEG)")).to_be_checked()
    expect(page.get_by_label("Who chaired the conference")).to_have_value(str(council.cp_chair.pk))

    chair.fill_date("Date the conference was held", held_on)
    chair.press("Record the conference", "conference recorded")
    assert "conference and its outcome are recorded" in chair.success_banner()
    expect(page.get_by_text("A child protection plan", exact=True)).to_be_visible()
    request.refresh_from_db()
    assert request.state == State.CONVENED
    plan = request.plan
    assert (plan.start_date, plan.initial_category, plan.end_date) == (held_on, "NEG", None)

    # On the child's record: the current plan, from the conference's date.
    chair.follow("Ruby Halloran's record", "child with the new plan")
    expect(page.get_by_text(f"Started {held_on.day} {held_on:%B %Y}")).to_be_visible()

    # In the indicators: one plan started, and the child behind the figure.
    cp_manager = sign_in(council.cp_manager)
    cp_manager.visit("/quality/indicators/", "indicators")
    started = cp_manager.page.get_by_role("row", name="CP plans started")
    expect(started).to_contain_text("1")
    cp_manager.follow("1 – see the cases", "plans started", within=started)
    expect(cp_manager.page.get_by_text("Ruby Halloran").first).to_be_visible()

    # Later the plan ends at a review; the child's next request counts it as the previous plan.
    plan_correct(
        plan=plan, user=council.data_manager, values={"end_date": today - datetime.timedelta(days=10)}, reason="Ended."
    )
    worker = sign_in(council.social_worker)
    worker.visit(f"/children/{child.pk}/", "child after the plan ended")
    expect(worker.page.locator("[data-previous-plans]")).to_have_attribute("data-previous-plans", "1")
    worker.press("Start a conference request", "proposal")
    later = ConferenceRequest.objects.exclude(pk=request.pk).get(child=child)
    worker.visit(f"/requests/{later.pk}/", "the next request")
    summary = worker.page.locator(".govuk-summary-list").filter(has_text="Plan number")
    expect(summary.locator(".govuk-summary-list__row").filter(has_text="Plan number")).to_contain_text("2")
    expect(summary.locator(".govuk-summary-list__row").filter(has_text="Previous plans")).to_contain_text("1")
