"""Celery tasks: thin wrappers that call notifications/services.py and notifications/reminders.py.

Every task is idempotent (the notifications' dedupe keys and `emailed_at`), so late acknowledgement
can redeliver one whose worker died, and a mail server's failure is retried with exponential
backoff: what was sent before the failure is not sent again.
"""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from notifications import outbox, reminders, services
from notifications.outbox import MAIL_ERRORS

RETRY = {
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": settings.NOTIFICATION_EMAIL_MAX_RETRIES,
}


@shared_task(ignore_result=True, **RETRY)
def notify_event(event_id: int) -> int:
    """Tell the right people of one audit event (a transition or a challenge step); queued on commit."""
    return outbox.deliver(event_id)


@shared_task(ignore_result=True)
def deliver_waiting_notifications() -> dict:
    """The outbox's sweep: whatever could not be queued or delivered before (beat, every minute)."""
    return outbox.deliver_waiting()


@shared_task(ignore_result=True, **RETRY)
def send_digest(user_id: int, on: str) -> int:
    return services.send_digest(user_id, date.fromisoformat(on))


@shared_task(ignore_result=False)
def send_reminders(on: str | None = None) -> dict:
    """The daily sweep, then one digest email per person. The summary is kept as the task's result."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    summary = reminders.run(today)
    if summary["working_day"]:
        recipients = services.pending_digest_recipients()
        for user_id in recipients:
            send_digest.delay_on_commit(user_id, today.isoformat())
        summary["digests"] = len(recipients)
    return summary
