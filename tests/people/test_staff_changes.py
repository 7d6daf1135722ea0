"""Changes to staff, teams, service areas and sign-in accounts in the admin are in the trail with
before and after; a change of team moves access at once and says from where to where; people are
deactivated, never deleted (the admin offers no delete, and the database refuses one)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.urls import reverse

from audit.models import AuditEvent
from cases.permissions import children_visible_to
from people.models import Team
from tests.factories import ChildFactory, UserFactory

User = get_user_model()


@pytest.fixture
def admin_client(client, council):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def staff_form(staff, **changes):
    data = {
        "user": staff.user_id,
        "role": staff.role,
        "team": staff.team_id or "",
        "service_area": staff.service_area_id or "",
        "job_title": staff.job_title,
    }
    return {**data, **changes}


def test_a_change_of_team_is_recorded_before_and_after_and_moves_access_at_once(admin_client, council):
    worker = council.social_worker
    south_child = ChildFactory(team=council.south_team)
    assert south_child not in children_visible_to(worker)
    staff = worker.staff
    url = reverse("admin:people_staff_change", args=[staff.pk])

    response = admin_client.post(url, staff_form(staff, team=council.south_team.pk))

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="staff_changed")
    assert event.actor.username == "root"
    assert event.before == {"team": council.north_team.pk}
    assert event.after == {"id": staff.pk, "team": council.south_team.pk}
    assert south_child in children_visible_to(User.objects.get(pk=worker.pk))


def test_a_save_that_changes_nothing_adds_nothing_to_the_trail(admin_client, council):
    staff = council.social_worker.staff
    admin_client.post(reverse("admin:people_staff_change", args=[staff.pk]), staff_form(staff))
    assert not AuditEvent.objects.filter(action="staff_changed").exists()


def test_teams_and_their_changes_are_in_the_trail(admin_client, council):
    admin_client.post(reverse("admin:people_team_add"), {"name": "East Through Care", "service_area": council.north.pk})
    team = Team.objects.get(name="East Through Care")
    admin_client.post(
        reverse("admin:people_team_change", args=[team.pk]),
        {"name": "East Through Care", "service_area": council.south.pk},
    )
    created, moved = AuditEvent.objects.filter(action__startswith="team_").order_by("pk")
    assert (created.action, created.after) == (
        "team_created",
        {"id": team.pk, "name": "East Through Care", "service_area": council.north.pk},
    )
    assert (moved.before, moved.after) == (
        {"service_area": council.north.pk},
        {"id": team.pk, "service_area": council.south.pk},
    )


def test_an_account_change_records_its_groups_before_and_after(admin_client, council):
    person = council.cp_manager
    data = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    assert admin_client.post(reverse("admin:auth_user_change", args=[person.pk]), data).status_code == 302
    event = AuditEvent.objects.get(action="user_changed")
    assert event.before == {"is_staff": False, "groups": ["cp_manager"]}
    assert event.after == {"id": person.pk, "is_staff": True, "groups": []}


def test_people_are_deactivated_never_deleted(admin_client, council):
    person = council.practice_lead
    changelist = reverse("admin:auth_user_changelist")
    offered = admin_client.get(changelist).context["action_form"].fields["action"].choices
    assert "delete_selected" not in dict(offered) and "deactivate" in dict(offered)
    assert admin_client.post(reverse("admin:auth_user_delete", args=[person.pk]), {"post": "yes"}).status_code == 403
    assert (
        admin_client.post(reverse("admin:people_staff_delete", args=[person.staff.pk]), {"post": "yes"}).status_code
        == 403
    )

    admin_client.post(changelist, {"action": "deactivate", "_selected_action": [person.pk]})

    person.refresh_from_db()
    assert not person.is_active
    event = AuditEvent.objects.get(action="user_deactivated")
    assert (event.before, event.after) == ({"is_active": True}, {"id": person.pk, "is_active": False})
    with pytest.raises(DatabaseError, match="deactivated, never deleted"), transaction.atomic():
        User.objects.filter(pk=person.pk).delete()
    assert User.objects.filter(pk=person.pk).exists()
