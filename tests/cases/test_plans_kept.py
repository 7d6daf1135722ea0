"""A child's CP plans are never deleted: the database refuses it whatever the session asks; no admin delete."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases.models import CPPlan
from tests.factories import CPPlanFactory


@pytest.mark.parametrize("skip_asked", [False, True], ids=["plain", "pgtrigger.ignore"])
def test_the_database_refuses_to_delete_a_plan(db, skip_asked):
    plan = CPPlanFactory()
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
        if skip_asked:
            cursor.execute("SET LOCAL pgtrigger.ignore = '{never_deleted,cases.CPPlan:never_deleted}'")
        cursor.execute("DELETE FROM cases_cpplan WHERE id = %s", [plan.pk])
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic():
        plan.delete()
    assert CPPlan.objects.filter(pk=plan.pk).exists()


def test_the_admin_offers_no_delete_of_a_plan(admin_client):
    plan = CPPlanFactory()
    assert admin_client.get(reverse("admin:cases_cpplan_delete", args=[plan.pk])).status_code == 403
    assert admin_client.post(reverse("admin:cases_cpplan_delete", args=[plan.pk]), {"post": "yes"}).status_code == 403
    assert CPPlan.objects.filter(pk=plan.pk).exists()


def test_the_admin_shows_a_plan_read_only(admin_client):
    """A plan is added or corrected on the child's page, with a reason, so the requests resting on it are held."""
    plan = CPPlanFactory()
    change = reverse("admin:cases_cpplan_change", args=[plan.pk])
    assert admin_client.get(change).status_code == 200
    assert admin_client.post(change, {"end_date": "2023-10-10"}).status_code == 403
    assert admin_client.get(reverse("admin:cases_cpplan_add")).status_code == 403
    assert CPPlan.objects.get(pk=plan.pk).end_date == plan.end_date
