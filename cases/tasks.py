"""Background work for the cases app: loading a census return uploaded from the browser.

A whole council's return takes longer than a web request should, so the upload page queues
`run_history_import` and shows the run's progress, read from the ImportRun row that this task
keeps up to date. With no broker configured, Celery runs the task in-process.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from cases.census import CensusFileError
from cases.history_import import ImportSummary, import_census
from cases.models import ImportRun

logger = logging.getLogger(__name__)


def _claim(run_id: int, redelivered: bool = False) -> ImportRun | None:
    """Mark the run as running for this task; None when another live worker has it or it has ended.

    A queued run is taken; so is a running one whose worker stopped (no heartbeat within the limit)
    or whose message came back because its worker died (`redelivered`). The import is idempotent:
    children and plans already loaded count as unchanged the second time.
    """
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return None
        taken_over = run.status == ImportRun.Status.RUNNING and (redelivered or bool(run.stopped_reason))
        if run.status != ImportRun.Status.QUEUED and not taken_over:
            return None
        run.status = ImportRun.Status.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.attempts += 1
        run.save(update_fields=["status", "started_at", "heartbeat_at", "attempts"])
    return run


def _store(run: ImportRun, summary: ImportSummary, **fields) -> None:
    fields.update(summary.counts(), heartbeat_at=timezone.now())
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=list(fields))


def _delete_file(run: ImportRun) -> None:
    """A census return names every child in it: once read, it is kept no longer than the setting says."""
    if run.file:
        run.file.delete(save=False)
        ImportRun.objects.filter(pk=run.pk).update(file="")


def _finish(run: ImportRun, summary: ImportSummary, **fields) -> None:
    report = [rejection.as_dict() for rejection in summary.rejections]
    _store(run, summary, finished_at=timezone.now(), report=report, **fields)
    if settings.CENSUS_FILE_KEEP_DAYS == 0:
        _delete_file(run)
    record_event(
        run.uploaded_by,
        "cin_census_import",
        description=f"Loaded {run.original_name}: {run.get_status_display().lower()}. " + " ".join(summary.lines()),
        after={"import_run": run.pk, **summary.counts()},
    )


@shared_task(bind=True, acks_late=True)
def run_history_import(self, run_id: int) -> str | None:
    """Import the run's file, recording progress (percent of the file read) as it goes."""
    run = _claim(run_id, redelivered=bool((self.request.delivery_info or {}).get("redelivered")))
    if run is None:
        return None
    latest = ImportSummary()
    try:
        size = run.file.size or 1
        stream = run.file.open("rb")
    except OSError:
        message = "The uploaded file could not be read: load it again."
        _finish(run, latest, status=ImportRun.Status.FAILED, error=message)
        return run.status
    with stream:

        def progress(summary: ImportSummary) -> None:
            nonlocal latest
            latest = summary
            _store(run, summary, progress=min(99, int(stream.tell() * 100 / size)))

        try:
            latest = import_census(stream, user=run.uploaded_by, on_progress=progress)
        except CensusFileError as error:
            _finish(run, latest, status=ImportRun.Status.FAILED, error=f"{error} Nothing was imported.")
            return run.status
        except Exception:
            # A fault of ours, not of the file: the run must still end, never stay "running".
            logger.exception("Census import run %s failed", run.pk)
            message = "The import stopped on an unexpected error; children imported before it are kept."
            _finish(run, latest, status=ImportRun.Status.FAILED, error=message)
            return run.status
    _finish(run, latest, status=ImportRun.Status.DONE, progress=100)
    return run.status


@shared_task
def delete_old_census_files() -> int:
    """Delete the files of imports that ended more than CENSUS_FILE_KEEP_DAYS ago (beat runs it daily)."""
    cutoff = timezone.now() - timedelta(days=settings.CENSUS_FILE_KEEP_DAYS)
    runs = list(ImportRun.objects.filter(finished_at__lte=cutoff).exclude(file=""))
    for run in runs:
        _delete_file(run)
    return len(runs)
