"""A person sees, opens and marks read only their own notifications."""

import pytest
from django.urls import reverse

from notifications.models import Kind, Notification
from notifications.services import record


@pytest.fixture
def told(council):
    """One notification for the social worker and one for the area manager."""

    def make(user, key, message):
        return record(recipient=user, kind=Kind.ACTION_NEEDED, message=message, url="/requests/1/", dedupe_key=key)[0]

    return make(council.social_worker, "mine", "Request 1 was returned to you."), make(
        council.area_manager, "theirs", "Request 2 needs your manager discussion."
    )


def test_the_list_shows_only_my_notifications(client, council, told):
    client.force_login(council.social_worker)
    page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    assert "Request 1 was returned to you." in page.text
    assert "Request 2 needs your manager discussion." not in page.text
    assert "You have 1 unread notification." in page.text


def test_opening_one_marks_it_read_and_follows_its_link(client, council, told):
    mine, _ = told
    client.force_login(council.social_worker)
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response.url == "/requests/1/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "You have 0 unread notifications." in client.get(reverse("notifications:list") + "?show=unread").text


def test_someone_elses_notification_is_not_found(client, council, told):
    _, theirs = told
    client.force_login(council.social_worker)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_takes_a_post(client, council, told):
    mine, _ = told
    client.force_login(council.social_worker)
    assert client.get(reverse("notifications:mark_read", args=[mine.pk])).status_code == 405
    assert client.post(reverse("notifications:mark_read", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_mark_all_read_marks_only_mine(client, council, told):
    client.force_login(council.social_worker)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "1 notification marked as read." in response.text
    assert list(Notification.objects.filter(read_at__isnull=True).values_list("dedupe_key", flat=True)) == ["theirs"]


def test_an_unread_count_is_in_every_page_context(client, council, told):
    client.force_login(council.social_worker)
    assert client.get(reverse("notifications:list")).context["unread_notifications"] == 1


def test_signing_in_is_needed(client, council):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
