"""An upload over the size limit is refused as it arrives, never stored; a census return is deleted
when its import ends (or when the setting says)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import ImportRun
from cases.tasks import delete_old_census_files
from tests.cases import census_xml as x


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, user, content: bytes, name="return.xml"):
    client.force_login(user)
    return client.post(reverse("history_import:upload"), {"file": SimpleUploadedFile(name, content)})


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def test_the_default_limit_is_50_mb(settings):
    assert settings.UPLOAD_MAX_BYTES == 50 * 1024 * 1024


def test_a_return_over_the_limit_is_refused_before_it_is_stored(client, council, media, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    content = b"<?xml version='1.0'?><Message>" + b" " * (1024 * 1024 + 10) + b"</Message>"
    response = upload(client, council.data_manager, content)
    assert response.status_code == 400
    assert "The selected file must be smaller than 1MB" in response.content.decode()
    assert not ImportRun.objects.exists()
    assert stored_files(media) == []


def test_the_return_is_deleted_when_its_import_ends(client, council, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, council.data_manager, x.SAMPLE.read_bytes())
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE
    assert run.file.name == ""
    assert stored_files(media) == []


def test_a_kept_return_goes_after_the_days_the_setting_allows(
    client, council, media, settings, django_capture_on_commit_callbacks
):
    settings.CENSUS_FILE_KEEP_DAYS = 3
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, council.data_manager, x.SAMPLE.read_bytes())
    run = ImportRun.objects.get()
    assert len(stored_files(media)) == 1
    assert delete_old_census_files() == 0
    ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now() - timedelta(days=3, minutes=1))
    assert delete_old_census_files() == 1
    run.refresh_from_db()
    assert run.file.name == "" and stored_files(media) == []
