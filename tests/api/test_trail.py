"""The audit trail and the record-access log for auditors, filtered by child, person and date."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent, RecordAccess
from audit.services import record_access, record_event
from tests.factories import ChildFactory


@pytest.fixture
def trail(council):
    first, second = ChildFactory(local_child_id="T1"), ChildFactory(local_child_id="T2")
    day = timezone.make_aware(datetime.datetime(2025, 3, 10, 23, 30))  # 23:30 in London, 10 March
    events = [
        record_event(council.social_worker, "record_analysis", child=first),
        record_event(council.cp_chair, "accept", child=second),
    ]
    accesses = [
        record_access(council.social_worker, first, "/children/1/"),
        record_access(council.cp_chair, second, "/children/2/"),
    ]
    old_event = AuditEvent.objects.create(actor=council.cp_chair, action="decline", child=first, at=day)
    old_access = RecordAccess.objects.create(user=council.cp_chair, child=first, path="/old/", at=day)
    return {"events": events, "accesses": accesses, "old_event": old_event, "old_access": old_access}


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_audit_events_filter_by_child_person_and_day(council, trail, api_as):
    client = api_as(council.auditor)
    url = "/api/v1/audit-events/"

    assert ids(client.get(url, {"child": "T2"})) == [trail["events"][1].pk]
    assert ids(client.get(url, {"person": "sw"})) == [trail["events"][0].pk]
    assert ids(client.get(url, {"from": "2025-03-10", "to": "2025-03-10"})) == [trail["old_event"].pk]
    assert ids(client.get(url, {"child": "T1", "person": "chair"})) == [trail["old_event"].pk]
    row = client.get(url, {"child": "T2"}).json()["results"][0]
    assert (row["actor"], row["action"], row["child"]) == ("chair", "accept", "T2")


def test_record_access_filters_by_child_person_and_day(council, trail, api_as):
    client = api_as(council.auditor)
    url = "/api/v1/record-access/"

    assert ids(client.get(url, {"child": "T2"})) == [trail["accesses"][1].pk]
    assert ids(client.get(url, {"person": "sw"})) == [trail["accesses"][0].pk]
    assert ids(client.get(url, {"to": "2025-03-10"})) == [trail["old_access"].pk]
    row = client.get(url, {"person": "chair", "to": "2025-03-10"}).json()["results"][0]
    assert (row["person"], row["child"], row["path"]) == ("chair", "T1", "/old/")


@pytest.mark.parametrize("query", [{"from": "2025-13-01"}, {"from": "2025-03-02", "to": "2025-03-01"}])
def test_a_bad_date_is_400(council, api_as, query):
    assert api_as(council.auditor).get("/api/v1/record-access/", query).status_code == 400
