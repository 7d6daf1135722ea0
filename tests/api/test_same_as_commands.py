"""The API answers exactly what the commands print: `assess` on the project's own test cases, `indicators`
on the indicator tests' history, compared after JSON parsing."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.audit.test_indicators import history  # noqa: F401  (the fixture: plans around the boundaries of 2025)
from tests.conferences import test_assess_command as assess_cases


def _parametrized(test) -> list:
    return [case[0] for case in test.pytestmark[0].args[1]]


# The assess command's own test inputs: the valid cases and every refusal it tests.
VALID = [
    assess_cases.SECOND_PLAN_REQUEST,
    {"on_date": "2024-01-01", "plans": [], "proposal": {"categories": ["NEG"]}},
    {
        "on_date": "2024-01-01",
        "plans": [{"start": "2023-01-01", "end": "2023-02-01", "categories": ["PHY"]}],
        "proposal": {"categories": ["PHY"]},
    },
    assess_cases.request(
        plans=[
            {"start": "2022-01-01", "end": "2022-09-01", "categories": ["NEG"]},
            {"start": "2022-09-02", "end": "2023-03-01", "categories": ["NEG"]},
        ]
    ),
]
REFUSED_TEXT = [
    *[json.dumps(data) for data in _parametrized(assess_cases.TestRefusals.test_bad_input_is_named)],
    *_parametrized(assess_cases.TestFromTheShell.test_bad_input_exits_2_with_one_line_on_stderr),
    '{"on_date": ',
    json.dumps(assess_cases.with_plan(categories=["NE\nG"])),
]


def command_output(text: str) -> tuple[dict | None, str | None]:
    """What `manage.py assess -` prints: (the JSON, None) or (None, its one error line)."""
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(text))
        try:
            call_command("assess", "-", stdout=out)
        except CommandError as error:
            return None, str(error)
    return json.loads(out.getvalue()), None


@pytest.mark.parametrize("data", VALID)
def test_assessment_is_the_commands_output(council, api_as, data):
    expected, _ = command_output(json.dumps(data))

    response = api_as(council.social_worker).post("/api/v1/assessment/", data, format="json")

    assert response.status_code == 200
    assert json.loads(response.content) == expected


@pytest.mark.parametrize("text", REFUSED_TEXT)
def test_refused_input_is_400_with_the_commands_message(council, api_as, text):
    _, message = command_output(text)
    assert message

    response = api_as(council.social_worker).post("/api/v1/assessment/", text, content_type="application/json")

    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": message}


def indicators_command(*arguments) -> dict:
    out = io.StringIO()
    call_command("indicators", *arguments, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    "period", [("2025-01-01", "2025-12-31"), ("2024-01-01", "2026-06-30"), ("2025-03-01", "2025-03-01")]
)
def test_indicators_are_the_commands_json(history, api_as, period):  # noqa: F811
    expected = indicators_command("--from", period[0], "--to", period[1], "--format", "json")

    response = api_as(history.auditor).get("/api/v1/indicators/", {"from": period[0], "to": period[1]})

    assert response.status_code == 200
    assert json.loads(response.content) == expected


def test_indicators_for_a_service_area_are_the_commands_json(history, api_as):  # noqa: F811
    arguments = ["--from", "2025-01-01", "--to", "2025-12-31", "--service-area", "Birth-25 Service"]
    expected = indicators_command(*arguments)

    response = api_as(history.cp_manager).get(
        "/api/v1/indicators/", {"from": "2025-01-01", "to": "2025-12-31", "service_area": "Birth-25 Service"}
    )

    assert json.loads(response.content) == expected


def test_an_area_manager_gets_their_own_area_and_no_other(history, api_as):  # noqa: F811
    client = api_as(history.area_manager)
    expected = indicators_command("--from", "2025-01-01", "--to", "2025-12-31", "--service-area", "Area Units")

    own = client.get("/api/v1/indicators/", {"from": "2025-01-01", "to": "2025-12-31"})
    other = client.get(
        "/api/v1/indicators/", {"from": "2025-01-01", "to": "2025-12-31", "service_area": "Birth-25 Service"}
    )

    assert json.loads(own.content) == expected
    assert other.status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2025-12-31", "to": "2025-01-01"}, "to"),
        ({"from": "2025-02-30", "to": "2025-12-31"}, "from"),
        ({"to": "2025-12-31"}, "from"),
        ({"from": "2025-01-01", "to": "2025-12-31", "service_area": "Atlantis"}, "service_area"),
    ],
)
def test_bad_indicator_queries_are_400_naming_the_field(council, api_as, query, field):
    response = api_as(council.auditor).get("/api/v1/indicators/", query)

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("role", ["social_worker", "team_manager", "cp_chair"])
def test_roles_that_do_not_oversee_practice_get_403_for_indicators(council, api_as, role):
    response = api_as(getattr(council, role)).get("/api/v1/indicators/", {"from": "2025-01-01", "to": "2025-12-31"})

    assert response.status_code == 403
