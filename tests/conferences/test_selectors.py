"""A request is assessed on the history it was decided on."""

from django.utils import timezone

from conferences import transitions
from conferences.selectors import assessment_for
from tests.conferences.journeys import child_with_plans, proceeded, screened
from tests.factories import CPPlanFactory


def test_a_convened_request_keeps_its_assessment_after_the_new_plan_starts(council):
    child = child_with_plans(council, 1)
    request = proceeded(council, child)
    screened(council, request)
    transitions.accept(request.pk, council.cp_chair)
    today = timezone.localdate()
    request = transitions.record_conference(request.pk, council.cp_chair, held_on=today, outcome="no_further_action")

    CPPlanFactory(child=child, start_date=today, end_date=None)

    assessment = assessment_for(request)
    assert assessment.plan_number == 2
    assert assessment.previous_plans == 1
