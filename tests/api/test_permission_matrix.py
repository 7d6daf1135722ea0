"""Every API endpoint against every role, including the wrong team and area, and no token at all.

Written out from the design (DESIGN.md section 1, the pages' permission matrix), not read from the code:
- A child or request of the north team: 200 for those who may see it, 404 for everyone else, exactly like
  a missing one; only a 200 writes RecordAccess.
- Plans are written by the data manager alone (403 for anyone else who sees the child).
- A transition: 200 for those whose role takes it, 403 for those who see the request but may not act.
- Indicators for the roles that oversee practice; the trail for auditors; the assessment, a pure
  function over the body, for everyone signed in.
"""

from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from audit.models import RecordAccess
from conferences.models import ConferenceRequest
from conferences.selectors import request_version
from people.groups import place_staff
from tests.api.conftest import client_for
from tests.api.test_same_as_commands import VALID
from tests.conferences.journeys import checked, child_with_plans
from tests.factories import StaffFactory

TEAM = {"social_worker", "practice_lead", "team_manager"}
AREA = {"area_manager", "service_manager"}
COUNCIL_WIDE = {"cp_chair", "cp_manager", "head_of_service", "auditor"}
SEES_NORTH_CHILD = TEAM | AREA | COUNCIL_WIDE | {"data_manager"}
SEES_NORTH_REQUEST = TEAM | AREA | COUNCIL_WIDE
WRONG_PLACE = {"other_social_worker", "other_team_manager", "other_area_manager"}
ROLES = sorted(SEES_NORTH_CHILD | WRONG_PLACE)
OVERSEE_PRACTICE = {"auditor", "cp_manager", "head_of_service", "area_manager", "service_manager", "other_area_manager"}

PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}


def expected(role, ok, sees, ok_status=200):
    return ok_status if role in ok else 403 if role in sees else 404


# route name: (method, path, body, expected status for a role, logs RecordAccess when allowed)
ENDPOINTS = {
    "children": lambda o, role: ("get", "/api/v1/children/", None, 200),
    "child": lambda o, role: ("get", o.child_url, None, expected(role, SEES_NORTH_CHILD, set())),
    "plans": lambda o, role: (
        "post",
        o.child_url + "plans/",
        {"start": "2025-03-01", "end": "2025-05-20", "initial_category": "EMO", "latest_category": "EMO"},
        expected(role, {"data_manager"}, SEES_NORTH_CHILD, 201),
    ),
    "plan": lambda o, role: (
        "patch",
        f"{o.child_url}plans/{o.plan.pk}/",
        {"how_ended": "closed", "reason": "Census return corrected"},
        expected(role, {"data_manager"}, SEES_NORTH_CHILD),
    ),
    "requests": lambda o, role: ("get", "/api/v1/requests/", None, 200),
    "request": lambda o, role: ("get", o.request_url, None, expected(role, SEES_NORTH_REQUEST, set())),
    "transition": lambda o, role: (
        "post",
        o.request_url + "transitions/proceed/",
        {"expected_version": o.version, "alternatives_considered": ["child_in_need"], "rationale": "Agreed."},
        expected(role, AREA, SEES_NORTH_REQUEST),
    ),
    "assessment": lambda o, role: ("post", "/api/v1/assessment/", VALID[0], 200),
    "indicators": lambda o, role: ("get", "/api/v1/indicators/", PERIOD, expected(role, OVERSEE_PRACTICE, set(ROLES))),
    "audit_events": lambda o, role: ("get", "/api/v1/audit-events/", None, expected(role, {"auditor"}, set(ROLES))),
    "record_access": lambda o, role: ("get", "/api/v1/record-access/", None, expected(role, {"auditor"}, set(ROLES))),
}
# These return the child's record: logged, for exactly those who get it (a refused write logs nothing).
OPENS_THE_RECORD = {"child", "request", "plans", "plan"}


def api_route_names() -> set[str]:
    """The names of every route under /api/v1/, read from the URL resolver."""
    api = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api")
    v1 = next(p for p in api.url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "v1/")
    return {pattern.name for pattern in v1.url_patterns if isinstance(pattern, URLPattern)}


def test_the_matrix_covers_every_endpoint_of_the_api():
    assert api_route_names() == set(ENDPOINTS)


@pytest.fixture
def north(council):
    data_manager = StaffFactory(role="data_manager", user__username="dm")
    place_staff(data_manager)
    council.data_manager = data_manager.user
    request = checked(council, child_with_plans(council, 1))
    child = request.child
    return SimpleNamespace(
        child=child,
        plan=child.plans.get(),
        request=request,
        child_url=f"/api/v1/children/{child.local_child_id}/",
        request_url=f"/api/v1/requests/{request.pk}/",
        version=request_version(request),
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_answers_each_role_as_the_design_says(council, north, role):
    client = client_for(getattr(council, role))
    answers, wanted = {}, {}
    for name, endpoint in ENDPOINTS.items():  # the transition, the only change of state, comes late
        method, path, body, status = endpoint(north, role)
        before = RecordAccess.objects.count()
        if method == "get":
            response = client.get(path, body)
        else:
            response = getattr(client, method)(path, body, format="json")
        answers[name], wanted[name] = response.status_code, status
        if name in OPENS_THE_RECORD:
            assert RecordAccess.objects.count() - before == (1 if status in (200, 201) else 0), name
    assert answers == wanted


@pytest.mark.parametrize("role", ["social_worker", "practice_lead", "area_manager", "data_manager"])
def test_lists_hold_only_what_the_role_may_see(council, north, role):
    client = client_for(getattr(council, role))

    children = client.get("/api/v1/children/").json()["results"]
    requests = client.get("/api/v1/requests/").json()["results"]

    assert [child["local_child_id"] for child in children] == [north.child.local_child_id]
    assert [request["id"] for request in requests] == ([] if role == "data_manager" else [north.request.pk])


@pytest.mark.parametrize("role", sorted(WRONG_PLACE))
def test_the_wrong_team_or_area_sees_empty_lists(council, north, role):
    client = client_for(getattr(council, role))

    assert client.get("/api/v1/children/").json()["count"] == 0
    assert client.get("/api/v1/requests/").json()["count"] == 0


def test_a_refused_transition_changes_nothing(council, north):
    client = client_for(council.cp_chair)
    method, path, body, _ = ENDPOINTS["transition"](north, "cp_chair")

    client.post(path, body, format="json")

    assert ConferenceRequest.objects.get(pk=north.request.pk).state == "manager_discussion"


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_no_token_is_401_everywhere(council, north, name):
    method, path, body, _ = ENDPOINTS[name](north, "auditor")
    client = APIClient()

    response = client.get(path, body) if method == "get" else getattr(client, method)(path, body, format="json")

    assert response.status_code == 401
    assert not RecordAccess.objects.exists()
