"""Two people acting on one request at the same moment: exactly one succeeds, the other is told it changed.

Each person runs in their own thread with their own database connection, so the row lock and the
state machine's concurrency check are tested against a real PostgreSQL, not simulated.
"""

import threading

import pytest
from django.db import connection

from audit.models import AuditEvent
from conferences import records, transitions
from conferences.errors import RequestChanged
from conferences.models import ConferenceRequest, State
from tests.conferences.journeys import child_with_plans, proceeded, screened

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def at_screening(council):
    """A second-plan request with everything the chair needs, committed so that other connections see it."""
    request = proceeded(council, child_with_plans(council, 1))
    screened(council, request)
    return request


def race(*attempts):
    """Start every attempt at once, each in its own thread and connection; return what each one did."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(index, attempt):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = attempt()
        except Exception as error:  # the outcome, whatever it is, is what the test asserts on
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, attempt)) for i, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def decisions_recorded(request):
    return list(
        AuditEvent.objects.filter(request_id=request.pk, action__in=["accept", "decline"]).values_list(
            "action", "actor_id", "state_before", "state_after"
        )
    )


@pytest.mark.parametrize("expected_state", [None, State.CPC_SCREENING])
def test_two_chairs_accepting_at_once_accept_it_once(council, at_screening, expected_state):
    chairs = [council.cp_chair, council.cp_chair_2]
    outcomes = race(
        *(
            lambda chair=chair: transitions.accept(at_screening.pk, chair, expected_state=expected_state)
            for chair in chairs
        )
    )
    winners = [i for i, outcome in enumerate(outcomes) if isinstance(outcome, ConferenceRequest)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, RequestChanged)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    stored = ConferenceRequest.objects.get(pk=at_screening.pk)
    assert stored.state == State.READY_TO_CONVENE
    assert stored.screened_by_id == chairs[winners[0]].pk
    assert decisions_recorded(at_screening) == [("accept", chairs[winners[0]].pk, "cpc_screening", "ready_to_convene")]


def test_one_chair_accepts_while_another_declines(council, at_screening):
    outcomes = race(
        lambda: transitions.accept(at_screening.pk, council.cp_chair),
        lambda: transitions.decline(at_screening.pk, council.cp_chair_2, reason="CIN planning fits better."),
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["ConferenceRequest", "RequestChanged"], outcomes
    accepted = isinstance(outcomes[0], ConferenceRequest)
    stored = ConferenceRequest.objects.get(pk=at_screening.pk)
    if accepted:
        assert (stored.state, stored.screened_by_id, stored.decision_reason) == (
            State.READY_TO_CONVENE,
            council.cp_chair.pk,
            "",
        )
        assert decisions_recorded(at_screening) == [
            ("accept", council.cp_chair.pk, "cpc_screening", "ready_to_convene")
        ]
    else:
        assert (stored.state, stored.screened_by_id, stored.decision_reason) == (
            State.DECLINED,
            None,
            "CIN planning fits better.",
        )
        assert decisions_recorded(at_screening) == [("decline", council.cp_chair_2.pk, "cpc_screening", "declined")]


def test_two_workers_starting_a_request_at_once_start_one(council):
    child = child_with_plans(council, 1)
    outcomes = race(
        lambda: records.start_request(child, council.social_worker),
        lambda: records.start_request(child, council.practice_lead),
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["ActionRefused", "ConferenceRequest"], outcomes
    assert child.conference_requests.count() == 1
    assert AuditEvent.objects.filter(child=child, action="start_request").count() == 1
