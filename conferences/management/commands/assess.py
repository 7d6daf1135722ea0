"""`manage.py assess FILE`: run the gatekeeping assessment on a JSON request, with no database.

For checking a child's history from a script or a census extract before anything is stored,
and as the reference for what the assessment derives. Input:

    {"on_date": "2025-06-01",
     "plans": [{"start": "2023-01-10", "end": "2024-02-01", "categories": ["NEG"], "factors": ["3B"],
                "services": ["parenting programme"], "outstanding_actions_at_closure": false,
                "core_group_actions_not_implemented": false, "number_of_previous_plans": 1}],
     "proposal": {"categories": ["NEG"], "factors": [], "services": []},
     "siblings": 0}

`number_of_previous_plans` (optional) is the census's NumberOfPreviousCPP for the plan: the plans
the child had before it, in any council. The output's `unrecorded_previous_plans` says how many
of the previous plans the census counts beyond those given.

Any bad input exits with status 2 and one line on stderr, so a script can report it as it stands.
"""

import json
import re
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from conferences.assessment import AssessmentError, PlanRecord, Proposal, assess

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_TOP_KEYS = {"on_date", "plans", "proposal", "siblings"}
_PLAN_KEYS = {
    "start",
    "end",
    "categories",
    "factors",
    "services",
    "outstanding_actions_at_closure",
    "core_group_actions_not_implemented",
    "number_of_previous_plans",
}
_PROPOSAL_KEYS = {"categories", "factors", "services"}


class BadInput(ValueError):
    """The JSON does not have the shape the command documents."""


def _object(value, where: str, allowed: set[str], required: set[str]) -> dict:
    # Unknown keys are refused, because a misspelt optional key ("factor") would otherwise be
    # ignored silently and the assessment would run on less than the user meant.
    if not isinstance(value, dict):
        raise BadInput(f"{where} must be a JSON object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise BadInput(f"{where} has unknown keys: {', '.join(unknown)}")
    missing = sorted(required - set(value))
    if missing:
        raise BadInput(f"{where} is missing {', '.join(missing)}")
    return value


def _date(value, where: str) -> date:
    # date.fromisoformat alone would also take "20240101" and week dates; the format is YYYY-MM-DD.
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise BadInput(f"{where} must be a date written YYYY-MM-DD, not {json.dumps(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise BadInput(f"{where} is not a real date ({value}): {error}") from None


def _strings(value, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadInput(f"{where} must be a list of strings")
    return frozenset(value)


def _flag(value, where: str) -> bool:
    if not isinstance(value, bool):
        raise BadInput(f"{where} must be true or false, not {json.dumps(value)}")
    return value


def _count(value, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadInput(f"{where} must be a whole number, 0 or more, not {json.dumps(value)}")
    return value


def parse_request(data) -> tuple[list[PlanRecord], Proposal, date, int]:
    """Turn the command's JSON into the assessment's arguments: (history, proposal, on_date, siblings)."""
    data = _object(data, "the input", _TOP_KEYS, {"on_date", "plans", "proposal"})
    on_date = _date(data["on_date"], "on_date")
    if not isinstance(data["plans"], list):
        raise BadInput("plans must be a list")
    history = []
    for index, raw in enumerate(data["plans"]):
        where = f"plans[{index}]"
        plan = _object(raw, where, _PLAN_KEYS, {"start", "categories"})
        end = plan.get("end")
        history.append(
            PlanRecord(
                start=_date(plan["start"], f"{where}.start"),
                end=None if end is None else _date(end, f"{where}.end"),
                categories=_strings(plan["categories"], f"{where}.categories"),
                factors=_strings(plan.get("factors", []), f"{where}.factors"),
                services=_strings(plan.get("services", []), f"{where}.services"),
                outstanding_actions_at_closure=_flag(
                    plan.get("outstanding_actions_at_closure", False), f"{where}.outstanding_actions_at_closure"
                ),
                core_group_actions_not_implemented=_flag(
                    plan.get("core_group_actions_not_implemented", False),
                    f"{where}.core_group_actions_not_implemented",
                ),
                number_of_previous_plans=_count(
                    plan.get("number_of_previous_plans"), f"{where}.number_of_previous_plans"
                ),
            )
        )
    raw_proposal = _object(data["proposal"], "proposal", _PROPOSAL_KEYS, {"categories"})
    proposal = Proposal(
        categories=_strings(raw_proposal["categories"], "proposal.categories"),
        factors=_strings(raw_proposal.get("factors", []), "proposal.factors"),
        services=_strings(raw_proposal.get("services", []), "proposal.services"),
    )
    siblings = data.get("siblings", 0)
    if isinstance(siblings, bool) or not isinstance(siblings, int):
        raise BadInput(f"siblings must be a whole number, not {json.dumps(siblings)}")
    return history, proposal, on_date, siblings


def assess_json(text: str | bytes) -> dict:
    """The command's whole job, for it and the API alike: JSON text in, the assessment as a dict out.

    Raises BadInput or AssessmentError, whose message (through `one_line`) is what both report.
    """
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise BadInput(f"invalid JSON: {error}") from None
    history, proposal, on_date, siblings = parse_request(data)
    return assess(history, proposal, on_date, siblings).to_dict()


def one_line(message: str) -> str:
    return " ".join(message.split())


class Command(BaseCommand):
    help = "Assess a proposed CP conference against the child's plan history (JSON in, JSON out; no database)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the request as JSON; - reads standard input")

    def handle(self, *args, **options):
        try:
            result = assess_json(self._read(options["file"]))
        except (BadInput, AssessmentError) as error:
            raise CommandError(one_line(str(error)), returncode=2) from None
        self.stdout.write(json.dumps(result, indent=2))

    def _read(self, path: str) -> str:
        try:
            if path == "-":
                return sys.stdin.read()
            with open(path, encoding="utf-8") as file:
                return file.read()
        except (OSError, UnicodeDecodeError) as error:
            raise BadInput(f"cannot read {'standard input' if path == '-' else path}: {error}") from None
