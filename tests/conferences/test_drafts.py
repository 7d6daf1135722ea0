"""Typed work is never lost on the decision pages: drafts kept as the person types, put back when the page is
opened again and cleared on save; a conflict keeps the text beside what changed, on a form that can be sent
again; a refusal keeps every box as typed.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from conferences import records, transitions
from conferences.models import ConferenceRequest, Draft, State
from tests.conferences.journeys import checked, child_with_plans, proceeded


def task_url(request, action):
    return reverse("decisions:task", args=[request.pk, action])


def draft_url(request):
    return reverse("decisions:draft", args=[request.pk])


def reload(request):
    return ConferenceRequest.objects.get(pk=request.pk)


def opened(client, request, action):
    """The task page as the browser has it: its page, and the stage and version its form carries."""
    page = client.get(task_url(request, action)).content.decode()
    return page, dict(re.findall(rf'name="{action}-(expected_(?:state|version))" value="([^"]*)"', page))


def send(client, request, action, seen, **fields):
    data = {"action": action, "confirmed": "yes"} | {f"{action}-{key}": value for key, value in seen.items()}
    data |= {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(task_url(request, action), data)


@pytest.fixture
def at_screening(council):
    return proceeded(council, child_with_plans(council, 1))


@pytest.fixture
def chair(council):
    client = Client()
    client.force_login(council.cp_chair)
    return client


def test_a_draft_typed_is_put_back_when_the_page_is_opened_again_and_cleared_on_save(chair, council, at_screening):
    version = reload(at_screening).version
    response = chair.post(
        draft_url(at_screening),
        {"field": "screening-difference", "text": "Half a thought about legal advice", "version": version},
    )
    assert response.status_code == 204
    assert reload(at_screening).version == version  # a draft is not a record

    task_list = chair.get(reverse("decisions:decide", args=[at_screening.pk])).content.decode()
    assert "In progress" in task_list
    page, seen = opened(chair, at_screening, "screening")
    assert "Half a thought about legal advice" in page and 'id="draft-restored"' in page

    response = send(chair, at_screening, "screening", seen, difference="A whole thought.", timescale_weeks="10")
    assert response.status_code == 302
    assert not Draft.objects.exists()
    assert "Half a thought" not in chair.get(task_url(at_screening, "screening")).content.decode()


def test_drafts_are_the_persons_own(council, at_screening):
    other_chair = Client()
    other_chair.force_login(council.cp_chair_2)
    Draft.objects.create(
        user=council.cp_chair, request=at_screening, field="screening-difference", text="Mine only", version=1
    )
    assert "Mine only" not in other_chair.get(task_url(at_screening, "screening")).content.decode()


def test_a_draft_is_kept_only_for_a_long_answer_of_a_task_this_person_may_do(chair, council, at_screening):
    assert chair.post(draft_url(at_screening), {"field": "screening-timescale_weeks", "text": "12"}).status_code == 400
    assert chair.post(draft_url(at_screening), {"field": "nothing-here", "text": "x"}).status_code == 400
    assert chair.post(draft_url(at_screening), {"field": "agree-rationale", "text": "x"}).status_code == 403
    stranger = Client()
    stranger.force_login(council.other_area_manager)
    assert stranger.post(draft_url(at_screening), {"field": "screening-difference", "text": "x"}).status_code == 404
    too_long = "x" * 5001
    assert chair.post(draft_url(at_screening), {"field": "screening-difference", "text": too_long}).status_code == 400
    assert not Draft.objects.exists()


def test_a_conflict_keeps_the_text_beside_what_changed_and_the_next_save_succeeds(chair, council, at_screening):
    page, seen = opened(chair, at_screening, "cp_manager_consultation")
    records.record_cp_manager_consultation(at_screening.pk, council.cp_manager, consultation="Words of the CP Manager.")

    response = send(chair, at_screening, "cp_manager_consultation", seen, consultation="Words of the chair.")

    assert response.status_code == 409
    page = response.content.decode()
    assert "Words of the chair." in page  # their text, kept
    assert 'id="what-changed"' in page and "Words of the CP Manager." in page  # beside what changed
    again = dict(re.findall(r'name="cp_manager_consultation-(expected_(?:state|version))" value="([^"]*)"', page))
    assert again == {"expected_state": State.CPC_SCREENING, "expected_version": str(reload(at_screening).version)}

    response = send(chair, at_screening, "cp_manager_consultation", again, consultation="Words of the chair.")
    assert response.status_code == 302
    assert reload(at_screening).cp_manager_consultation == "Words of the chair."


def test_a_request_moved_on_keeps_the_text_on_a_form_for_the_stage_it_is_at_now(chair, council):
    """The consultation is recorded at the manager discussion and at screening alike: after the request moved,
    the chair's text comes back on a form carrying the new stage, and sending it again saves it."""
    request = checked(council, child_with_plans(council, 1))
    page, seen = opened(chair, request, "cp_manager_consultation")
    records.record_cp_manager_consultation(request.pk, council.cp_manager, consultation="Early view.")
    transitions.proceed(request.pk, council.area_manager, alternatives_considered=["legal_planning"], rationale="Go.")

    response = send(chair, request, "cp_manager_consultation", seen, consultation="Typed before it moved.")

    assert response.status_code == 409
    page = response.content.decode()
    assert "Typed before it moved." in page
    assert 'id="what-changed"' in page and "CP chair screening" in page  # what changed: the stage, among others
    again = dict(re.findall(r'name="cp_manager_consultation-(expected_(?:state|version))" value="([^"]*)"', page))
    assert again["expected_state"] == State.CPC_SCREENING
    response = send(chair, request, "cp_manager_consultation", again, consultation="Typed before it moved.")
    assert response.status_code == 302


def test_a_refused_decision_keeps_every_box_as_typed(council):
    manager = Client()
    request = checked(council, child_with_plans(council, 1))
    manager.force_login(council.area_manager)
    page, seen = opened(manager, request, "proceed")
    response = send(manager, request, "proceed", seen, rationale="Typed rationale, no alternatives ticked.")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Typed rationale, no alternatives ticked." in page
    assert "must record the alternatives considered" in page


def test_the_chair_records_the_conversation_on_its_own_page(chair, council, at_screening):
    page, seen = opened(chair, at_screening, "cp_chair_conversation")
    assert 'name="cp_chair_conversation-conversation"' in page
    response = send(
        chair,
        at_screening,
        "cp_chair_conversation",
        seen,
        conversation="How we will run it, and how to engage the father.",
    )
    assert response.status_code == 302
    assert reload(at_screening).cp_chair_conversation == "How we will run it, and how to engage the father."


def test_a_blank_decline_is_refused_not_confirmed(chair, at_screening):
    page, seen = opened(chair, at_screening, "decline")
    response = chair.post(
        task_url(at_screening, "decline"), {"action": "decline"} | {f"decline-{k}": v for k, v in seen.items()}
    )
    assert response.status_code == 400
    assert "Give the reason." in response.content.decode()
