"""Decisions rest on what the person saw: every form sends the version it was opened on, and a save
against a newer version is refused (409) with the typed text kept and what changed shown beside it.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from conferences import records, transitions
from conferences.models import ConferenceRequest, State
from tests.conferences.journeys import child_with_plans, proceeded, screened


def task_url(request, action):
    return reverse("decisions:task", args=[request.pk, action])


def opened_by(user, request, action):
    """A person's browser with a task page open: the stage and version its form carries."""
    browser = Client()
    browser.force_login(user)
    page = browser.get(task_url(request, action)).content.decode()
    seen = dict(re.findall(r'name="([a-z_]+-expected_(?:state|version))" value="([^"]*)"', page))
    return browser, seen


def send(browser, seen, request, action, **fields):
    data = {"action": action, "confirmed": "yes"}
    data |= {key: value for key, value in seen.items() if key.startswith(f"{action}-")}
    data |= {f"{action}-{name}": value for name, value in fields.items()}
    return browser.post(task_url(request, action), data)


def reload(request):
    return ConferenceRequest.objects.get(pk=request.pk)


@pytest.fixture
def at_screening(council):
    request = proceeded(council, child_with_plans(council, 1))
    screened(council, request)
    return reload(request)


def test_a_decline_loaded_before_a_return_is_refused_after_the_request_comes_back(council, at_screening):
    chair, seen = opened_by(council.cp_chair, at_screening, "decline")
    assert seen["decline-expected_version"] == str(at_screening.version)

    # Meanwhile another chair returns it, the worker answers, and it comes back to screening.
    transitions.return_for_information(at_screening.pk, council.cp_chair_2, questions="Which school?")
    transitions.submit(at_screening.pk, council.social_worker)
    transitions.confirm_prior_plan_check(
        at_screening.pk, council.social_worker, sources_checked=["this_council", "other_councils"]
    )
    transitions.proceed(
        at_screening.pk, council.service_manager, alternatives_considered=["legal_planning"], rationale="Still needed."
    )
    assert reload(at_screening).state == State.CPC_SCREENING  # the same stage as on the stale page

    response = send(chair, seen, at_screening, "decline", reason="Declined on the page I opened this morning.")

    page = response.content.decode()
    assert response.status_code == 409
    assert reload(at_screening).state == State.CPC_SCREENING
    assert "Declined on the page I opened this morning." in page  # the typed text is kept
    assert 'id="what-changed"' in page and "Which school?" in page  # what changed, beside it
    current = reload(at_screening).version
    assert f'name="decline-expected_version" value="{current}"' in page  # sending again is a fresh decision


def test_the_second_of_two_screening_saves_is_refused_not_applied_over_the_first(council, at_screening):
    first, first_seen = opened_by(council.cp_chair, at_screening, "screening")
    second, second_seen = opened_by(council.cp_chair_2, at_screening, "screening")

    saved = send(
        first, first_seen, at_screening, "screening", difference="Record of the first chair.", timescale_weeks=8
    )
    refused = send(
        second, second_seen, at_screening, "screening", difference="Record of the second chair.", timescale_weeks=20
    )

    assert saved.status_code == 302
    assert refused.status_code == 409
    request = reload(at_screening)
    assert (request.screening_difference, request.screening_timescale_weeks) == ("Record of the first chair.", 8)
    page = refused.content.decode()
    assert "Record of the second chair." in page and "Record of the first chair." in page
    # Every earlier version of the record stays in the trail.
    history = ConferenceRequest.pgh_event_model.objects.filter(pgh_obj_id=request.pk).order_by("pgh_id")
    differences = [event.screening_difference for event in history]
    assert "Plan adds drug services." in differences and differences[-1] == "Record of the first chair."


def test_an_accept_on_an_analysis_rewritten_since_is_refused(council, at_screening):
    chair, seen = opened_by(council.cp_chair, at_screening, "accept")
    records.record_analysis(
        at_screening.pk,
        council.social_worker,
        time_since="Five months.",
        plan_length="Seven months.",
        risks="Rewritten: the risks are new, from a new partner.",
        services="New family support worker.",
    )

    response = send(chair, seen, at_screening, "accept")

    assert response.status_code == 409
    assert reload(at_screening).state == State.CPC_SCREENING
    page = response.content.decode()
    assert "Same or new risks" in page and "Rewritten: the risks are new, from a new partner." in page


def test_a_service_refuses_a_stale_version_whatever_the_page(council, at_screening):
    stale = at_screening.version
    records.record_cp_manager_consultation(at_screening.pk, council.cp_manager, consultation="Second thoughts.")
    with pytest.raises(transitions.StaleVersion) as refusal:
        transitions.decline(at_screening.pk, council.cp_chair, reason="Too late.", expected_version=stale)
    assert ("Cp manager consultation", "CP Manager agrees: close scrutiny.", "Second thoughts.") in (
        refusal.value.changes
    )
    assert reload(at_screening).state == State.CPC_SCREENING
