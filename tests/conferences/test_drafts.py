"""Typed work is never lost on the decision pages and the worker's sections: drafts kept as the person types,
put back when the page is opened again and cleared on save (and never brought back by one still on its way
when they saved); a conflict keeps the text beside what changed, on a form that can be sent again; a refusal
keeps every box as typed.
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from conferences import drafts, records, transitions
from conferences.models import ConferenceRequest, Draft, State
from tests.conferences.journeys import checked, child_with_plans, drafted, proceeded
from tests.conferences.test_request_views import date_fields


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


# The rule that keeps a draft sent a moment before the save from coming back after it (conferences/drafts.py).


def test_a_draft_arriving_after_its_form_was_saved_is_dropped(council, at_screening):
    chair, seen = council.cp_chair, reload(at_screening).version
    drafts.keep(chair, at_screening.pk, "screening-difference", "Half a thought", seen)
    records.record_screening(at_screening.pk, chair, difference="A whole thought.", timescale_weeks=10)
    drafts.discard(chair, at_screening.pk, "screening")

    drafts.keep(chair, at_screening.pk, "screening-difference", "Half a thought, sent before the save", seen)

    assert drafts.kept(chair, at_screening.pk, "screening") == {}
    drafts.keep(chair, at_screening.pk, "screening-difference", "Typed after it", reload(at_screening).version)
    assert drafts.kept(chair, at_screening.pk, "screening")["difference"].text == "Typed after it"


def test_a_draft_typed_while_someone_else_changed_the_request_is_kept(council, at_screening):
    """Only this person's own save of this form stops a draft: not another person's save, nor theirs of
    another form."""
    chair, seen = council.cp_chair, reload(at_screening).version
    records.record_cp_manager_consultation(at_screening.pk, council.cp_manager, consultation="Theirs.")
    drafts.discard(council.cp_manager, at_screening.pk, "screening")
    records.record_cp_chair_conversation(at_screening.pk, chair, conversation="Talked it through.")
    drafts.discard(chair, at_screening.pk, "cp_chair_conversation")

    drafts.keep(chair, at_screening.pk, "screening-difference", "Typed on the page opened before", seen)

    kept = drafts.kept(chair, at_screening.pk, "screening")
    assert kept["difference"].text == "Typed on the page opened before" and kept["difference"].version == seen


# The worker's sections keep their long answers as drafts too.


def section_url(request, slug):
    return reverse("conferences:section", args=[request.pk, slug])


def section_draft_url(request, slug):
    return reverse("conferences:section_draft", args=[request.pk, slug])


def section_seen(page):
    return dict(re.findall(r'name="(expected_(?:state|version))" value="([^"]*)"', page))


ANALYSIS = {
    "partners_informed_context": "Partners know the previous plan was for neglect.",
    "time_since": "Five months since it ended.",
    "plan_length": "Seven months.",
    "risks": "The same neglect, and new drug use.",
    "services": "A drug service this time.",
}


@pytest.fixture
def drafting(council):
    """A request the worker is drafting for a child with a plan before, so it has the repeat-plan analysis."""
    return drafted(council, child_with_plans(council, 1))


@pytest.fixture
def worker(council):
    client = Client()
    client.force_login(council.social_worker)
    return client


def test_a_sections_draft_is_put_back_when_it_is_opened_again_and_cleared_on_save(worker, council, drafting):
    version = reload(drafting).version
    response = worker.post(
        section_draft_url(drafting, "repeat"), {"field": "risks", "text": "Half a thought", "version": version}
    )
    assert response.status_code == 204
    assert reload(drafting).version == version  # a draft is not a record

    page = worker.get(section_url(drafting, "repeat")).content.decode()
    assert 'id="draft-restored"' in page and "An unsaved draft from" in page
    assert "Half a thought</textarea>" in page
    assert f'data-draft-url="{section_draft_url(drafting, "repeat")}"' in page

    data = section_seen(page) | ANALYSIS | date_fields("partners_informed_on", datetime.date(2025, 5, 1))
    assert worker.post(section_url(drafting, "repeat"), data).status_code == 302
    assert not Draft.objects.exists()
    page = worker.get(section_url(drafting, "repeat")).content.decode()
    assert "Half a thought" not in page and 'id="draft-restored"' not in page

    # Sent from the saved page a moment before the button, arriving after the save: not put back.
    worker.post(section_draft_url(drafting, "repeat"), {"field": "risks", "text": "Half a thought", "version": version})
    assert "Half a thought" not in worker.get(section_url(drafting, "repeat")).content.decode()


def test_a_draft_put_back_after_someone_else_saved_shows_what_changed_and_saves_on_the_new_version(
    worker, council, drafting
):
    worker.post(
        section_draft_url(drafting, "repeat"),
        {"field": "risks", "text": "Mine, typed first", "version": reload(drafting).version},
    )
    records.record_analysis(
        drafting.pk, council.practice_lead, time_since="5", plan_length="7", risks="The lead's words.", services="New"
    )

    page = worker.get(section_url(drafting, "repeat")).content.decode()
    assert "Mine, typed first</textarea>" in page
    assert 'id="what-changed"' in page and "The lead&#x27;s words." in page
    data = section_seen(page) | ANALYSIS | {"risks": "Mine, typed first"}
    assert section_seen(page)["expected_version"] == str(reload(drafting).version)
    assert worker.post(section_url(drafting, "repeat"), data).status_code == 302
    assert reload(drafting).analysis_risks == "Mine, typed first"


def test_a_section_draft_is_kept_only_for_a_long_answer_of_a_section_this_person_may_write(worker, council, drafting):
    assert (
        worker.post(section_draft_url(drafting, "repeat"), {"field": "partners_informed_on_0", "text": "1"}).status_code
        == 400
    )
    assert (
        worker.post(section_draft_url(drafting, "repeat"), {"field": "expected_version", "text": "1"}).status_code
        == 400
    )
    too_long = "x" * 5001
    assert worker.post(section_draft_url(drafting, "repeat"), {"field": "risks", "text": too_long}).status_code == 400
    assert worker.post(section_draft_url(drafting, "nowhere"), {"field": "risks", "text": "x"}).status_code == 404
    assert worker.post(section_draft_url(drafting, "siblings"), {"field": "risks", "text": "x"}).status_code == 400
    assert worker.get(section_draft_url(drafting, "repeat")).status_code == 405

    manager = Client()
    manager.force_login(council.area_manager)  # sees the request, does not write it
    assert manager.post(section_draft_url(drafting, "repeat"), {"field": "risks", "text": "x"}).status_code == 403
    stranger = Client()
    stranger.force_login(council.other_social_worker)
    assert stranger.post(section_draft_url(drafting, "repeat"), {"field": "risks", "text": "x"}).status_code == 404
    assert not Draft.objects.exists()


def test_a_stale_section_save_keeps_every_box_and_the_next_save_succeeds(worker, council, drafting):
    page = worker.get(section_url(drafting, "repeat")).content.decode()
    records.record_analysis(
        drafting.pk, council.practice_lead, time_since="5", plan_length="7", risks="The lead's words.", services="New"
    )
    typed = section_seen(page) | ANALYSIS | date_fields("partners_informed_on", datetime.date(2025, 5, 1))

    response = worker.post(section_url(drafting, "repeat"), typed)

    assert response.status_code == 409
    page = response.content.decode()
    for text in ANALYSIS.values():
        assert text in page
    assert 'value="1"' in page and 'value="5"' in page and 'value="2025"' in page
    assert 'id="what-changed"' in page and "The lead&#x27;s words." in page
    again = section_seen(page)
    assert again["expected_version"] == str(reload(drafting).version)
    assert worker.post(section_url(drafting, "repeat"), typed | again).status_code == 302
    assert reload(drafting).analysis_risks == ANALYSIS["risks"]


def test_a_section_refused_after_the_request_moved_on_shows_what_was_typed(worker, council, drafting):
    """The proposal is written only while drafting: submitted meanwhile, the worker's words are on the page
    that says so, not thrown away."""
    page = worker.get(section_url(drafting, "proposal")).content.decode()
    transitions.submit(drafting.pk, council.practice_lead)

    response = worker.post(
        section_url(drafting, "proposal"), section_seen(page) | {"reason": "Words typed before it was submitted."}
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="typed-text"' in page and "Words typed before it was submitted." in page


def test_check_your_answers_points_to_the_sections_with_unsaved_text(worker, drafting):
    check = reverse("conferences:check_answers", args=[drafting.pk])
    assert 'id="unsaved-drafts"' not in worker.get(check).content.decode()
    worker.post(section_draft_url(drafting, "repeat"), {"field": "risks", "text": "Half a thought"})

    page = worker.get(check).content.decode()

    assert 'id="unsaved-drafts"' in page
    assert f'href="{section_url(drafting, "repeat")}?next=check">Partners and the repeat-plan analysis' in page
