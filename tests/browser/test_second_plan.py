"""A second plan within 12 months, from draft to ready to convene, each person in their own browser.

The worker finds the child, writes the request section by section and submits it, then confirms
the prior-plan check; the Area Manager proceeds to screening; the CP Manager records the
consultation; the CP chair records the screening and accepts.
"""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from conferences.models import ConferenceRequest, State
from tests.browser.helpers import named_child


def test_second_plan_within_12_months_reaches_ready_to_convene(council, sign_in):
    today = timezone.localdate()
    child = named_child(council, "Maya", "Whitfield", plans=1, ended_days_ago=150)

    # The social worker finds the child and starts the request.
    worker = sign_in(council.social_worker)
    page = worker.page
    expect(page.get_by_role("heading", level=1)).to_have_text("My children and requests")
    worker.nav("Find a child", "find a child")
    page.get_by_label("Name or local child ID").fill("Whitfield")
    worker.press("Search", "search results")
    worker.follow("Maya Whitfield", "child record")
    expect(page.get_by_text("Within 12 months")).to_be_visible()
    worker.press("Start a conference request", "proposal")

    expect(page.get_by_role("heading", level=1)).to_have_text("The proposal")
    page.get_by_label("Why are you asking for a child protection conference?").fill(
        "Neglect has returned since the plan ended: the home is unsafe and school attendance has fallen."
    )
    worker.fill_date("The date of the strategy discussion", today - datetime.timedelta(days=2))
    worker.tick("Neglect (NEG)")
    worker.tick("Parent or carer (3B)", within=page.get_by_role("group", name="Domestic abuse"))
    worker.tick("Parent or carer (2B)", within=page.get_by_role("group", name="Drug misuse"))
    page.get_by_label("Services proposed for the plan").fill("Family support worker\nSubstance misuse service")
    worker.press("Save and continue", "repeat analysis")

    expect(page.get_by_role("heading", level=1)).to_have_text("Partners and the repeat-plan analysis")
    worker.fill_date("The date partners were told", today - datetime.timedelta(days=2))
    page.get_by_label("What partners were told about the previous plan: its timeframe and context").fill(
        "At the strategy discussion: the plan for neglect ended five months ago after seven months."
    )
    page.get_by_label("1. Time since the previous plan ended").fill(
        "Five months. Pre-proceedings were considered; a plan gives the family new services first."
    )
    page.get_by_label("2. Length of the previous plan").fill("Seven months: not stepped down early.")
    page.get_by_label("3. Same or new risks").fill("Same neglect; new concealed drug use by the mother.")
    page.get_by_label("4. Services: what was done, and what will be different").fill(
        "The parenting programme ran before; now a substance misuse service and a family support worker."
    )
    worker.press("Save and continue", "chair conversation")

    expect(page.get_by_role("heading", level=1)).to_have_text("Conversation with the CP chair")
    worker.fill_date("The date of the conversation", today - datetime.timedelta(days=1))
    page.get_by_label("What you and the CP chair discussed").fill(
        "How to run the conference, why a return to child protection is right, and how to engage the mother."
    )
    worker.press("Save and continue", "check your answers")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before you submit")
    expect(page.get_by_text("Substance misuse service").first).to_be_visible()
    worker.press("Submit the request", "request submitted")
    assert "submitted" in worker.success_banner()
    expect(page.get_by_text("Prior-plan check", exact=True).first).to_be_visible()

    worker.follow("Confirm the prior-plan check", "prior-plan check")
    worker.tick("This council's records", "Other councils / CP-IS")
    worker.press("Confirm the prior-plan check", "request after the check")
    assert "prior-plan check has been confirmed" in worker.success_banner()
    request = ConferenceRequest.objects.get(child=child)
    assert request.state == State.MANAGER_DISCUSSION

    # The Area Manager decides from the dashboard: another plan, after considering the alternatives.
    manager = sign_in(council.area_manager)
    manager.nav("Your decisions", "manager dashboard")
    manager.follow("Decide on the request for Maya Whitfield", "manager task list")
    manager.follow("Another child protection plan: proceed to screening", "proceed task")
    proceed = manager.form_of("Proceed to CP chair screening")
    manager.tick("Pre-proceedings (Public Law Outline)", "Child in Need planning", within=proceed)
    proceed.get_by_label("Rationale for another child protection plan").fill(
        "Pre-proceedings and CIN planning were discussed: the new drug use needs a multi-agency plan now."
    )
    manager.press("Proceed to CP chair screening", "request at screening", within=proceed)
    assert "goes to CP chair screening" in manager.success_banner()

    # The CP Manager is consulted (close scrutiny: within 12 months, similar concerns).
    cp_manager = sign_in(council.cp_manager)
    cp_manager.nav("Your decisions", "CP Manager dashboard")
    row = cp_manager.page.get_by_role("row").filter(has_text="Maya Whitfield")
    expect(row).to_contain_text("Close scrutiny")
    expect(row).to_contain_text("Within 12 months")
    cp_manager.follow("Decide on the request for Maya Whitfield", "CP Manager task list")
    cp_manager.follow("Consultation with the CP Manager (R14)", "consultation task")
    consultation = cp_manager.form_of("Save the consultation")
    consultation.get_by_label("Consultation with the CP Manager").fill(
        "Close scrutiny: the plan ended five months ago with the same neglect. Agree to screen."
    )
    cp_manager.press("Save the consultation", "consultation saved", within=consultation)
    assert "consultation is saved" in cp_manager.success_banner()

    # The CP chair records the screening discussion, then accepts.
    chair = sign_in(council.cp_chair)
    chair.nav("Your decisions", "chair dashboard")
    chair.follow("Decide on the request for Maya Whitfield", "chair task list")
    chair.follow("Screening record (R9)", "screening task")
    screening = chair.form_of("Save the screening record")
    screening.get_by_label("Difference the plan will make compared with the alternatives").fill(
        "A plan brings the drug service in at once; legal advice would not change the care now."
    )
    screening.get_by_label("Timescale in weeks").fill("12")
    chair.press("Save the screening record", "screening saved", within=screening)
    tasks = chair.page.locator("#records")
    expect(tasks.locator("li").filter(has_text="Screening record")).to_contain_text("Completed")
    chair.follow("Accept the request", "accept: check the records")
    expect(chair.page.get_by_role("heading", name="Check the records this decision rests on")).to_be_visible()
    screening_card = chair.page.locator(".govuk-summary-card").filter(has_text="Screening record")
    expect(screening_card).to_contain_text("legal advice would not change the care now")
    chair.press("Accept the request", "request accepted")
    assert "accepted" in chair.success_banner()
    expect(chair.page.get_by_text("Ready to convene").first).to_be_visible()

    request.refresh_from_db()
    assert request.state == State.READY_TO_CONVENE
    assert request.screened_by == council.cp_chair
    assert request.manager_decided_by == council.area_manager
    actions = list(request.audit_events.order_by("at", "pk").values_list("action", flat=True))
    assert actions[0] == "start_request" and actions[-1] == "accept"
    assert {"submit", "confirm_previous_plan", "proceed", "record_cp_manager_consultation"} <= set(actions)
