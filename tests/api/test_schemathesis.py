"""Schemathesis against the API's own schema, with real data, as wide roles and a narrow one.

The wide roles: a CP chair (every child and request, and takes decisions), a data manager (writes
plans) and an auditor (the trail); the narrow one: a social worker of one team.

Every operation gets generated input, valid and invalid (20 examples each, deterministic so CI is
repeatable); every answer must be no 5xx, a status the schema documents, with the documented content
type, headers and body. Path parameters are often swapped for real children, plans and requests so the
calls reach real records, not only 404s.
"""

import datetime
import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.throttling import TokenRateThrottle
from people.groups import place_staff
from tests.api.conftest import client_for
from tests.conferences.journeys import checked, child_with_plans, drafted, submitted
from tests.factories import ChildFactory, CPPlanFactory, StaffFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 20


def _openapi() -> dict:
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_openapi())
schema.config.generation.update(max_examples=EXAMPLES_PER_OPERATION, deterministic=True, database="none")
schema.app = WSGIHandler()


@pytest.fixture
def in_test_transaction():
    """Like Django's test client: the app must not close the test's connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_records(council, monkeypatch):
    """Children, plans and requests at several stages, and tokens of the roles under test.

    Made once per operation and role, not per example: the examples act on the same records, as
    integrations do (hence the function-scoped fixture health check is off).
    """
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api_token": "100000/minute"})
    data_manager = StaffFactory(role="data_manager", user__username="dm")
    place_staff(data_manager)
    repeat = child_with_plans(council, count=2)
    requests = [
        checked(council, repeat),
        submitted(council, child_with_plans(council)),
        drafted(council, child_with_plans(council)),
    ]
    south = ChildFactory(team=council.south_team)
    CPPlanFactory(child=south, start_date=datetime.date(2024, 1, 1), end_date=None)
    children = [repeat, south, requests[1].child]
    return {
        "local_child_id": [child.local_child_id for child in children],
        "pk": [request.pk for request in requests],
        "plan_id": [plan.pk for child in children for plan in child.plans.all()],
        "tokens": {
            role: client_for(user).token
            for role, user in {
                "cp_chair": council.cp_chair,
                "auditor": council.auditor,
                "data_manager": data_manager.user,
                "social_worker": council.social_worker,
            }.items()
        },
    }


def aim_at_real_records(case, records):
    """Half the generated ids (by a rule on the value, so runs repeat) become ids of real records."""
    for name, value in (case.path_parameters or {}).items():
        if name in records and records[name] and len(str(value)) % 2 == 0:
            case.path_parameters[name] = records[name][len(str(value)) % len(records[name])]


CALL_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None
)


@pytest.mark.parametrize("role", ["cp_chair", "data_manager", "social_worker"])
@schema.parametrize()
@CALL_SETTINGS
def test_no_server_error_and_every_answer_as_the_schema_says(case, role, real_records, in_test_transaction):
    aim_at_real_records(case, real_records)
    case.call_and_validate(headers={"Authorization": f"Bearer {real_records['tokens'][role]}"}, checks=CHECKS)


# The auditor's reach beyond the roles above: the trail and the indicators (elsewhere it only reads).
@schema.include(path_regex="^/api/v1/(audit-events|record-access|indicators)/$").parametrize()
@CALL_SETTINGS
def test_the_auditors_trail_and_indicators_as_the_schema_says(case, real_records, in_test_transaction):
    case.call_and_validate(headers={"Authorization": f"Bearer {real_records['tokens']['auditor']}"}, checks=CHECKS)
