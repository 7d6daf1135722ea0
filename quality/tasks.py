"""Background work for quality assurance: an indicators report over a long period.

The page queues `build_indicator_report` and shows the run's progress from its ReportRun row,
which the task keeps up to date; the finished file stays on the row for download. With no broker
configured, Celery runs the task in-process. The command line builds the same report in the
foreground (quality/management/commands/indicators.py).
"""

import logging
from datetime import date

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from quality import indicator_export
from quality.models import ReportRun
from quality.replica import report_reads

INDICATORS = "indicators"

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
    run = ReportRun.objects.create(
        kind=INDICATORS,
        requested_by=user,
        parameters={
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "service_area": getattr(service_area, "name", service_area),
            "team": getattr(team, "pk", team),
            "format": file_format,
            "limit_to_area": limit_to_area,
        },
    )
    transaction.on_commit(lambda: build_indicator_report.delay(run.pk))
    return run


def _claim(run_id: int) -> ReportRun | None:
    """Mark a queued run as running; None when another worker has it or it has already run."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != ReportRun.Status.QUEUED:
            return None
        run.status = ReportRun.Status.RUNNING
        run.save(update_fields=["status"])
    return run


@shared_task(acks_late=True)
def build_indicator_report(run_id: int) -> str | None:
    """Work out every section of the report, telling the run's row how far it has got, and keep the file."""
    run = _claim(run_id)
    if run is None:
        return None
    parameters = run.parameters
    date_from, date_to = date.fromisoformat(parameters["date_from"]), date.fromisoformat(parameters["date_to"])
    file_format = parameters.get("format", "xlsx")

    def progress(percent, message):
        ReportRun.objects.filter(pk=run.pk).update(progress=min(percent, 99), message=message)

    try:
        with report_reads():  # the figures from the replica; the run's progress to the primary
            report = indicator_export.build(
                date_from,
                date_to,
                parameters.get("service_area"),
                parameters.get("team"),
                limit_to_area=parameters.get("limit_to_area"),
                progress=progress,
            )
        content = indicator_export.render(report, file_format)
    except Exception as error:  # the page must say it failed, whatever the cause
        logger.exception("Indicators report %s failed", run.pk)
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.FAILED,
            message=f"The report could not be made: {error}"[:300],
            finished_at=timezone.now(),
        )
        return None
    name = indicator_export.file_name(date_from, date_to, file_format)
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.DONE,
        progress=100,
        message="The report is ready.",
        finished_at=timezone.now(),
        result=content,
        file_name=name,
        content_type=indicator_export.CONTENT_TYPES[file_format],
    )
    return name
