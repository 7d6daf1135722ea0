"""Faults lose nothing: a decision saved while the broker is down shows the normal page, and its
notifications go out through a REAL worker once the broker is back (the outbox and beat's sweep).
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conferences import transitions
from conferences.models import ConferenceRequest, State
from notifications import outbox, tasks
from notifications.models import Notification, Outbox
from tests import workers as worker
from tests.conferences import journeys
from tests.workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PROCEED = {"alternatives_considered": ["pre_proceedings"], "rationale": "Pre-proceedings considered; a plan adds more."}


def post_proceed(client, request):
    request = ConferenceRequest.objects.get(pk=request.pk)  # the page as opened now
    data = {"action": "proceed", "proceed-expected_state": request.state, "proceed-expected_version": request.version}
    data.update({f"proceed-{name}": value for name, value in PROCEED.items()})
    return client.post(reverse("decisions:task", args=[request.pk, "proceed"]), data, follow=True)


def test_a_decision_saved_while_the_broker_is_down_is_told_once_it_is_back(client, council):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    mail.outbox.clear()
    client.force_login(council.area_manager)

    with worker.broker_down():
        response = post_proceed(client, request)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("conferences:request_detail", args=[request.pk]), 302)]
    assert ConferenceRequest.objects.get(pk=request.pk).state == State.CPC_SCREENING
    event = AuditEvent.objects.get(request=request, action="proceed")
    waiting = Outbox.objects.get(event=event)
    assert waiting.delivered_at is None
    assert not Notification.objects.filter(request=request, dedupe_key__startswith=f"event:{event.pk}:").exists()
    assert mail.outbox == []

    # The broker is back; a minute on, beat's sweep reaches a worker.
    Outbox.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    with worker.redis_worker():
        tasks.deliver_waiting_notifications.delay()
        assert wait_for(lambda: len(mail.outbox) == 3)
        assert wait_for(lambda: Outbox.objects.get(pk=waiting.pk).delivered_at is not None)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "chair2@council.example",
        "chair@council.example",
        "sw@council.example",
    ]
    told = Notification.objects.filter(dedupe_key__startswith=f"event:{event.pk}:")
    assert told.count() == 3 and not told.filter(emailed_at__isnull=True).exists()


def test_with_the_broker_up_the_decision_is_told_at_once_and_the_sweep_finds_nothing_left(client, council):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    mail.outbox.clear()
    client.force_login(council.area_manager)

    with worker.redis_worker():
        assert post_proceed(client, request).status_code == 200
        assert wait_for(lambda: len(mail.outbox) == 3)
        event = AuditEvent.objects.get(request=request, action="proceed")
        assert wait_for(lambda: Outbox.objects.get(event=event).delivered_at is not None)

    Outbox.objects.update(next_attempt_at=timezone.now())
    assert outbox.deliver_waiting() == {"delivered": 0, "failed": 0}
    assert len(mail.outbox) == 3


def test_a_mail_server_that_is_down_leaves_the_row_to_the_sweep_after_a_growing_wait(council, settings):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens on port 9
    with worker.broker_down():
        transitions.proceed(request.pk, council.area_manager, **PROCEED)
    row = Outbox.objects.get(event__action="proceed")
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())

    assert outbox.deliver_waiting() == {"delivered": 0, "failed": 1}
    first = Outbox.objects.get(pk=row.pk)
    assert first.attempts == 1 and first.delivered_at is None and first.last_error
    assert first.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert outbox.deliver_waiting() == {"delivered": 0, "failed": 0}  # not due yet

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.deliver_waiting() == {"delivered": 1, "failed": 0}
    assert len(mail.outbox) == 3
