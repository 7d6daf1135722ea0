"""Report runs never stick: a report the broker could not take, or whose worker died, is shown as
stopped and its requester can retry it; a redelivered task finishes a dead run."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from limits import runs
from quality.models import ReportRun
from quality.tasks import build_indicator_report
from tests import workers

LONG = {"date_from": "2020-01-01", "date_to": "2025-12-31", "file_format": "csv"}


@pytest.fixture
def auditor(client, council):
    client.force_login(council.auditor)
    return client


def page_of(client, run) -> str:
    response = client.get(reverse("quality:report_run", args=[run.pk]))
    assert response.status_code == 200
    return response.content.decode()


def retry(client, run):
    return client.post(reverse("quality:report_retry", args=[run.pk]))


def test_a_report_the_broker_cannot_take_is_shown_stopped_and_its_retry_finishes_it(
    auditor, django_capture_on_commit_callbacks
):
    with workers.broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = auditor.post(reverse("quality:report_start"), LONG)
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert (run.status, run.message) == (ReportRun.Status.STOPPED, runs.QUEUE_FAILED)
    page = page_of(auditor, run)
    assert "The report stopped before it finished." in page and "Retry the report" in page
    assert 'http-equiv="refresh"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        assert retry(auditor, run).status_code == 302
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts) == (ReportRun.Status.DONE, 100, 1)
    assert "Download repeat-plan-indicators-2020-01-01-to-2025-12-31.csv" in page_of(auditor, run)


def test_a_report_whose_worker_died_is_detected_and_retried_by_its_requester_only(
    client, auditor, council, django_capture_on_commit_callbacks
):
    auditor.post(reverse("quality:report_start"), LONG)  # queued; the test's transaction never commits
    long_ago = timezone.now() - runs.stale_after() - timedelta(minutes=1)
    ReportRun.objects.update(status=ReportRun.Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    run = ReportRun.objects.get()
    page = page_of(auditor, run)
    assert runs.WORKER_STOPPED in page and "Retry the report" in page

    client.force_login(council.cp_manager)
    assert retry(client, run).status_code == 404  # someone else's report
    client.force_login(council.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        retry(client, run)
    assert ReportRun.objects.get().status == ReportRun.Status.DONE


def test_a_redelivered_report_task_finishes_a_dead_run_once(auditor):
    auditor.post(reverse("quality:report_start"), LONG)
    run = ReportRun.objects.get()
    ReportRun.objects.update(status=ReportRun.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    assert build_indicator_report.apply(args=[run.pk]).get() is None  # alive: left alone
    ReportRun.objects.update(heartbeat_at=timezone.now() - runs.stale_after() - timedelta(seconds=1))
    assert build_indicator_report.apply(args=[run.pk]).get().endswith(".csv")
    assert ReportRun.objects.get().status == ReportRun.Status.DONE
