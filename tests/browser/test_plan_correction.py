"""The data manager records the end of a plan a census return left open, in Chromium: a missing reason is
refused with the date kept; with it, the child's page shows the end, where the plan came from and the
correction beside the original; the child's open request is held until a CP chair confirms the check again."""

import datetime

from playwright.sync_api import expect

from cases.models import CPPlan, PlanSource
from conferences.models import ConferenceRequest
from tests.conferences import journeys
from tests.factories import ChildFactory, CPPlanFactory


def test_the_data_manager_records_the_end_of_a_plan_a_census_left_open(council, sign_in):
    child = ChildFactory(team=council.north_team, first_name="Ivy", last_name="Marsh")
    plan = CPPlanFactory(
        child=child,
        start_date=datetime.date(2023, 10, 2),
        end_date=None,
        source=PlanSource.CENSUS,
        source_date=datetime.date(2025, 3, 31),
    )

    manager = sign_in(council.data_manager)
    manager.visit(f"/children/{child.pk}/", "child with a plan open at the census")
    expect(manager.page.get_by_role("cell", name="Open at the census of 31 March 2025")).to_be_visible()
    manager.follow("Record the end of plan 1", "record the end of the plan")
    manager.fill_date("The day the plan ended", datetime.date(2024, 9, 30))
    manager.page.get_by_label("How it ended").select_option("stepped_down_cin")
    manager.press("Record the end of the plan", "no reason given")
    assert "Say where the end date comes from." in manager.error_summary()
    expect(manager.page.get_by_label("Year")).to_have_value("2024")
    manager.page.get_by_label("Where does the end date come from?").fill("Review conference minutes, 30 Sept 2024.")
    manager.press("Record the end of the plan", "plan ended, back on the child's record")
    assert "The end of the plan is recorded." in manager.success_banner()
    corrections = manager.page.locator("[data-plan-corrections]")
    expect(corrections).to_contain_text("Review conference minutes, 30 Sept 2024.")
    expect(corrections).to_contain_text("End: 30 September 2024 (was Not recorded)")
    source = manager.page.locator("[data-plan-source]")
    expect(source).to_contain_text("Census return of 31 March 2025, corrected since")
    assert CPPlan.objects.get(pk=plan.pk).end_date == datetime.date(2024, 9, 30)

    # The plan now ended, the child may have a request; a later correction holds it for the chair.
    request = journeys.checked(council, child)
    manager.visit(f"/corrections/plans/{plan.pk}/", "correct the plan")
    manager.page.get_by_label("Latest category of abuse").select_option("EMO")
    manager.page.get_by_label("Why is it corrected?").fill("The latest category was emotional abuse.")
    manager.press("Save the correction", "plan corrected")
    assert ConferenceRequest.objects.get(pk=request.pk).history_changed_at is not None

    chair = sign_in(council.cp_chair)
    chair.visit(f"/requests/{request.pk}/", "request held after the correction")
    expect(chair.page.locator("[data-history-changed]")).to_contain_text("The latest category was emotional abuse.")
    chair.follow("Confirm the prior-plan check again", "confirm the check again")
    chair.tick("This council's records", "Other councils / CP-IS")
    chair.press("Confirm the prior-plan check again", "check confirmed again")
    expect(chair.page.locator("[data-history-changed]")).to_have_count(0)
    assert ConferenceRequest.objects.get(pk=request.pk).history_changed_at is None
