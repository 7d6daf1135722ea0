"""The decision pages in the browser's terms: who sees them, what each task page does, and how refusals read.

The request's task list links each record and decision this person may make; each task page's happy
path moves the request (or records the fact); missing facts come back as a 400 with the error summary
naming them and the typed text kept; other people's requests are 404, and decisions that are not this
person's are 403. A decision that turns the request down is confirmed on a page of its own.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import RecordAccess
from conferences import records, transitions
from conferences.models import Challenge, ConferenceRequest, State
from tests.conferences.journeys import checked, child_with_plans, proceeded, screened


def decide_url(request):
    return reverse("decisions:decide", args=[request.pk])


def task_url(request, action):
    return reverse("decisions:task", args=[request.pk, action])


def post(client, request, action, confirmed="yes", **fields):
    """POST one task page's form, carrying the stage and version the page showed (confirmed, where asked)."""
    data = {
        "action": action,
        "confirmed": confirmed,
        f"{action}-expected_state": request.state,
        f"{action}-expected_version": reload(request).version,
    }
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return client.post(task_url(request, action), data)


def reload(request):
    return ConferenceRequest.objects.get(pk=request.pk)


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def at_manager_discussion(council):
    return checked(council, child_with_plans(council, 1))


@pytest.fixture
def at_screening(council):
    return proceeded(council, child_with_plans(council, 1))


# The Area or Service Manager's discussion (R2, R8).


def test_manager_sees_the_history_and_a_task_for_each_decision(client, council, at_manager_discussion):
    client.force_login(council.area_manager)
    response = client.get(decide_url(at_manager_discussion))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The child's CP plan history" in page
    assert 'class="govuk-task-list"' in page
    for action in ("proceed", "choose_alternative_route", "withdraw"):
        assert f'href="{task_url(at_manager_discussion, action)}"' in page
    assert task_url(at_manager_discussion, "accept") not in page
    # The CP Manager consultation is someone else's task: shown with its status, not linked.
    assert "Recorded by the CP chair (Child Protection Co-ordinator) or the Child Protection Manager." in page
    assert task_url(at_manager_discussion, "cp_manager_consultation") not in page
    assert RecordAccess.objects.filter(user=council.area_manager, child=at_manager_discussion.child).exists()

    page = client.get(task_url(at_manager_discussion, "proceed")).content.decode()
    assert 'name="action" value="proceed"' in page
    assert 'name="action" value="choose_alternative_route"' not in page  # one thing per page


def test_manager_proceeds_to_screening(client, council, at_manager_discussion):
    client.force_login(council.area_manager)
    response = post(
        client,
        at_manager_discussion,
        "proceed",
        alternatives_considered=["pre_proceedings"],
        rationale="Pre-proceedings considered; a plan adds drug services.",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("conferences:request_detail", args=[at_manager_discussion.pk])
    request = reload(at_manager_discussion)
    assert request.state == State.CPC_SCREENING
    assert request.manager_rationale == "Pre-proceedings considered; a plan adds drug services."


def test_proceeding_without_alternatives_names_them_and_keeps_the_rationale(client, council, at_manager_discussion):
    client.force_login(council.area_manager)
    response = post(client, at_manager_discussion, "proceed", rationale="My typed rationale")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "must record the alternatives considered and the rationale" in page
    assert "My typed rationale" in page
    assert page.startswith("<!DOCTYPE html>") or "<title>Error:" in page
    assert reload(at_manager_discussion).state == State.MANAGER_DISCUSSION


def test_manager_chooses_an_alternative_route(client, council, at_manager_discussion):
    client.force_login(council.service_manager)
    response = post(
        client,
        at_manager_discussion,
        "choose_alternative_route",
        route="child_in_need",
        rationale="Child in Need planning with a new family support worker.",
    )
    assert response.status_code == 302
    request = reload(at_manager_discussion)
    assert request.state == State.CLOSED_ALTERNATIVE_ROUTE
    assert request.alternative_route == "child_in_need"


def test_choosing_no_route_is_refused_with_the_reason(client, council, at_manager_discussion):
    client.force_login(council.area_manager)
    response = post(client, at_manager_discussion, "choose_alternative_route", rationale="Typed rationale")
    assert response.status_code == 400
    assert "Choose the alternative route." in response.content.decode()
    assert "Typed rationale" in response.content.decode()


def test_manager_withdraws_with_a_reason(client, council, at_manager_discussion):
    client.force_login(council.area_manager)
    assert post(client, at_manager_discussion, "withdraw", reason="").status_code == 400
    response = post(client, at_manager_discussion, "withdraw", reason="The family moved away.")
    assert response.status_code == 302
    assert reload(at_manager_discussion).state == State.WITHDRAWN


def test_another_areas_manager_gets_not_found(client, council, at_manager_discussion):
    client.force_login(council.other_area_manager)
    assert client.get(decide_url(at_manager_discussion)).status_code == 404
    response = post(
        client, at_manager_discussion, "proceed", alternatives_considered=["pre_proceedings"], rationale="Not mine."
    )
    assert response.status_code == 404
    assert reload(at_manager_discussion).state == State.MANAGER_DISCUSSION


def test_the_worker_may_see_but_not_decide(client, council, at_manager_discussion):
    client.force_login(council.social_worker)
    response = client.get(decide_url(at_manager_discussion))
    assert response.status_code == 403
    assert "no decision for you to take" in response.content.decode()
    response = post(
        client,
        at_manager_discussion,
        "proceed",
        alternatives_considered=["pre_proceedings"],
        rationale="Trying anyway.",
    )
    assert response.status_code == 403
    assert "Your role does not take this decision." in response.content.decode()
    assert reload(at_manager_discussion).state == State.MANAGER_DISCUSSION


def test_a_stale_page_is_told_to_look_again(client, council, at_manager_discussion):
    client.force_login(council.area_manager)
    stale_state = at_manager_discussion.state
    transitions.proceed(
        at_manager_discussion.pk,
        council.service_manager,
        alternatives_considered=["pre_proceedings"],
        rationale="The service manager decided first.",
    )
    response = client.post(
        task_url(at_manager_discussion, "proceed"),
        {
            "action": "proceed",
            "proceed-expected_state": stale_state,
            "proceed-expected_version": reload(at_manager_discussion).version,
            "proceed-alternatives_considered": ["legal_planning"],
            "proceed-rationale": "Mine, too late.",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Look at it again" in page
    assert "Mine, too late." in page  # nowhere left to save it, but not lost
    assert reload(at_manager_discussion).manager_rationale == "The service manager decided first."


def test_an_unknown_action_is_not_found_not_an_error(client, council, at_manager_discussion):
    client.force_login(council.area_manager)
    response = client.post(task_url(at_manager_discussion, "approve_everything"), {"action": "approve_everything"})
    assert response.status_code == 404


# The CP chair's screening (R9, R11, R14) and the decision.


def test_chair_records_the_screening(client, council, at_screening):
    client.force_login(council.cp_chair)
    response = post(client, at_screening, "screening", difference="Adds drug services.", timescale_weeks="12")
    assert response.status_code == 302
    assert response["Location"] == decide_url(at_screening)  # back to the task list, to go on to the next task
    request = reload(at_screening)
    assert (request.screening_difference, request.screening_timescale_weeks) == ("Adds drug services.", 12)


def test_a_timescale_that_is_not_a_number_is_refused_and_the_text_kept(client, council, at_screening):
    client.force_login(council.cp_chair)
    response = post(client, at_screening, "screening", difference="Typed difference", timescale_weeks="twelve")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the timescale as a whole number of weeks." in page
    assert "Typed difference" in page
    assert reload(at_screening).screening_difference == ""


@pytest.mark.parametrize("user", ["cp_chair", "cp_manager"])
def test_chair_or_cp_manager_records_the_consultation(client, council, at_screening, user):
    client.force_login(getattr(council, user))
    response = post(client, at_screening, "cp_manager_consultation", consultation="Close scrutiny agreed.")
    assert response.status_code == 302
    assert reload(at_screening).cp_manager_consultation == "Close scrutiny agreed."


def test_accepting_too_early_lists_everything_missing(client, council, at_screening):
    client.force_login(council.cp_chair)
    page = client.get(decide_url(at_screening)).content.decode()
    assert "Cannot start yet" in page
    assert task_url(at_screening, "accept") not in page
    page = client.get(task_url(at_screening, "accept")).content.decode()
    assert "Still needed before you can accept" in page
    response = post(client, at_screening, "accept")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Record the difference the plan will make compared with alternatives." in page
    assert "Record the consultation with the CP Manager." in page
    assert reload(at_screening).state == State.CPC_SCREENING


def test_chair_accepts_a_second_plan(client, council, at_screening):
    screened(council, at_screening)
    client.force_login(council.cp_chair)
    response = post(client, reload(at_screening), "accept")
    assert response.status_code == 302
    assert reload(at_screening).state == State.READY_TO_CONVENE


def test_chair_declines_with_a_reason_after_confirming(client, council, at_screening):
    client.force_login(council.cp_chair)
    response = post(client, at_screening, "decline", confirmed="", reason="Pre-proceedings is the better route.")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Decline the request: are you sure?" in page
    assert 'name="confirmed" value="yes"' in page and "Pre-proceedings is the better route." in page
    assert reload(at_screening).state == State.CPC_SCREENING
    # The reason is kept as a draft, so "Change" goes back to the form with it.
    assert "Pre-proceedings is the better route." in client.get(task_url(at_screening, "decline")).content.decode()

    response = post(client, at_screening, "decline", reason="Pre-proceedings is the better route.")
    assert response.status_code == 302
    request = reload(at_screening)
    assert (request.state, request.decision_reason) == (State.DECLINED, "Pre-proceedings is the better route.")


def test_chair_returns_the_request_with_questions(client, council, at_screening):
    client.force_login(council.cp_chair)
    assert "Write the questions" in post(client, at_screening, "return_for_information").content.decode()
    response = post(client, at_screening, "return_for_information", questions="What did the core group do?")
    assert response.status_code == 302
    request = reload(at_screening)
    assert (request.state, request.returned_questions) == (State.DRAFT, "What did the core group do?")


def test_challenge_triggers_are_pre_ticked_and_the_challenge_issued(client, council):
    child = child_with_plans(council, 1, outstanding_actions_at_closure=True)
    request = proceeded(council, child)
    client.force_login(council.cp_chair)
    page = client.get(decide_url(request)).content.decode()
    assert "Case closed with actions outstanding" in page
    assert task_url(request, "issue_challenge") in page
    page = client.get(task_url(request, "issue_challenge")).content.decode()
    assert re.search(r'value="outstanding_actions_at_closure"\s+checked="checked"', page)
    assert not re.search(r'value="stepped_down_early"\s+checked="checked"', page)
    assert task_url(request, "challenge_not_issued") in page  # or record why not, from the challenge's task
    assert "challenge_not_issued_reason" not in client.get(task_url(request, "screening")).content.decode()
    due = timezone.localdate() + datetime.timedelta(days=10)
    response = post(
        client,
        request,
        "issue_challenge",
        triggers=["outstanding_actions_at_closure"],
        challenge="Why were the actions left open?",
        **date_fields("response_due", due),
    )
    assert response.status_code == 302
    challenge = Challenge.objects.get(request=request)
    assert (challenge.triggers, challenge.response_due) == (["outstanding_actions_at_closure"], due)


def test_a_challenge_without_its_text_or_date_names_both(client, council):
    request = proceeded(council, child_with_plans(council, 1, outstanding_actions_at_closure=True))
    client.force_login(council.cp_chair)
    response = post(client, request, "issue_challenge", triggers=["outstanding_actions_at_closure"])
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write the challenge." in page
    assert "Enter the date the response is due." in page
    assert not Challenge.objects.exists()


def test_why_no_challenge_is_recorded_on_its_own_page_from_the_challenge_task(client, council):
    request = proceeded(council, child_with_plans(council, 1, outstanding_actions_at_closure=True))
    screened(council, request)
    client.force_login(council.cp_chair)
    task_list = client.get(decide_url(request)).content.decode()
    assert task_url(request, "challenge_not_issued") not in task_list  # one task: issue, or say why not
    assert post(client, request, "challenge_not_issued", reason=" ").status_code == 400
    reason = "The plan was ended by the court, not stepped down."
    response = post(client, request, "challenge_not_issued", reason=reason)
    assert response.status_code == 302
    assert reload(request).challenge_not_issued_reason == reason
    assert re.search(
        r"Issue a challenge and resolution \(R11\).*?Completed", client.get(decide_url(request)).content.decode(), re.S
    )
    accept = client.get(task_url(request, "accept")).content.decode()
    assert "Why no challenge was issued" in accept and reason in accept

    records.issue_challenge(
        request.pk,
        council.cp_chair,
        triggers=["outstanding_actions_at_closure"],
        challenge="Which actions were left open?",
        response_due=timezone.localdate() + datetime.timedelta(days=7),
    )
    page = client.get(task_url(request, "issue_challenge")).content.decode()
    assert task_url(request, "challenge_not_issued") not in page
    response = post(client, request, "challenge_not_issued", reason="Changed my mind.")
    assert response.status_code == 400 and "Changed my mind." in response.content.decode()


# The Head of Service (R10).


@pytest.fixture
def at_signoff(council):
    request = proceeded(council, child_with_plans(council, 2))
    screened(council, request)
    return transitions.accept(request.pk, council.cp_chair)


def test_a_third_plan_goes_to_the_head_of_service_who_agrees(client, council, at_signoff):
    assert at_signoff.state == State.HEAD_OF_SERVICE_SIGNOFF
    client.force_login(council.head_of_service)
    response = post(client, at_signoff, "agree", rationale="Typed HoS rationale")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the ground" in page
    assert "Typed HoS rationale" in page
    response = post(
        client, at_signoff, "agree", grounds=["risks_significantly_different"], rationale="New risk from a new partner."
    )
    assert response.status_code == 302
    assert reload(at_signoff).state == State.READY_TO_CONVENE


def test_the_head_of_service_refuses(client, council, at_signoff):
    client.force_login(council.head_of_service)
    response = post(client, at_signoff, "refuse", confirmed="", reason="Nothing has changed since the last plan.")
    assert "Refuse a third or later plan: are you sure?" in response.content.decode()
    response = post(client, at_signoff, "refuse", reason="Nothing has changed since the last plan.")
    assert response.status_code == 302
    assert reload(at_signoff).state == State.DECLINED


def test_the_chair_cannot_sign_off_for_the_head_of_service(client, council, at_signoff):
    client.force_login(council.cp_chair)
    response = post(client, at_signoff, "agree", grounds=["risks_significantly_different"], rationale="Not mine.")
    assert response.status_code == 403
    assert reload(at_signoff).state == State.HEAD_OF_SERVICE_SIGNOFF
