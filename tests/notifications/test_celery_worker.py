"""End to end through a REAL Celery worker and the Redis broker: a committed transition's notification
is queued on Redis, run by the worker in its own thread with its own database connection, emailed and
recorded.

The worker runs a Celery app configured exactly as the project's (Django settings, CELERY_ namespace)
but with Redis as broker and result backend (CELERY_TEST_BROKER_URL, default db 15 on 127.0.0.1:6379)
and no eager mode. `transaction=True` so the worker's connection sees the committed rows.
"""

import threading
from datetime import date

import pytest
from celery.signals import task_postrun
from django.core import mail

from conferences import transitions
from conferences.models import ConferenceRequest
from notifications import tasks
from notifications.models import Kind, Notification
from tests import workers as worker
from tests.conferences import journeys
from tests.workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_worker(transactional_db):
    with worker.redis_worker() as running:
        yield running


def test_a_transition_is_notified_through_a_real_worker_on_redis(council, redis_worker):
    app, _ = redis_worker
    assert not app.conf.task_always_eager and app.conf.broker_url.startswith("redis://")
    ran_in = []

    def note(sender, **kwargs):
        ran_in.append((sender.name, threading.current_thread() is threading.main_thread()))

    task_postrun.connect(note, weak=False)
    try:
        request = journeys.submitted(council, journeys.child_with_plans(council, 1))
        assert wait_for(lambda: ("notifications.tasks.notify_event", False) in ran_in)
        transitions.confirm_prior_plan_check(
            request.pk, council.social_worker, sources_checked=["this_council", "other_councils"]
        )
        assert wait_for(lambda: len(mail.outbox) == 2 and Notification.objects.count() == 2)
    finally:
        task_postrun.disconnect(note)

    assert {(n.recipient.username, n.kind) for n in Notification.objects.all()} == {
        ("am", Kind.ACTION_NEEDED),
        ("sm", Kind.ACTION_NEEDED),
    }
    assert sorted(message.to[0] for message in mail.outbox) == ["am@council.example", "sm@council.example"]
    assert all(n.emailed_at is not None for n in Notification.objects.all())
    assert ran_in and all(name == tasks.notify_event.name and not in_main for name, in_main in ran_in)


def test_the_daily_reminders_run_on_the_worker_and_keep_their_result(council, redis_worker):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    assert wait_for(lambda: len(mail.outbox) == 2)  # the managers told that the request reached them
    mail.outbox.clear()
    ConferenceRequest.objects.filter(pk=request.pk).update(strategy_discussion_date=date(2026, 5, 22))
    result = tasks.send_reminders.delay(on="2026-06-15")  # the statutory date: due today
    summary = result.get(timeout=30)
    assert summary == {"date": "2026-06-15", "working_day": True, "made": {"due_today": 2}, "digests": 2}
    assert wait_for(lambda: len(mail.outbox) == 2)
    assert (
        sorted(message.subject for message in mail.outbox)
        == ["Your gatekeeping reminders for Monday 15 June 2026: 1 item"] * 2
    )
