"""Challenge and resolution: the CP chair issues it, the team manager answers, the chair resolves it.

It runs beside the request and never holds it up: the chair accepts while the answer is still due.
"""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from conferences.models import Challenge, ChallengeState, ConferenceRequest, State
from tests.browser.helpers import named_child
from tests.conferences.journeys import proceeded, screened


def test_challenge_issued_answered_and_resolved(council, sign_in):
    child = named_child(council, "Leo", "Harcourt", plans=1, ended_days_ago=120, outstanding_actions_at_closure=True)
    screened(council, proceeded(council, child))
    request = ConferenceRequest.objects.get(child=child)
    due = timezone.localdate() + datetime.timedelta(days=10)

    chair = sign_in(council.cp_chair)
    chair.nav("Your decisions", "chair dashboard")
    chair.follow("Decide on the request for Leo Harcourt", "chair decision with a reason for challenge")
    page = chair.page
    expect(page.get_by_role("heading", name="Suggested reasons for challenge and resolution")).to_be_visible()
    chair.follow("Issue a challenge and resolution (R11)", "challenge task")
    issue = chair.form_of("Issue the challenge")
    expect(issue.get_by_label("Case closed with actions outstanding")).to_be_checked()
    issue.get_by_label("The challenge", exact=True).fill(
        "The last plan closed with the core group's actions outstanding. Which were finished, and who owns the rest?"
    )
    chair.fill_date("Response due by", due, within=issue)
    chair.press("Issue the challenge", "challenge issued", within=issue)
    assert "challenge and resolution is issued" in chair.success_banner()

    chair.follow("Accept the request", "accept: check the records")
    chair.press("Accept the request", "accepted while the challenge is open")
    assert "accepted" in chair.success_banner()
    request.refresh_from_db()
    assert request.state == State.READY_TO_CONVENE

    # The child's team manager answers.
    manager = sign_in(council.team_manager)
    manager.nav("Challenges", "open challenges")
    manager.follow("Leo Harcourt", "challenge to answer")
    respond = manager.form_of("Send the response")
    respond.get_by_label("Your response to the challenge").fill(
        "Two actions were finished; the school nurse's review is outstanding and the family hub now owns it."
    )
    manager.press("Send the response", "response sent", within=respond)
    assert "response is sent" in manager.success_banner()
    expect(manager.page.get_by_text("the family hub now owns it")).to_be_visible()

    # The CP chair resolves it from the open challenges on the dashboard.
    chair.nav("Your decisions", "chair dashboard with the challenge")
    challenges = page.get_by_role("table", name="Open challenges and resolution")
    chair.follow("Leo Harcourt", "challenge to resolve", within=challenges)
    resolve = chair.form_of("Resolve the challenge")
    resolve.get_by_label("How the challenge was resolved").fill(
        "Agreed: the family hub reviews the outstanding action at the first core group."
    )
    chair.press("Resolve the challenge", "challenge resolved", within=resolve)
    assert "challenge is resolved" in chair.success_banner()

    challenge = Challenge.objects.get(request=request)
    assert challenge.state == ChallengeState.RESOLVED
    assert challenge.responded_by == council.team_manager
    assert challenge.closed_by == council.cp_chair
    assert challenge.response_due == due
