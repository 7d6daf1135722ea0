"""Census import runs never stick: a run that could not be queued, never started, or whose worker died
is shown as stopped and can be retried; a task redelivered after its worker died finishes the run."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Child, ImportRun
from cases.tasks import run_history_import
from limits import runs
from tests import workers
from tests.cases import census_xml as x


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, user):
    client.force_login(user)
    return client.post(
        reverse("history_import:upload"), {"file": SimpleUploadedFile("return.xml", x.SAMPLE.read_bytes())}
    )


def retry(client, run):
    return client.post(reverse("history_import:run_retry", kwargs={"pk": run.pk}))


def page_of(client, run) -> str:
    response = client.get(reverse("history_import:run", kwargs={"pk": run.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_an_upload_the_broker_cannot_take_is_shown_stopped_and_its_retry_finishes_it(
    client, council, media, django_capture_on_commit_callbacks
):
    with workers.broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = upload(client, council.data_manager)
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert (run.status, run.error) == (ImportRun.Status.STOPPED, runs.QUEUE_FAILED)
    page = page_of(client, run)
    assert "The import stopped before it finished." in page and runs.QUEUE_FAILED in page
    assert "Retry the import" in page and "data-import-status-url" not in page
    status = client.get(reverse("history_import:run_status", kwargs={"pk": run.pk})).json()
    assert (status["status_display"], status["active"]) == ("Stopped", False)

    with workers.broker_down(), django_capture_on_commit_callbacks(execute=True):
        assert retry(client, run).status_code == 302
    assert ImportRun.objects.get().status == ImportRun.Status.STOPPED  # still down: stopped again, said again

    with django_capture_on_commit_callbacks(execute=True):  # the broker is back (here: run in-process)
        assert retry(client, run).status_code == 302
    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == (ImportRun.Status.DONE, 100, "")
    assert Child.objects.exists()
    assert AuditEvent.objects.filter(action="cin_census_import_retried", actor=council.data_manager).count() == 2
    assert "Retry the import" not in page_of(client, run)


def test_a_run_whose_worker_died_is_detected_and_its_retry_finishes_it(
    client, council, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # queued, then its worker died mid-file
        upload(client, council.data_manager)
    long_ago = timezone.now() - runs.stale_after() - timedelta(minutes=1)
    ImportRun.objects.update(status=ImportRun.Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago, progress=40)
    run = ImportRun.objects.get()
    assert run.stopped_reason == runs.WORKER_STOPPED and not run.is_active
    page = page_of(client, run)
    assert "Stopped" in page and runs.WORKER_STOPPED in page and "Retry the import" in page

    with django_capture_on_commit_callbacks(execute=True):
        retry(client, run)
    run.refresh_from_db()
    assert (run.status, run.progress) == (ImportRun.Status.DONE, 100)


def test_a_run_never_taken_from_the_queue_is_stopped_after_the_limit(client, council, media):
    upload(client, council.data_manager)  # the test's transaction never commits: nothing is queued
    run = ImportRun.objects.get()
    assert run.is_active and not run.stopped_reason
    ImportRun.objects.update(queued_at=timezone.now() - runs.stale_after() - timedelta(seconds=1))
    run.refresh_from_db()
    assert run.stopped_reason == runs.NEVER_STARTED
    assert runs.NEVER_STARTED in page_of(client, run)


def test_a_redelivered_task_takes_over_a_dead_run_and_leaves_a_live_one_alone(client, council, media):
    upload(client, council.data_manager)
    run = ImportRun.objects.get()
    ImportRun.objects.update(status=ImportRun.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    assert run_history_import.apply(args=[run.pk]).get() is None  # its worker is alive: not run twice

    long_ago = timezone.now() - runs.stale_after() - timedelta(minutes=1)
    ImportRun.objects.update(heartbeat_at=long_ago)
    assert run_history_import.apply(args=[run.pk]).get() == ImportRun.Status.DONE
    run.refresh_from_db()
    assert (run.status, run.attempts) == (ImportRun.Status.DONE, 1)
    assert run_history_import.apply(args=[run.pk]).get() is None  # ended: a late copy does nothing


def test_only_a_stopped_run_is_retried_and_only_by_whoever_loads_returns(client, council, media):
    upload(client, council.data_manager)
    run = ImportRun.objects.get()
    assert retry(client, run).status_code == 302
    assert (
        ImportRun.objects.get().status == ImportRun.Status.QUEUED
        and not AuditEvent.objects.filter(action="cin_census_import_retried").exists()
    )
    ImportRun.objects.update(status=ImportRun.Status.STOPPED, error=runs.QUEUE_FAILED)
    client.force_login(council.auditor)
    assert retry(client, run).status_code == 403
    assert ImportRun.objects.get().status == ImportRun.Status.STOPPED
