"""The admin: reference data can be set up; plans, requests and the audit trail can be read, never changed."""

import pytest
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditEvent, RecordAccess
from audit.services import record_event
from cases.models import Child, CPPlan, Family
from conferences.models import ConferenceRequest
from people.models import ServiceArea, Staff, Team
from tests.factories import (
    ChildFactory,
    ConferenceRequestFactory,
    CPPlanFactory,
    FamilyFactory,
    PlanServiceFactory,
    ProposedServiceFactory,
    UserFactory,
)

REFERENCE_DATA = [ServiceArea, Team, Staff, Family, Child]
# Plans too: the data manager enters and corrects them in the app, always with a reason.
READ_ONLY = [CPPlan, ConferenceRequest, AuditEvent, RecordAccess]


@pytest.fixture
def superuser_client(client, council):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def records_of_each(council):
    plan = CPPlanFactory(child=ChildFactory(team=council.north_team, family=FamilyFactory()))
    PlanServiceFactory(plan=plan)
    request = ConferenceRequestFactory(child=plan.child, created_by=council.social_worker)
    ProposedServiceFactory(request=request)
    record_event(council.social_worker, "start_request", request=request, state_after="draft")
    RecordAccess.objects.create(user=council.social_worker, child=plan.child, path="/children/")
    return {model: model.objects.first() for model in REFERENCE_DATA + READ_ONLY}


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", REFERENCE_DATA + READ_ONLY, ids=lambda model: model.__name__)
def test_every_page_loads_for_a_superuser(superuser_client, records_of_each, model):
    assert superuser_client.get(url(model, "changelist")).status_code == 200
    assert superuser_client.get(url(model, "change", records_of_each[model].pk)).status_code == 200


@pytest.mark.parametrize("model", REFERENCE_DATA, ids=lambda model: model.__name__)
def test_reference_data_can_be_added(superuser_client, model):
    assert superuser_client.get(url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda model: model.__name__)
def test_requests_and_the_audit_trail_cannot_be_added_changed_or_deleted(superuser_client, records_of_each, model):
    obj = records_of_each[model]
    assert superuser_client.get(url(model, "add")).status_code == 403
    assert superuser_client.post(url(model, "change", obj.pk), {}).status_code == 403
    assert superuser_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    action_form = superuser_client.get(url(model, "changelist")).context["action_form"]
    assert action_form is None or "delete_selected" not in dict(action_form.fields["action"].choices)
    assert model.objects.filter(pk=obj.pk).exists()


def test_an_audit_event_cannot_be_deleted_through_the_admin(superuser_client, records_of_each):
    event = records_of_each[AuditEvent]
    superuser_client.post(
        url(AuditEvent, "changelist"), {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert superuser_client.post(url(AuditEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_requests_stage_is_not_a_form_field(superuser_client, records_of_each):
    request = records_of_each[ConferenceRequest]
    page = superuser_client.get(url(ConferenceRequest, "change", request.pk)).content.decode()
    assert 'name="state"' not in page
    assert "Draft" in page


def test_opening_a_child_in_the_admin_is_logged(superuser_client, records_of_each):
    child = records_of_each[Child]
    before = RecordAccess.objects.filter(child=child).count()
    superuser_client.get(url(Child, "change", child.pk))
    superuser_client.get(url(CPPlan, "change", records_of_each[CPPlan].pk))
    assert RecordAccess.objects.filter(child=child).count() == before + 2


def test_the_reference_data_requests_and_trail_are_registered():
    ours = {
        model for model in admin.site._registry if model._meta.app_label in {"people", "cases", "conferences", "audit"}
    }
    assert set(REFERENCE_DATA + READ_ONLY) <= ours
