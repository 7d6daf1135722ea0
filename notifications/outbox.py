"""The outbox: the people an action tells are owed a message from the moment the action commits.

The audit event's own transaction writes an Outbox row (signals.py), so the decision and the debt
to tell people commit together. On commit the delivery task is queued at once; if the broker
cannot take it, the page still shows the saved decision and the row waits. Beat's sweep
(`deliver_waiting`, every minute) delivers every row still waiting once a worker can reach the
broker again, backing off after each failure. Delivery is idempotent (the notifications' dedupe
keys and `emailed_at`), so the task and the sweep may both reach a row without telling anyone twice.
"""

from datetime import timedelta
from smtplib import SMTPException

from django.db.models import F
from django.utils import timezone

from limits.queueing import queue
from notifications import services
from notifications.models import Outbox

MAIL_ERRORS = (SMTPException, OSError)
# The task queued on commit normally delivers within seconds; the sweep leaves it that long first.
KICK_GRACE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
SWEEP_BATCH = 500


def hold(event) -> Outbox:
    """Write the row in the caller's transaction: the event's people are owed their message."""
    return Outbox.objects.create(event=event, next_attempt_at=timezone.now() + KICK_GRACE)


def kick(event_id: int) -> bool:
    """Queue delivery now (run on commit); False when the broker is down and the sweep must do it."""
    from notifications.tasks import notify_event  # the tasks module imports this one

    return queue(notify_event, event_id)


def deliver(event_id: int) -> int:
    """Tell the event's people unless that is done; returns the emails this call sent."""
    waiting = Outbox.objects.filter(event_id=event_id, delivered_at__isnull=True)
    if not waiting.exists() and Outbox.objects.filter(event_id=event_id).exists():
        return 0
    try:
        sent = services.notify_audit_event(event_id)
    except MAIL_ERRORS as error:
        postpone(event_id, error)
        raise
    waiting.update(delivered_at=timezone.now(), attempts=F("attempts") + 1, last_error="")
    return sent


def postpone(event_id: int, error: Exception) -> None:
    """Count the failed attempt and leave the row to the sweep after a doubling wait (capped)."""
    row = Outbox.objects.filter(event_id=event_id, delivered_at__isnull=True).first()
    if row is None:
        return
    wait = min(timedelta(minutes=2**row.attempts), BACKOFF_CAP)
    Outbox.objects.filter(pk=row.pk).update(
        attempts=F("attempts") + 1, next_attempt_at=timezone.now() + wait, last_error=str(error)[:300]
    )


def deliver_waiting() -> dict:
    """Deliver every row whose time has come (beat runs this every minute)."""
    due = Outbox.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=timezone.now())
    delivered = failed = 0
    for event_id in due.order_by("next_attempt_at").values_list("event_id", flat=True)[:SWEEP_BATCH]:
        try:
            deliver(event_id)
        except MAIL_ERRORS:
            failed += 1
        else:
            delivered += 1
    return {"delivered": delivered, "failed": failed}
