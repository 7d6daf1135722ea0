"""Challenge and resolution: the CP chair issues it, the team manager answers, the chair resolves or escalates.

It runs beside the request and never holds it up: the chair accepts while the answer is still due. Each
step is a page of its own reached from the challenge's task list, with its own save; escalating is
confirmed first. No typed word is lost: not to leaving the page (drafts kept on the server as they type),
not to a refused save, not to someone else taking a step meanwhile (what changed shows beside the text, and
the next save works, or the text is shown on the page that says why it cannot be).

Walked as the CP chair, the child's team manager and the Head of Service, each in a browser of their own.
"""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from conferences import records
from conferences.models import Challenge, ChallengeState, ConferenceRequest, Draft, State
from limits.text import LONG_TEXT
from tests.browser.helpers import named_child
from tests.conferences.journeys import proceeded, screened

RESPONSE = "Two actions were finished; the school nurse's review is outstanding and the family hub now owns it."
ESCALATION = "To the Head of Service: the same actions were left open after the last two plans."


def task(person, title):
    """The task list's row for a task, with its status."""
    return person.page.locator(".govuk-task-list__item").filter(has_text=title)


def issued(council, child):
    request = screened(council, proceeded(council, child))
    return records.issue_challenge(
        request.pk,
        council.cp_chair,
        triggers=["outstanding_actions_at_closure"],
        challenge="Which of the core group's actions were finished, and who owns the rest?",
        response_due=timezone.localdate() + datetime.timedelta(days=10),
    )


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
    expect(page.get_by_label("Case closed with actions outstanding")).to_be_checked()
    page.get_by_label("The challenge", exact=True).fill(
        "The last plan closed with the core group's actions outstanding. Which were finished, and who owns the rest?"
    )
    chair.fill_date("Response due by", due)
    chair.press("Issue the challenge", "challenge issued")
    assert "challenge and resolution is issued" in chair.success_banner()

    chair.follow("Accept the request", "accept: check the records")
    chair.press("Accept the request", "accepted while the challenge is open")
    assert "accepted" in chair.success_banner()
    request.refresh_from_db()
    assert request.state == State.READY_TO_CONVENE

    # The child's team manager answers, on the step's own page.
    manager = sign_in(council.team_manager)
    manager.nav("Challenges", "open challenges")
    manager.follow("Leo Harcourt", "challenge to answer")
    manager.follow("Respond to the challenge", "respond: its own page")
    manager.page.get_by_label("Your response to the challenge").fill(RESPONSE)
    manager.press("Send the response", "response sent")
    assert "response is sent" in manager.success_banner()
    expect(manager.page.get_by_text("the family hub now owns it")).to_be_visible()

    # The CP chair resolves it from the open challenges on the dashboard.
    chair.nav("Your decisions", "chair dashboard with the challenge")
    challenges = page.get_by_role("table", name="Open challenges and resolution")
    chair.follow("Leo Harcourt", "challenge to resolve", within=challenges)
    expect(task(chair, "Escalate the challenge")).to_contain_text("Not yet started")
    chair.follow("Resolve the challenge", "resolve: its own page")
    page.get_by_label("How the challenge was resolved").fill(
        "Agreed: the family hub reviews the outstanding action at the first core group."
    )
    chair.press("Resolve the challenge", "challenge resolved")
    assert "challenge is resolved" in chair.success_banner()
    expect(page.locator(".govuk-task-list")).to_have_count(0)

    challenge = Challenge.objects.get(request=request)
    assert challenge.state == ChallengeState.RESOLVED
    assert challenge.responded_by == council.team_manager
    assert challenge.closed_by == council.cp_chair
    assert challenge.response_due == due


def test_every_word_survives_a_draft_a_refusal_and_a_step_taken_meanwhile(council, sign_in):
    child = named_child(council, "Maya", "Ellerby", plans=1, ended_days_ago=120, outstanding_actions_at_closure=True)
    challenge = issued(council, child)

    # The CP chair starts to escalate the unanswered challenge.
    chair = sign_in(council.cp_chair)
    chair.visit(f"/decisions/challenges/{challenge.pk}/", "chair's challenge page")
    chair.follow("Escalate the challenge", "escalate: its own page")
    escalation = chair.page.get_by_label("Why the challenge is escalated, and to whom")
    escalation.fill(ESCALATION)
    expect(chair.page.locator("[data-draft-status]")).to_contain_text("Draft saved at")

    # Meanwhile the team manager answers: a draft put back, and a refused save that keeps every word.
    manager = sign_in(council.team_manager)
    page = manager.page
    manager.nav("Challenges", "open challenges")
    manager.follow("Maya Ellerby", "challenge to answer")
    expect(task(manager, "Respond to the challenge")).to_contain_text("Not yet started")
    manager.follow("Respond to the challenge", "respond: its own page")
    expect(page.get_by_text("who owns the rest?")).to_be_visible()  # the challenge, beside the answer
    response = page.get_by_label("Your response to the challenge")
    response.fill(RESPONSE)
    expect(page.locator("[data-draft-status]")).to_contain_text("Draft saved at")
    manager.follow("Back to the task list", "challenge page with a draft")
    expect(task(manager, "Respond to the challenge")).to_contain_text("In progress")
    manager.follow("Respond to the challenge", "respond: the draft put back")
    expect(page.locator("#draft-restored")).to_be_visible()
    expect(response).to_have_value(RESPONSE)

    too_long = RESPONSE + " " + "x" * LONG_TEXT
    response.fill(too_long)
    manager.press("Send the response", "response refused: too long")
    assert manager.status == 400
    assert "5,000 characters or fewer" in manager.error_summary()
    expect(response).to_have_value(too_long)
    response.fill(RESPONSE)
    manager.press("Send the response", "response sent")
    assert "response is sent" in manager.success_banner()
    assert not Draft.objects.filter(user=council.team_manager).exists()

    # The chair's escalation meets the response: their words stay beside it, and the next save works.
    chair.press("Continue", "escalate: the challenge changed")
    assert chair.status == 409
    expect(chair.page.get_by_role("alert")).to_contain_text("The challenge changed while you were looking at it")
    expect(escalation).to_have_value(ESCALATION)
    expect(chair.page.locator("#what-changed")).to_contain_text("the family hub now owns it")
    chair.press("Continue", "escalate: are you sure?")
    expect(chair.page.get_by_role("heading", name="Escalate the challenge: are you sure?")).to_be_visible()
    expect(chair.page.locator(".govuk-warning-text")).to_contain_text("the Head of Service")
    chair.press("Escalate the challenge", "challenge escalated")
    assert "challenge is escalated" in chair.success_banner()
    challenge.refresh_from_db()
    assert (challenge.state, challenge.response, challenge.resolution) == (
        ChallengeState.ESCALATED,
        RESPONSE,
        ESCALATION,
    )
    assert not Draft.objects.exists()

    # The Head of Service, told of it, reads the escalation; no step of it is theirs.
    head = sign_in(council.head_of_service)
    head.visit(f"/decisions/challenges/{challenge.pk}/", "Head of Service reads the escalation")
    expect(head.page.get_by_text(ESCALATION)).to_be_visible()
    expect(head.page.locator(".govuk-task-list")).to_have_count(0)
    head.visit(f"/decisions/challenges/{challenge.pk}/escalate/", "Head of Service: not their step")
    assert head.status == 403


def test_a_resolution_too_late_is_shown_not_lost(council, sign_in):
    child = named_child(council, "Theo", "Marchant", plans=1, ended_days_ago=120, outstanding_actions_at_closure=True)
    challenge = records.respond_to_challenge(
        issued(council, child).pk, council.team_manager, response="The family hub owns the review."
    )
    resolution = "Agreed: the family hub reviews it at the first core group, and reports to conference."

    chair = sign_in(council.cp_chair)
    chair.visit(f"/decisions/challenges/{challenge.pk}/resolve/", "resolve: its own page")
    chair.page.get_by_label("How the challenge was resolved").fill(resolution)

    # Another chair resolves it first, in another browser.
    other = sign_in(council.cp_chair_2)
    other.visit(f"/decisions/challenges/{challenge.pk}/resolve/", "the other chair's resolve page")
    other.page.get_by_label("How the challenge was resolved").fill("Resolved at the screening meeting.")
    other.press("Resolve the challenge", "resolved by the other chair")

    chair.press("Resolve the challenge", "resolve refused: already resolved")
    assert chair.status == 409
    expect(chair.page.locator("#typed-text")).to_contain_text(resolution)
    challenge.refresh_from_db()
    assert challenge.resolution == "Resolved at the screening meeting."


def test_the_chair_records_why_no_challenge_from_the_challenge_task(council, sign_in):
    child = named_child(council, "Ava", "Penrose", plans=1, ended_days_ago=120, outstanding_actions_at_closure=True)
    request = screened(council, proceeded(council, child))
    reason = "The actions left open were the court's, and the family has met every one since."

    chair = sign_in(council.cp_chair)
    page = chair.page
    chair.visit(f"/decisions/requests/{request.pk}/", "chair task list")
    expect(task(chair, "Issue a challenge and resolution (R11)")).to_contain_text("Not yet started")
    chair.follow("Issue a challenge and resolution (R11)", "challenge task")
    chair.follow("record why no challenge and resolution is issued", "why no challenge: its own page")
    page.get_by_label("Why a challenge and resolution is not issued").fill(reason)
    chair.press("Save the reason", "why no challenge saved")
    assert "Why no challenge and resolution is issued is saved." in chair.success_banner()
    expect(task(chair, "Issue a challenge and resolution (R11)")).to_contain_text("Completed")
    chair.follow("Accept the request", "accept: check the records")
    card = page.locator(".govuk-summary-card").filter(has_text="Issue a challenge and resolution")
    expect(card).to_contain_text(reason)
    request.refresh_from_db()
    assert request.challenge_not_issued_reason == reason
