"""`manage.py assess FILE`: JSON in, the assessment as JSON out; bad input is exit 2 and one stderr line.

The command needs no database, so no test here asks for the `db` fixture (pytest-django would
fail any test that touched it).
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

PROJECT_ROOT = Path(__file__).resolve().parents[2]

OUTPUT_KEYS = [
    "plan_number",
    "is_repeat",
    "previous_plans",
    "unrecorded_previous_plans",
    "last_plan_end",
    "days_since_last_plan_end",
    "within_12_months",
    "within_2_years",
    "last_plan_days",
    "short_last_plan",
    "long_last_plan",
    "repeated_concerns",
    "new_concerns",
    "similar_concerns",
    "close_scrutiny",
    "repeated_services",
    "challenge_triggers",
    "required_steps",
]

SECOND_PLAN_REQUEST = {
    "on_date": "2025-02-27",
    "plans": [
        {
            "start": "2023-10-01",
            "end": "2024-02-29",
            "categories": ["NEG"],
            "factors": ["3B"],
            "services": ["parenting programme"],
            "outstanding_actions_at_closure": True,
            "core_group_actions_not_implemented": False,
        }
    ],
    "proposal": {"categories": ["NEG", "EMO"], "factors": ["4B"], "services": ["parenting programme"]},
    "siblings": 2,
}

SECOND_PLAN_RESULT = {
    "plan_number": 2,
    "is_repeat": True,
    "previous_plans": 1,
    "unrecorded_previous_plans": 0,
    "last_plan_end": "2024-02-29",
    "days_since_last_plan_end": 364,
    "within_12_months": True,
    "within_2_years": True,
    "last_plan_days": 151,
    "short_last_plan": False,
    "long_last_plan": False,
    "repeated_concerns": ["NEG"],
    "new_concerns": ["4B", "EMO"],
    "similar_concerns": True,
    "close_scrutiny": True,
    "repeated_services": ["parenting programme"],
    "challenge_triggers": ["outstanding_actions_at_closure"],
    "required_steps": [
        "challenge_and_resolution",
        "cp_chair_conversation",
        "cp_manager_consultation",
        "cpc_screening",
        "manager_discussion",
        "partners_informed",
        "prior_plan_check",
        "repeat_analysis",
        "repeated_service_rationale",
        "service_manager_rationale",
        "sibling_consideration",
    ],
}


def request(**changes):
    """The second-plan request with top-level keys replaced (None removes a key)."""
    data = json.loads(json.dumps(SECOND_PLAN_REQUEST))
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return data


def with_plan(**changes):
    """The second-plan request with keys of its one plan replaced (None removes a key)."""
    plan = dict(SECOND_PLAN_REQUEST["plans"][0])
    for key, value in changes.items():
        if value is None:
            plan.pop(key)
        else:
            plan[key] = value
    return request(plans=[plan])


def run_from_file(tmp_path, content) -> dict:
    path = tmp_path / "request.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    out = io.StringIO()
    call_command("assess", str(path), stdout=out)
    return json.loads(out.getvalue())


def refusal(tmp_path, content) -> CommandError:
    with pytest.raises(CommandError) as raised:
        run_from_file(tmp_path, content)
    assert raised.value.returncode == 2
    assert "\n" not in str(raised.value)
    return raised.value


class TestOutput:
    def test_prints_the_assessment_as_json(self, tmp_path):
        result = run_from_file(tmp_path, SECOND_PLAN_REQUEST)

        assert result == SECOND_PLAN_RESULT
        assert list(result) == OUTPUT_KEYS

    def test_reads_standard_input_for_a_dash(self, monkeypatch):
        monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(SECOND_PLAN_REQUEST)))
        out = io.StringIO()

        call_command("assess", "-", stdout=out)

        assert json.loads(out.getvalue()) == SECOND_PLAN_RESULT

    def test_optional_keys_default_to_empty_false_and_zero(self, tmp_path):
        data = {
            "on_date": "2024-01-01",
            "plans": [{"start": "2023-01-01", "end": "2023-02-01", "categories": ["PHY"]}],
            "proposal": {"categories": ["PHY"]},
        }

        result = run_from_file(tmp_path, data)

        assert result["repeated_concerns"] == ["PHY"]
        assert result["repeated_services"] == []
        assert result["challenge_triggers"] == ["stepped_down_early"]
        assert "sibling_consideration" not in result["required_steps"]

    def test_a_first_plan(self, tmp_path):
        result = run_from_file(tmp_path, {"on_date": "2024-01-01", "plans": [], "proposal": {"categories": ["NEG"]}})

        assert result["plan_number"] == 1
        assert result["last_plan_end"] is None
        assert result["within_12_months"] is False
        assert result["required_steps"] == ["prior_plan_check"]

    def test_the_census_count_of_previous_plans_is_taken_and_the_unrecorded_printed(self, tmp_path):
        plans = [{"start": "2024-05-01", "end": "2025-01-10", "categories": ["NEG"], "number_of_previous_plans": 1}]

        result = run_from_file(tmp_path, request(plans=plans))

        assert (result["previous_plans"], result["unrecorded_previous_plans"], result["plan_number"]) == (2, 1, 3)
        assert "head_of_service_signoff" in result["required_steps"]

    def test_a_census_count_below_0_is_refused(self, tmp_path):
        plans = [{"start": "2024-05-01", "end": "2025-01-10", "categories": ["NEG"], "number_of_previous_plans": -1}]

        assert "number_of_previous_plans must be a whole number" in str(refusal(tmp_path, request(plans=plans)))

    def test_plans_a_day_apart_are_accepted(self, tmp_path):
        plans = [
            {"start": "2022-01-01", "end": "2022-09-01", "categories": ["NEG"]},
            {"start": "2022-09-02", "end": "2023-03-01", "categories": ["NEG"]},
        ]

        result = run_from_file(tmp_path, request(plans=plans))

        assert result["plan_number"] == 3
        assert "head_of_service_signoff" in result["required_steps"]


class TestRefusals:
    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            (request(on_date="2025-02-30"), "on_date is not a real date"),
            (request(on_date="20250227"), "on_date must be a date written YYYY-MM-DD"),
            (request(on_date=20250227), "on_date must be a date written YYYY-MM-DD"),
            (with_plan(start="1 March 2024"), "plans[0].start must be a date written YYYY-MM-DD"),
            (with_plan(end=None), "review conference, not a new request"),
            (with_plan(end="2025-03-01"), "still open on 2025-02-27"),
            (with_plan(start="2025-02-28", end="2025-03-01"), "starts after 2025-02-27"),
            (with_plan(end="2023-09-30"), "Rule 8925"),
            (with_plan(end="2023-10-01"), "Rule 8840"),
            (with_plan(categories=["NEG", "XYZ"]), "unknown census codes XYZ"),
            (request(proposal={"categories": ["NEG"], "factors": ["99Z"]}), "proposal: unknown census codes 99Z"),
            (
                request(
                    plans=[
                        {"start": "2022-01-01", "end": "2022-09-02", "categories": ["NEG"]},
                        {"start": "2022-09-01", "end": "2023-03-01", "categories": ["NEG"]},
                    ]
                ),
                "Rule 8940",
            ),
            (request(on_date=None), "the input is missing on_date"),
            (request(plans=None), "the input is missing plans"),
            (request(proposal=None), "the input is missing proposal"),
            (with_plan(categories=None), "plans[0] is missing categories"),
            (request(proposal={"factors": []}), "proposal is missing categories"),
            (request(sibling=1), "the input has unknown keys: sibling"),
            (with_plan(factor=["3B"]), "plans[0] has unknown keys: factor"),
            (request(plans={}), "plans must be a list"),
            (request(plans=["2023-01-01"]), "plans[0] must be a JSON object"),
            (with_plan(categories="NEG"), "plans[0].categories must be a list of strings"),
            (with_plan(services=[1]), "plans[0].services must be a list of strings"),
            (with_plan(outstanding_actions_at_closure=1), "outstanding_actions_at_closure must be true or false"),
            (request(siblings="2"), "siblings must be a whole number"),
            (request(siblings=True), "siblings must be a whole number"),
            (request(siblings=1.5), "siblings must be a whole number"),
            (request(siblings=-1), "siblings must be zero or more"),
            ([], "the input must be a JSON object"),
        ],
    )
    def test_bad_input_is_named(self, tmp_path, data, expected):
        assert expected in str(refusal(tmp_path, data))

    def test_invalid_json(self, tmp_path):
        assert "invalid JSON" in str(refusal(tmp_path, '{"on_date": '))

    def test_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="cannot read") as raised:
            call_command("assess", str(tmp_path / "absent.json"), stdout=io.StringIO())
        assert raised.value.returncode == 2

    def test_a_file_that_is_not_utf8(self, tmp_path):
        path = tmp_path / "latin1.json"
        path.write_bytes('{"on_date": "2024-01-01", "caf\xe9": 1}'.encode("latin-1"))

        with pytest.raises(CommandError, match="cannot read") as raised:
            call_command("assess", str(path), stdout=io.StringIO())
        assert raised.value.returncode == 2

    def test_a_message_carrying_a_newline_is_collapsed_to_one_line(self, tmp_path):
        error = refusal(tmp_path, with_plan(categories=["NE\nG"]))

        assert "unknown census codes NE G" in str(error)

    def test_nothing_is_printed_when_the_input_is_refused(self, tmp_path):
        out = io.StringIO()
        path = tmp_path / "request.json"
        path.write_text(json.dumps(with_plan(end=None)), encoding="utf-8")

        with pytest.raises(CommandError):
            call_command("assess", str(path), stdout=out)

        assert out.getvalue() == ""


def manage_assess(argument, stdin="", env_changes=None):
    env = {**os.environ, **(env_changes or {})}
    return subprocess.run(
        [sys.executable, "manage.py", "assess", argument],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
    )


class TestFromTheShell:
    def test_success_prints_only_json_and_exits_0(self):
        completed = manage_assess("-", json.dumps(SECOND_PLAN_REQUEST))

        assert completed.returncode == 0, completed.stderr
        assert json.loads(completed.stdout) == SECOND_PLAN_RESULT
        assert completed.stderr == ""

    def test_runs_without_a_reachable_database(self):
        completed = manage_assess(
            "-", json.dumps(SECOND_PLAN_REQUEST), {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/unreachable"}
        )

        assert completed.returncode == 0, completed.stderr
        assert json.loads(completed.stdout) == SECOND_PLAN_RESULT

    @pytest.mark.parametrize(
        ("stdin", "expected"),
        [
            (json.dumps(request(on_date="2025-13-01")), "on_date is not a real date"),
            (json.dumps(with_plan(categories=["NEG", "XYZ"])), "unknown census codes XYZ"),
            (
                json.dumps(
                    request(
                        plans=[
                            {"start": "2022-01-01", "end": "2022-09-02", "categories": ["NEG"]},
                            {"start": "2022-09-01", "end": "2023-03-01", "categories": ["NEG"]},
                        ]
                    )
                ),
                "Rule 8940",
            ),
            (json.dumps(with_plan(end=None)), "review conference, not a new request"),
            ("{not json", "invalid JSON"),
        ],
    )
    def test_bad_input_exits_2_with_one_line_on_stderr(self, stdin, expected):
        completed = manage_assess("-", stdin)

        assert completed.returncode == 2
        assert completed.stdout == ""
        lines = completed.stderr.splitlines()
        assert len(lines) == 1, completed.stderr
        assert expected in lines[0]

    def test_missing_file_exits_2_with_one_line_on_stderr(self, tmp_path):
        completed = manage_assess(str(tmp_path / "absent.json"))

        assert completed.returncode == 2
        assert completed.stdout == ""
        lines = completed.stderr.splitlines()
        assert len(lines) == 1, completed.stderr
        assert "cannot read" in lines[0]
