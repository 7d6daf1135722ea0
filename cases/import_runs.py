"""Starting and retrying census import runs (the task itself is cases/tasks.py).

The run's row commits first and the task is queued after; a broker that cannot take it marks the run
stopped at once, so the page says so and offers a retry instead of "queued" for ever. A run whose
worker stopped (limits/runs.py) may be retried by whoever may load census returns.
"""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from cases.history_import import may_import_history
from cases.models import ImportRun
from cases.tasks import run_history_import
from limits import runs
from limits.queueing import queue


class RunNotStopped(Exception):
    """Only a run that has stopped may be retried: one still going would run twice."""


def _queue(run_id: int) -> None:
    if not queue(run_history_import, run_id):
        ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
            status=ImportRun.Status.STOPPED, error=runs.QUEUE_FAILED
        )


def start_import(user, upload) -> ImportRun:
    if not may_import_history(user):
        raise PermissionDenied("Only the data manager and administrators load census returns.")
    with transaction.atomic(durable=True):
        run = ImportRun.objects.create(file=upload, original_name=upload.name, uploaded_by=user)
        transaction.on_commit(partial(_queue, run.pk))
    return run


def retry_import(run_id: int, user) -> ImportRun:
    """Queue a stopped run again; it reads its file from the start (the import is idempotent)."""
    if not may_import_history(user):
        raise PermissionDenied("Only the data manager and administrators load census returns.")
    with transaction.atomic(durable=True):
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        reason = run.stopped_reason
        if not reason:
            raise RunNotStopped(f"The import is {run.get_status_display().lower()}: only a stopped import is retried.")
        run.status, run.progress, run.error = ImportRun.Status.QUEUED, 0, ""
        run.queued_at, run.started_at, run.heartbeat_at = timezone.now(), None, None
        run.save(update_fields=["status", "progress", "error", "queued_at", "started_at", "heartbeat_at"])
        record_event(
            user,
            "cin_census_import_retried",
            description=f"Retried the import of {run.original_name}: {reason}",
            after={"import_run": run.pk},
        )
        transaction.on_commit(partial(_queue, run.pk))
    return run
