"""Background runs (a census import, a report) that never stick at "queued" or "running".

A run's row is its record: the task keeps `heartbeat_at` fresh while it works. A run whose task
was never taken from the queue, or whose worker stopped beating, has stopped, whatever its status
still says; a run whose task could not be queued at all is marked stopped at once. A stopped run is
shown as such and may be retried, and a task redelivered after its worker died takes the run over.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

QUEUE_FAILED = "The run could not be started: the background service is unavailable. Retry it."
NEVER_STARTED = "The run was never started: no worker took it from the queue. Retry it."
WORKER_STOPPED = "The worker stopped while it ran. Retry it: what it had done is kept and done again only once."


def stale_after() -> timedelta:
    return timedelta(minutes=settings.BACKGROUND_RUN_STALE_MINUTES)


def stopped_reason(
    status: str, queued_at: datetime | None, heartbeat_at: datetime | None, now: datetime | None = None
) -> str:
    """Why a run that says "queued" or "running" has in fact stopped; empty when it has not."""
    cutoff = (now or timezone.now()) - stale_after()
    if status == "queued" and queued_at is not None and queued_at < cutoff:
        return NEVER_STARTED
    if status == "running" and (heartbeat_at is None or heartbeat_at < cutoff):
        return WORKER_STOPPED
    return ""
