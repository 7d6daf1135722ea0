"""The challenge pages: the challenge with its steps as a task list, and each step on a page of its own.

The child's team manager responds and the CP chair resolves or escalates, each on the step's own page
with its own save; escalating is confirmed first. Typed work is never lost: long answers are kept as
drafts and put back; a refusal keeps the text; a step taken meanwhile by someone else is a 409 that shows
what changed beside the text, on a form that carries the challenge's new state so the next save works.
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import RecordAccess
from conferences import records
from conferences.errors import RequestChanged
from conferences.models import ChallengeState, ConferenceRequest, Draft
from tests.conferences.journeys import child_with_plans, proceeded


def challenge_url(challenge):
    return reverse("decisions:challenge", args=[challenge.pk])


def step_url(challenge, step):
    return reverse("decisions:challenge_step", args=[challenge.pk, step])


def draft_url(challenge):
    return reverse("decisions:challenge_draft", args=[challenge.pk])


def opened(client, challenge, step):
    """The step's page as the browser has it: its page, and the state and version its form carries."""
    response = client.get(step_url(challenge, step))
    page = response.content.decode()
    return page, dict(re.findall(rf'name="{step}-(expected_(?:state|version))" value="([^"]*)"', page))


def send(client, challenge, step, seen, confirmed="yes", **fields):
    data = {"action": step, "confirmed": confirmed} | {f"{step}-{key}": value for key, value in seen.items()}
    data |= {f"{step}-{name}": value for name, value in fields.items()}
    return client.post(step_url(challenge, step), data)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def challenge(council):
    request = proceeded(council, child_with_plans(council, 1, core_group_actions_not_implemented=True))
    return records.issue_challenge(
        request.pk,
        council.cp_chair,
        triggers=["core_group_actions_not_implemented"],
        challenge="Why did the core group not act?",
        response_due=timezone.localdate() + datetime.timedelta(days=7),
    )


def test_the_team_manager_answers_and_the_chair_resolves_each_on_the_steps_page(council, challenge):
    manager = signed_in(council.team_manager)
    page = manager.get(challenge_url(challenge)).content.decode()
    assert "Core group did not implement services or actions" in page
    assert 'class="govuk-task-list"' in page and step_url(challenge, "respond") in page
    assert step_url(challenge, "escalate") not in page
    assert 'name="action"' not in page  # the challenge page only links its steps

    page, seen = opened(manager, challenge, "respond")
    assert "Why did the core group not act?" in page  # the challenge, to answer beside the form
    assert send(manager, challenge, "respond", seen, response="").status_code == 400
    response = send(manager, challenge, "respond", seen, response="The core group now meets weekly.")
    assert response.status_code == 302 and response.url == challenge_url(challenge)
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.RESPONDED

    chair = signed_in(council.cp_chair)
    page = chair.get(challenge_url(challenge)).content.decode()
    assert step_url(challenge, "resolve") in page and step_url(challenge, "escalate") in page
    _, seen = opened(chair, challenge, "resolve")
    response = send(chair, challenge, "resolve", seen, resolution="Agreed: the plan names who does what.")
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.RESOLVED
    assert step_url(challenge, "resolve") not in chair.get(challenge_url(challenge)).content.decode()


def test_escalating_is_confirmed_first_and_change_goes_back_with_the_text(council, challenge):
    chair = signed_in(council.cp_chair)
    _, seen = opened(chair, challenge, "escalate")
    response = send(chair, challenge, "escalate", seen, confirmed="", resolution="To the Head of Service: no reply.")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Escalate the challenge: are you sure?" in page
    assert "the Head of Service" in page  # who is told, from the declaration
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.ISSUED
    assert "To the Head of Service: no reply." in opened(chair, challenge, "escalate")[0]  # "Change" keeps it

    assert send(chair, challenge, "escalate", seen, resolution="To the Head of Service: no reply.").status_code == 302
    challenge.refresh_from_db()
    assert (challenge.state, challenge.closed_by) == (ChallengeState.ESCALATED, council.cp_chair)
    assert not Draft.objects.exists()


def test_a_blank_escalation_is_refused_not_confirmed(council, challenge):
    chair = signed_in(council.cp_chair)
    _, seen = opened(chair, challenge, "escalate")
    response = send(chair, challenge, "escalate", seen, confirmed="", resolution=" ")
    assert response.status_code == 400
    assert "Write the resolution." in response.content.decode()


def test_a_draft_is_kept_per_challenge_put_back_and_cleared_on_save(council, challenge):
    manager = signed_in(council.team_manager)
    version = ConferenceRequest.objects.get(pk=challenge.request_id).version
    response = manager.post(
        draft_url(challenge), {"field": "respond-response", "text": "Half an answer", "version": version}
    )
    assert response.status_code == 204
    assert Draft.objects.get().field == f"challenge{challenge.pk}_respond-response"
    assert "In progress" in manager.get(challenge_url(challenge)).content.decode()
    page, seen = opened(manager, challenge, "respond")
    assert "Half an answer" in page and 'id="draft-restored"' in page
    assert send(manager, challenge, "respond", seen, response="A whole answer.").status_code == 302
    assert not Draft.objects.exists()


def test_a_draft_is_kept_only_for_a_step_this_person_may_take(council, challenge):
    chair = signed_in(council.cp_chair)
    assert chair.post(draft_url(challenge), {"field": "respond-response", "text": "Not mine"}).status_code == 403
    assert chair.post(draft_url(challenge), {"field": "escalate-expected_state", "text": "x"}).status_code == 400
    other = signed_in(council.other_team_manager)
    assert other.post(draft_url(challenge), {"field": "respond-response", "text": "x"}).status_code == 404
    assert not Draft.objects.exists()


def test_a_step_taken_meanwhile_keeps_the_text_beside_it_and_the_next_save_works(council, challenge):
    chair = signed_in(council.cp_chair)
    _, seen = opened(chair, challenge, "escalate")
    records.respond_to_challenge(challenge.pk, council.team_manager, response="Answered on another screen.")

    response = send(chair, challenge, "escalate", seen, resolution="My escalation, typed at length.")
    page = response.content.decode()
    assert response.status_code == 409
    assert "The challenge changed while you were looking at it" in page
    assert "My escalation, typed at length." in page
    assert 'id="what-changed"' in page and "Answered on another screen." in page
    challenge.refresh_from_db()
    assert (challenge.state, challenge.resolution) == (ChallengeState.RESPONDED, "")

    fresh = dict(re.findall(r'name="escalate-(expected_(?:state|version))" value="([^"]*)"', page))
    assert fresh["expected_state"] == ChallengeState.RESPONDED
    assert send(chair, challenge, "escalate", fresh, resolution="My escalation, typed at length.").status_code == 302
    challenge.refresh_from_db()
    assert (challenge.state, challenge.resolution) == (ChallengeState.ESCALATED, "My escalation, typed at length.")


def test_a_step_that_can_no_longer_be_taken_shows_what_was_typed(council, challenge):
    manager = signed_in(council.team_manager)
    _, seen = opened(manager, challenge, "respond")
    records.escalate_challenge(challenge.pk, council.cp_chair, resolution="Escalated meanwhile.")
    response = send(manager, challenge, "respond", seen, response="My answer, too late.")
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="typed-text"' in page and "My answer, too late." in page


def test_challenge_pages_keep_to_their_team_and_log_each_look(council, challenge):
    other = signed_in(council.other_team_manager)
    assert other.get(challenge_url(challenge)).status_code == 404
    assert other.get(step_url(challenge, "respond")).status_code == 404
    assert "There are no open challenges" in other.get(reverse("decisions:challenges")).content.decode()

    worker = signed_in(council.social_worker)
    assert worker.get(step_url(challenge, "respond")).status_code == 403
    response = send(worker, challenge, "respond", {"expected_state": challenge.state}, response="Not my place.")
    assert response.status_code == 403
    assert "Not my place." in response.content.decode()  # shown, not lost

    head = signed_in(council.head_of_service)
    assert head.get(challenge_url(challenge)).status_code == 200
    assert head.get(step_url(challenge, "escalate")).status_code == 403
    assert head.get(step_url(challenge, "unknown")).status_code == 404
    paths = set(RecordAccess.objects.filter(user=council.head_of_service).values_list("path", flat=True))
    assert {challenge_url(challenge), step_url(challenge, "escalate")} <= paths


def test_a_stale_challenge_step_is_refused_as_changed_by_the_service(council, challenge):
    records.respond_to_challenge(challenge.pk, council.team_manager, response="Answered on another screen.")
    with pytest.raises(RequestChanged):
        records.escalate_challenge(
            challenge.pk, council.cp_chair, resolution="Too late.", expected_state=ChallengeState.ISSUED
        )
