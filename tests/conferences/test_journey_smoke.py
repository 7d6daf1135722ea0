"""A second plan goes from draft to ready to convene, every role doing its part."""

from conferences import transitions
from conferences.models import State
from tests.conferences.journeys import child_with_plans, proceeded, screened


def test_second_plan_reaches_ready_to_convene(council):
    child = child_with_plans(council, 1)
    request = proceeded(council, child)
    assert request.state == State.CPC_SCREENING
    screened(council, request)
    request = transitions.accept(request.pk, council.cp_chair)
    assert request.state == State.READY_TO_CONVENE
    actions = [event.action for event in request.audit_events.all()]
    assert actions[0] == "start_request"
    assert actions[-1] == "accept"
    assert {"submit", "confirm_previous_plan", "proceed", "record_screening"} <= set(actions)
