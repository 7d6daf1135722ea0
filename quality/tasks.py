"""Background work for quality assurance: a report over a long period, of the indicators or of what
follows each ending (repeat outcomes), which no web request works out while the person waits.

A page queues `build_indicator_report` and shows the run's progress from its ReportRun row,
which the task keeps up to date; the finished file stays on the row for download. With no broker
configured, Celery runs the task in-process. The command line builds the same reports in the
foreground (quality/management/commands/indicators.py, repeat_outcomes.py).
"""

import logging
from datetime import date
from functools import partial

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from limits import runs
from limits.queueing import queue
from quality import indicator_export, repeat_outcomes
from quality.models import ReportRun
from quality.replica import report_reads

INDICATORS = "indicators"
REPEAT_OUTCOMES = "repeat_outcomes"

logger = logging.getLogger(__name__)


def request_indicator_report(
    user,
    *,
    date_from: date,
    date_to: date,
    service_area=None,
    team=None,
    file_format="xlsx",
    limit_to_area: int | None = None,
) -> ReportRun:
    """Record the request for a report and queue it once the transaction commits.

    `limit_to_area`: the service area id an Area or Service Manager's breakdowns are limited to.
    """
    parameters = {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "service_area": getattr(service_area, "name", service_area),
        "team": getattr(team, "pk", team),
        "format": file_format,
        "limit_to_area": limit_to_area,
    }
    return _request(INDICATORS, user, parameters)


def request_repeat_outcomes_report(
    user, *, date_from: date, date_to: date, service_area=None, file_format="xlsx", area_id: int | None = None
) -> ReportRun:
    """As `request_indicator_report`, for what follows each ending; `area_id`: an Area or Service Manager's own."""
    parameters = {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "service_area": getattr(service_area, "name", service_area),
        "format": file_format,
        "area_id": area_id,
    }
    return _request(REPEAT_OUTCOMES, user, parameters)


def _request(kind: str, user, parameters: dict) -> ReportRun:
    run = ReportRun.objects.create(kind=kind, requested_by=user, parameters=parameters)
    transaction.on_commit(partial(_queue, run.pk))
    return run


class RunNotStopped(Exception):
    """Only a run that has stopped may be retried: one still going would run twice."""


def retry_report(run_id: int, user) -> ReportRun:
    """Queue a stopped report again, for the person who asked for it; it is worked out from the start."""
    with transaction.atomic(durable=True):
        run = ReportRun.objects.select_for_update().defer("result").get(pk=run_id, requested_by=user)
        if not run.stopped_reason:
            raise RunNotStopped(f"The report is {run.get_status_display().lower()}: only a stopped report is retried.")
        run.status, run.progress, run.message = ReportRun.Status.QUEUED, 0, ""
        run.queued_at, run.started_at, run.heartbeat_at = timezone.now(), None, None
        run.save(update_fields=["status", "progress", "message", "queued_at", "started_at", "heartbeat_at"])
        transaction.on_commit(partial(_queue, run.pk))
    return run


def _queue(run_id: int) -> None:
    if not queue(build_indicator_report, run_id):
        ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
            status=ReportRun.Status.STOPPED, message=runs.QUEUE_FAILED
        )


def _claim(run_id: int, redelivered: bool = False) -> ReportRun | None:
    """Mark the run as running for this task; None when another live worker has it or it has ended.

    A queued run is taken; so is a running one whose worker stopped (no heartbeat within the limit)
    or whose message came back because its worker died (`redelivered`): the report is worked out
    again from the start, so taking it over is safe.
    """
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().defer("result").filter(pk=run_id).first()
        if run is None:
            return None
        taken_over = run.status == ReportRun.Status.RUNNING and (redelivered or bool(run.stopped_reason))
        if run.status != ReportRun.Status.QUEUED and not taken_over:
            return None
        run.status = ReportRun.Status.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.attempts += 1
        run.save(update_fields=["status", "started_at", "heartbeat_at", "attempts"])
    return run


@shared_task(bind=True, acks_late=True)
def build_indicator_report(self, run_id: int) -> str | None:
    """Work out the run's report (of its kind), telling the run's row how far it has got, and keep the file."""
    run = _claim(run_id, redelivered=bool((self.request.delivery_info or {}).get("redelivered")))
    if run is None:
        return None
    parameters = run.parameters
    date_from, date_to = date.fromisoformat(parameters["date_from"]), date.fromisoformat(parameters["date_to"])
    file_format = parameters.get("format", "xlsx")

    def progress(percent, message):
        ReportRun.objects.filter(pk=run.pk).update(
            progress=min(percent, 99), message=message, heartbeat_at=timezone.now()
        )

    try:
        with report_reads():  # the figures from the replica; the run's progress to the primary
            content, name, content_type = BUILDERS[run.kind](date_from, date_to, file_format, parameters, progress)
    except Exception as error:  # the page must say it failed, whatever the cause
        logger.exception("Report %s failed", run.pk)
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.FAILED,
            message=f"The report could not be made: {error}"[:300],
            finished_at=timezone.now(),
        )
        return None
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.DONE,
        progress=100,
        message="The report is ready.",
        finished_at=timezone.now(),
        result=content,
        file_name=name,
        content_type=content_type,
    )
    return name


def _indicators_file(date_from, date_to, file_format, parameters, progress) -> tuple[bytes, str, str]:
    report = indicator_export.build(
        date_from,
        date_to,
        parameters.get("service_area"),
        parameters.get("team"),
        limit_to_area=parameters.get("limit_to_area"),
        progress=progress,
    )
    content = indicator_export.render(report, file_format)
    name = indicator_export.file_name(date_from, date_to, file_format)
    return content, name, indicator_export.CONTENT_TYPES[file_format]


def _repeat_outcomes_file(date_from, date_to, file_format, parameters, progress) -> tuple[bytes, str, str]:
    report = repeat_outcomes.outcomes(
        date_from, date_to, service_area=parameters.get("service_area"), area_id=parameters.get("area_id")
    )
    progress(100, "Worked out the figures.")
    content = repeat_outcomes.RENDERERS[file_format](report)
    content = content.encode() if isinstance(content, str) else content
    name = repeat_outcomes.file_name(date_from, date_to, file_format)
    return content, name, repeat_outcomes.CONTENT_TYPES[file_format]


# What each kind of run makes: (the file, its name, its content type).
BUILDERS = {INDICATORS: _indicators_file, REPEAT_OUTCOMES: _repeat_outcomes_file}
