"""Each transition tells exactly the people who must act next, and the worker of every decision; once, after commit.

Every action runs inside `django_capture_on_commit_callbacks(execute=True)`: the test's own transaction
never commits, so this is where the "after commit" callbacks run (and are counted).
"""

import datetime

import pytest
from celery.signals import task_retry
from django.core import mail
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from audit.models import AuditEvent
from conferences import records, transitions
from conferences.errors import ActionRefused
from conferences.models import State
from notifications import tasks
from notifications.models import Kind, Notification
from notifications.services import who_to_notify
from repeatplans import celery_app
from tests.conferences import journeys
from tests.factories import ChildFactory, StaffFactory

BOTH = ["this_council", "other_councils"]
PROCEED = {"alternatives_considered": ["pre_proceedings"], "rationale": "A plan adds drug services."}


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Run one action; return {username: kind} of whom it notified, checking it queued one task and emailed each."""

    def run(action, *args, **kwargs):
        before = set(Notification.objects.values_list("pk", flat=True))
        outbox = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            action(*args, **kwargs)
            assert Notification.objects.count() == len(before), "nothing may be told before the commit"
        event = AuditEvent.objects.latest("pk")
        assert [callback.args for callback in callbacks] == [(event.pk,)]
        told = Notification.objects.exclude(pk__in=before).select_related("recipient")
        emails = sorted(address for message in mail.outbox[outbox:] for address in message.to)
        assert emails == sorted(n.recipient.email for n in told)
        return {n.recipient.username: n.kind for n in told}

    return run


def test_submitting_tells_nobody_else(council, act):
    request = journeys.drafted(council, journeys.child_with_plans(council, 1))
    assert act(transitions.submit, request.pk, council.social_worker) == {}


def test_a_previous_plan_found_tells_the_area_and_service_managers_of_the_childs_area(council, act):
    request = journeys.submitted(council, journeys.child_with_plans(council, 1))
    told = act(transitions.confirm_prior_plan_check, request.pk, council.social_worker, sources_checked=BOTH)
    assert told == {"am": Kind.ACTION_NEEDED, "sm": Kind.ACTION_NEEDED}
    message = Notification.objects.get(recipient=council.area_manager).message
    child = request.child
    subject = f"Request {request.pk} for {child.first_name} {child.last_name} ({child.local_child_id})"
    assert message.startswith(f"{subject} needs your manager discussion")
    assert "Due by" in message


def test_the_email_names_the_child_in_its_body_but_not_in_its_subject_line(council, act, mailoutbox):
    request = journeys.submitted(council, journeys.child_with_plans(council, 1))
    act(transitions.confirm_prior_plan_check, request.pk, council.social_worker, sources_checked=BOTH)
    email = next(message for message in mailoutbox if message.to == [council.area_manager.email])
    child = request.child
    assert email.subject == f"Action needed: Request {request.pk} (child {child.local_child_id})"
    assert child.last_name not in email.subject
    assert f"for {child.first_name} {child.last_name} ({child.local_child_id}) needs your manager discussion" in (
        email.body
    )


def test_an_area_manager_placed_through_their_team_is_told_too(council, act):
    StaffFactory(role="area_manager", team=council.north_team, service_area=None, user__username="am_via_team")
    request = journeys.submitted(council, journeys.child_with_plans(council, 1))
    told = act(transitions.confirm_prior_plan_check, request.pk, council.social_worker, sources_checked=BOTH)
    assert set(told) == {"am", "sm", "am_via_team"}


def test_no_previous_plan_tells_the_worker_who_submitted_when_someone_else_checked(council, act):
    request = journeys.submitted(council, ChildFactory(team=council.north_team))
    told = act(transitions.confirm_prior_plan_check, request.pk, council.practice_lead, sources_checked=BOTH)
    assert told == {"sw": Kind.DECISION}


def test_proceeding_tells_every_cp_chair_and_the_worker(council, act):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    told = act(transitions.proceed, request.pk, council.area_manager, **PROCEED)
    assert told == {"chair": Kind.ACTION_NEEDED, "chair2": Kind.ACTION_NEEDED, "sw": Kind.DECISION}


def test_the_cp_manager_is_informed_when_close_scrutiny_applies(council, act):
    recently = timezone.localdate() - datetime.timedelta(days=60)
    request = journeys.checked(council, journeys.child_with_plans(council, 1, last_end=recently))
    told = act(transitions.proceed, request.pk, council.area_manager, **PROCEED)
    assert told == {
        "chair": Kind.ACTION_NEEDED,
        "chair2": Kind.ACTION_NEEDED,
        "cpm": Kind.INFORMATION,
        "sw": Kind.DECISION,
    }
    assert "close scrutiny" in Notification.objects.get(recipient=council.cp_manager).message


@pytest.fixture
def at_screening(council):
    request = journeys.proceeded(council, journeys.child_with_plans(council, 1))
    journeys.screened(council, request)
    return request


def test_accepting_a_second_plan_tells_the_worker(council, act, at_screening):
    assert act(transitions.accept, at_screening.pk, council.cp_chair) == {"sw": Kind.DECISION}
    assert (
        "was accepted by the CP chair. It is now at 'Ready to convene', for the CP chair (Child Protection "
        "Co-ordinator) to act on next." in Notification.objects.get().message
    )


@pytest.mark.parametrize(
    "action, kwargs",
    [
        (transitions.decline, {"reason": "Child in Need planning fits better."}),
        (transitions.return_for_information, {"questions": "What did the school say?"}),
    ],
)
def test_a_decline_or_a_return_tells_the_worker(council, act, at_screening, action, kwargs):
    assert act(action, at_screening.pk, council.cp_chair, **kwargs) == {"sw": Kind.DECISION}


def test_an_alternative_route_tells_the_worker(council, act):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    told = act(
        transitions.choose_alternative_route, request.pk, council.service_manager, route="pre_proceedings", **PROCEED
    )
    assert told == {"sw": Kind.DECISION}


@pytest.fixture
def third_plan(council):
    request = journeys.proceeded(council, journeys.child_with_plans(council, 2))
    journeys.screened(council, request)
    return request


def test_a_third_plan_accepted_goes_to_the_head_of_service_and_the_worker_hears(council, act, third_plan):
    assert act(transitions.accept, third_plan.pk, council.cp_chair) == {"hos": Kind.ACTION_NEEDED, "sw": Kind.DECISION}


@pytest.mark.parametrize(
    "action, kwargs",
    [
        (transitions.agree, {"grounds": ["risks_significantly_different"], "rationale": "New partner's drug use."}),
        (transitions.refuse, {"reason": "The same risks as the last two plans."}),
    ],
)
def test_the_head_of_services_decision_tells_the_worker(council, act, third_plan, action, kwargs):
    transitions.accept(third_plan.pk, council.cp_chair)
    assert act(action, third_plan.pk, council.head_of_service, **kwargs) == {"sw": Kind.DECISION}


def test_the_conference_held_tells_the_worker(council, act):
    request = journeys.checked(council, ChildFactory(team=council.north_team))
    assert act(
        transitions.record_conference,
        request.pk,
        council.cp_chair,
        held_on=timezone.localdate(),
        outcome="no_further_action",
    ) == {"sw": Kind.DECISION}


def test_the_worker_withdrawing_tells_nobody_but_a_manager_withdrawing_tells_the_worker(council, act):
    mine = journeys.submitted(council, journeys.child_with_plans(council, 1))
    assert act(transitions.withdraw, mine.pk, council.social_worker, reason="Family moved away.") == {}
    theirs = journeys.checked(council, journeys.child_with_plans(council, 1))
    assert act(transitions.withdraw, theirs.pk, council.area_manager, reason="Family moved away.") == {
        "sw": Kind.DECISION
    }


def test_the_creator_and_the_submitter_are_both_told_once(council, act):
    request = journeys.drafted(council, journeys.child_with_plans(council, 1))
    transitions.submit(request.pk, council.practice_lead)
    transitions.confirm_prior_plan_check(request.pk, council.practice_lead, sources_checked=BOTH)
    assert act(transitions.proceed, request.pk, council.area_manager, **PROCEED) == {
        "chair": Kind.ACTION_NEEDED,
        "chair2": Kind.ACTION_NEEDED,
        "pl": Kind.DECISION,
        "sw": Kind.DECISION,
    }


def test_a_recorded_fact_tells_nobody(council, django_capture_on_commit_callbacks):
    request = journeys.drafted(council, journeys.child_with_plans(council, 1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        records.update_proposal(request.pk, council.social_worker, reason="New.", categories=["NEG"], factors=["3B"])
    assert callbacks == [] and Notification.objects.count() == 0


# challenge and resolution


@pytest.fixture
def issued(council, at_screening):
    return records.issue_challenge(
        at_screening.pk,
        council.cp_chair,
        triggers=["stepped_down_early"],
        challenge="Why was the last plan stepped down after two months?",
        response_due=timezone.localdate() + datetime.timedelta(days=14),
    )


def test_a_challenge_issued_tells_the_team_manager_of_the_childs_team_only(council, act, at_screening):
    told = act(
        records.issue_challenge,
        at_screening.pk,
        council.cp_chair,
        triggers=["stepped_down_early"],
        challenge="Why was the last plan stepped down after two months?",
        response_due=timezone.localdate() + datetime.timedelta(days=14),
    )
    assert told == {"tm": Kind.ACTION_NEEDED}
    notification = Notification.objects.get()
    assert notification.challenge is not None
    assert notification.url.endswith(f"#challenge-{notification.challenge.pk}")


def test_a_response_tells_the_cp_chair_who_issued_it(council, act, issued):
    assert act(records.respond_to_challenge, issued.pk, council.team_manager, response="Core group missed it.") == {
        "chair": Kind.ACTION_NEEDED
    }


@pytest.mark.parametrize(
    "action, told",
    [
        (records.resolve_challenge, {"tm": Kind.DECISION}),
        (records.escalate_challenge, {"tm": Kind.DECISION, "hos": Kind.INFORMATION}),
    ],
)
def test_resolving_or_escalating_tells_the_team_manager(council, act, issued, action, told):
    records.respond_to_challenge(issued.pk, council.team_manager, response="Core group missed it.")
    assert act(action, issued.pk, council.cp_chair, resolution="Agreed actions for the new plan.") == told


# after commit, and once


def test_a_transition_rolled_back_after_it_ran_sends_nothing(council, django_capture_on_commit_callbacks):
    request = journeys.submitted(council, journeys.child_with_plans(council, 1))
    written = []

    def fail_after_the_event(sender, instance, created, **kwargs):
        written.append(instance.action)
        raise RuntimeError("the action fails after writing its event")

    post_save.connect(fail_after_the_event, sender=AuditEvent, dispatch_uid="fail_after_the_event")
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
            transitions.confirm_prior_plan_check(request.pk, council.social_worker, sources_checked=BOTH)
    finally:
        post_save.disconnect(sender=AuditEvent, dispatch_uid="fail_after_the_event")
    assert written == ["confirm_previous_plan"]
    assert not AuditEvent.objects.filter(request=request, action="confirm_previous_plan").exists()
    assert callbacks == []
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_caller_cannot_wrap_an_action_in_its_own_transaction(council, django_capture_on_commit_callbacks):
    request = journeys.submitted(council, journeys.child_with_plans(council, 1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
            transitions.confirm_prior_plan_check(request.pk, council.social_worker, sources_checked=BOTH)
    assert callbacks == [] and Notification.objects.count() == 0


def test_a_refused_transition_sends_nothing(council, django_capture_on_commit_callbacks):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ActionRefused):
        transitions.proceed(request.pk, council.area_manager, alternatives_considered=[], rationale="")
    assert callbacks == [] and Notification.objects.count() == 0 and mail.outbox == []


def test_the_task_run_again_sends_nothing_again(council, act):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    act(transitions.proceed, request.pk, council.area_manager, **PROCEED)
    event = AuditEvent.objects.get(request=request, action="proceed")
    assert len(mail.outbox) == 3
    assert tasks.notify_event.apply(args=[event.pk]).get() == 0
    assert tasks.notify_event.apply(args=[event.pk]).get() == 0
    assert len(mail.outbox) == 3 and Notification.objects.count() == 3


def test_a_mail_failure_is_retried_with_backoff_and_sent_once_the_server_is_back(council, settings):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens on port 9
    transitions.proceed(request.pk, council.area_manager, **PROCEED)
    event = AuditEvent.objects.get(request=request, action="proceed")
    retries = []

    def retried(sender, reason, **kwargs):
        retries.append(reason.when)

    task_retry.connect(retried, weak=False)
    celery_app.conf.task_eager_propagates = False  # so the in-process retries run to the end
    try:
        result = tasks.notify_event.apply(args=[event.pk])
    finally:
        celery_app.conf.task_eager_propagates = True
        task_retry.disconnect(retried)
    assert result.failed() and isinstance(result.result, OSError)
    assert len(retries) == settings.NOTIFICATION_EMAIL_MAX_RETRIES
    assert all(0 <= countdown <= 600 for countdown in retries)
    assert Notification.objects.count() == 3 and not Notification.objects.filter(emailed_at__isnull=False).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.notify_event.apply(args=[event.pk]).get() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{name}@council.example" for name in ("chair", "chair2", "sw")
    )


def test_digests_retry_on_mail_errors_like_notifications(council):
    assert tasks.send_digest.autoretry_for == tasks.notify_event.autoretry_for == tasks.MAIL_ERRORS
    assert tasks.send_digest.retry_backoff and tasks.send_digest.retry_backoff_max == 600


def test_the_state_after_the_event_decides_not_where_the_request_is_now(council):
    """A worker that runs late still tells the people of the stage the transition entered."""
    third = journeys.proceeded(council, journeys.child_with_plans(council, 2))
    assert [r.user.username for r in who_to_notify(third, "accept", entered=State.HEAD_OF_SERVICE_SIGNOFF)] == [
        "sw",
        "hos",
    ]
