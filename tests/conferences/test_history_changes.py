"""A change to the child's plan history after submission holds the request until a CP chair confirms the
prior-plan check again; the gates are those of the stricter assessment (DESIGN.md section 4)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import CPPlan, ImportRun
from cases.plans import plan_correct, plan_create
from conferences import transitions
from conferences.errors import ActionRefused, NotPermitted
from conferences.models import ConferenceRequest, State
from notifications.models import Kind, Notification
from tests.cases import census_xml as x
from tests.cases.test_census_import import upload
from tests.conferences import journeys
from tests.factories import ChildFactory

BOTH = ["this_council", "other_councils"]
HELD = "a CP chair must confirm the prior-plan check again"


def at_screening(council, child):
    request = journeys.proceeded(council, child)
    return journeys.screened(council, request)


def correct_first_plan(council, child, reason="The census return gave the wrong end date.", **values):
    plan = child.plans.order_by("start_date").first()
    values = values or {"end_date": plan.end_date - datetime.timedelta(days=10)}
    return plan_correct(plan=plan, user=council.data_manager, values=values, reason=reason)


def reconfirm(council, request, user=None):
    return transitions.confirm_prior_plan_check(request.pk, user or council.cp_chair, sources_checked=BOTH)


def test_a_corrected_plan_marks_the_request_tells_the_people_on_it_and_holds_it(
    council, django_capture_on_commit_callbacks
):
    child = journeys.child_with_plans(council, 1)
    request = at_screening(council, child)
    with django_capture_on_commit_callbacks(execute=True):
        correct_first_plan(council, child)
    request.refresh_from_db()
    assert request.history_changed_at is not None
    assert "The census return gave the wrong end date." in request.history_change
    event = AuditEvent.objects.get(action="history_changed", request=request)
    assert event.actor == council.data_manager and event.before["plan_number"] == event.after["plan_number"] == 2

    told = {n.recipient.username: n.kind for n in Notification.objects.filter(request=request)}
    assert told["chair"] == told["chair2"] == Kind.ACTION_NEEDED
    assert told["sw"] == Kind.INFORMATION
    assert "Confirm the prior-plan check again" in Notification.objects.get(recipient=council.cp_chair).message

    with pytest.raises(ActionRefused, match=HELD):
        transitions.accept(request.pk, council.cp_chair_2)
    assert ConferenceRequest.objects.get(pk=request.pk).state == State.CPC_SCREENING

    rechecked = reconfirm(council, request)
    assert rechecked.state == State.CPC_SCREENING and rechecked.history_changed_at is None
    assert rechecked.prior_plan_checked_by == council.cp_chair
    assert transitions.accept(request.pk, council.cp_chair_2).state == State.READY_TO_CONVENE


def test_only_a_cp_chair_confirms_the_check_again_and_only_when_the_history_changed(council):
    child = journeys.child_with_plans(council, 1)
    request = at_screening(council, child)
    with pytest.raises(ActionRefused, match="has not changed"):
        reconfirm(council, request)
    correct_first_plan(council, child)
    with pytest.raises(NotPermitted):
        reconfirm(council, request, council.social_worker)
    assert ConferenceRequest.objects.get(pk=request.pk).history_changed_at is not None


def test_a_correction_that_lowers_the_plan_number_keeps_the_head_of_service_sign_off(council):
    """Plan 3 at submission (one plan recorded, the census declaring one before it); corrected to plan 2."""
    child = journeys.child_with_plans(council, 1, declared_previous_plans=1)
    request = at_screening(council, child)
    assert request.assessed_at_submission["plan_number"] == 3
    correct_first_plan(council, child, reason="NumberOfPreviousCPP was keyed wrongly.", declared_previous_plans=0)
    reconfirm(council, request)
    request = transitions.accept(request.pk, council.cp_chair_2)
    assert request.state == State.HEAD_OF_SERVICE_SIGNOFF


def test_a_sign_off_already_given_is_kept_and_the_conference_waits_for_the_check(council):
    child = journeys.child_with_plans(council, 2)
    request = at_screening(council, child)
    transitions.accept(request.pk, council.cp_chair_2)
    transitions.agree(
        request.pk, council.head_of_service, grounds=["risks_significantly_different"], rationale="New risks."
    )
    correct_first_plan(council, child)
    with pytest.raises(ActionRefused, match=HELD):
        transitions.record_conference(
            request.pk, council.cp_chair, held_on=timezone.localdate(), outcome="no_further_action"
        )
    request = reconfirm(council, request)
    assert request.state == State.READY_TO_CONVENE
    assert request.head_of_service_decided_by == council.head_of_service
    assert request.head_of_service_grounds == ["risks_significantly_different"]
    assert (
        transitions.record_conference(
            request.pk, council.cp_chair, held_on=timezone.localdate(), outcome="no_further_action"
        ).state
        == State.CONVENED
    )


def test_a_plan_added_after_acceptance_sends_the_request_to_the_head_of_service(council):
    """Accepted as a second plan; the data manager then records an earlier plan: now a third."""
    child = journeys.child_with_plans(council, 1)
    request = at_screening(council, child)
    assert transitions.accept(request.pk, council.cp_chair_2).state == State.READY_TO_CONVENE
    plan_create(
        child=child,
        user=council.data_manager,
        values={"start_date": datetime.date(2018, 1, 1), "end_date": datetime.date(2018, 9, 1)} | CATEGORY,
        reason="A plan in another council found on CP-IS.",
    )
    request = reconfirm(council, request)
    assert request.state == State.HEAD_OF_SERVICE_SIGNOFF
    assert request.assessed_at_submission["plan_number"] == 3


CATEGORY = {"initial_category": "NEG", "latest_category": "NEG"}


def test_a_first_plan_that_turns_out_a_repeat_goes_to_the_manager_discussion(client, council):
    """Confirmed with no previous plan; a plan from another council is then recorded: now a second plan."""
    child = ChildFactory(team=council.north_team)
    request = journeys.checked(council, child)
    assert request.state == State.READY_TO_CONVENE
    plan_create(
        child=child,
        user=council.data_manager,
        values={"start_date": datetime.date(2020, 1, 1), "end_date": datetime.date(2020, 9, 1)} | CATEGORY,
        reason="A plan in another council found on CP-IS.",
    )
    client.force_login(council.cp_chair)
    page = client.get(reverse("conferences:request_detail", args=[request.pk])).content.decode()
    assert "History changed" in page and "A CP plan starting 1 January 2020 was added." in page
    with pytest.raises(ActionRefused, match=HELD):
        transitions.record_conference(
            request.pk, council.cp_chair, held_on=timezone.localdate(), outcome="no_further_action"
        )
    assert reconfirm(council, request).state == State.MANAGER_DISCUSSION


def test_a_request_not_yet_submitted_is_not_marked(council):
    child = journeys.child_with_plans(council, 1)
    request = journeys.drafted(council, child)
    correct_first_plan(council, child)
    assert ConferenceRequest.objects.get(pk=request.pk).history_changed_at is None


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_auditors_census_upload_is_refused_and_the_request_is_not_touched(client, council, media):
    child = journeys.child_with_plans(council, 1)
    request = at_screening(council, child)
    version = ConferenceRequest.objects.get(pk=request.pk).version
    response = upload(client, council.auditor, x.SAMPLE.read_bytes())
    assert response.status_code == 403
    assert not ImportRun.objects.exists()
    assert ConferenceRequest.objects.get(pk=request.pk).version == version


def test_the_auditor_cannot_correct_a_plan_and_nothing_changes(council):
    child = journeys.child_with_plans(council, 1)
    request = at_screening(council, child)
    plan = child.plans.get()
    with pytest.raises(PermissionDenied):
        plan_correct(plan=plan, user=council.auditor, values={"end_date": None}, reason="Because.")
    assert CPPlan.objects.get(pk=plan.pk).end_date == plan.end_date
    assert ConferenceRequest.objects.get(pk=request.pk).history_changed_at is None
