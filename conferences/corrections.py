"""Correcting a fact or date recorded on a request, afterwards, with a reason (issue 10, item 5).

Declared in conferences/actions.py (`CORRECTIONS`: what each corrects and who may). One durable
transaction each: the request is locked and must be the version the person saw; the correction is
saved under a history context that carries the reason, so the request's history (pghistory) keeps the
original and the corrected row, and one audit event keeps the reason with both values. A correction
does not move the request: it puts the record right.
"""

from dataclasses import dataclass
from datetime import date, datetime

import pghistory

from audit.services import changed, record_event, snapshot
from conferences.actions import CORRECTIONS
from conferences.dates import date_problems_of
from conferences.errors import ActionRefused, NotPermitted
from conferences.models import SCREENING_TIMESCALE_WEEKS, ConferenceRequest
from conferences.transitions import locked_request

_TEXT_NEEDED = {
    "analysis_time_since": "Write the analysis of the time since the previous plan ended.",
    "analysis_plan_length": "Write the analysis of the length of the previous plan.",
    "analysis_risks": "Write the analysis of whether the risks are the same or new.",
    "analysis_services": "Write the analysis of the services.",
    "screening_difference": "Write the difference the plan will make compared with alternatives.",
    "cp_manager_consultation": "Write the consultation with the CP Manager.",
}


def _problems(request, values) -> dict[str, list[str]]:
    problems = {field: [text] for field, text in _TEXT_NEEDED.items() if field in values and not values[field]}
    if "screening_timescale_weeks" in values:
        weeks, allowed = values["screening_timescale_weeks"], SCREENING_TIMESCALE_WEEKS
        if weeks not in allowed:
            problems["screening_timescale_weeks"] = [
                f"The timescale must be between {allowed[0]} and {allowed[-1]} weeks."
            ]
    if "conference_held_on" in values:
        held_on = values["conference_held_on"]
        if held_on is None:
            problems["conference_held_on"] = ["Enter the date the conference was held."]
        else:  # the same rules as when it was recorded (conferences/dates.py)
            typed = {"conference_held_on": held_on}
            problems.update({field: [text] for field, text in date_problems_of(request, typed).items()})
    return problems


def _recorded(request, correction) -> bool:
    return any(getattr(request, field) not in (None, "") for field in correction.fields)


def correct_request(request_id, user, name, *, values: dict, reason: str, expected_version=None) -> ConferenceRequest:
    """Correct one declared fact of a request. Raises NotPermitted, or ActionRefused naming each problem."""
    correction = CORRECTIONS[name]
    values = {field: value.strip() if isinstance(value, str) else value for field, value in values.items()}
    if set(values) != set(correction.fields):
        raise ValueError(f"{name} corrects {', '.join(correction.fields)}")
    with locked_request(request_id, expected_version=expected_version) as request:
        with pghistory.context(user=user.pk, action=correction.event, reason=reason.strip()):
            refusal = correction.refusal(user, request)
            if refusal:
                raise NotPermitted(refusal)
            if not _recorded(request, correction):
                raise ActionRefused("Nothing has been recorded here yet, so there is nothing to correct.")
            field_errors = _problems(request, values)
            if not reason.strip():
                field_errors["reason"] = ["Give the reason for the correction."]
            if field_errors:
                raise ActionRefused(
                    [problem for problems in field_errors.values() for problem in problems], field_errors=field_errors
                )
            before = snapshot(request, values)
            for field, value in values.items():
                setattr(request, field, value)
            old, new = changed(before, snapshot(request, values))
            if not new:
                raise ActionRefused("Nothing was changed: change the record, or cancel.")
            request.save(update_fields=list(values))
            record_event(
                user,
                correction.event,
                request=request,
                description=reason.strip(),
                before=old,
                after=new,
                state_before=request.state,
                state_after=request.state,
            )
            return request


@dataclass(frozen=True)
class Corrected:
    """One correction as the request page shows it: each changed fact as it was and as corrected."""

    title: str
    at: datetime
    by: str
    reason: str
    changes: list[tuple[str, str, str]]  # (what, before the correction, corrected)


def _shown(field: str, value) -> str:
    if value in (None, ""):
        return "(empty)"
    if field == "conference_held_on":
        return f"{date.fromisoformat(value):%-d %B %Y}"
    return str(value)


def _label(field: str) -> str:
    label = str(ConferenceRequest._meta.get_field(field).verbose_name)
    return label[:1].upper() + label[1:]


def corrections_of(trail) -> list[Corrected]:
    """The corrections in a request's trail (its AuditEvents with their actors, oldest first), which keeps
    the reason and both values of each."""
    by_event = {correction.event: correction for correction in CORRECTIONS.values()}
    events = [event for event in trail if event.action in by_event]
    return [
        Corrected(
            title=by_event[event.action].title,
            at=event.at,
            by=(event.actor.get_full_name() or event.actor.username) if event.actor_id else "Someone",
            reason=event.description,
            changes=[
                (_label(field), _shown(field, event.before.get(field)), _shown(field, now))
                for field, now in event.after.items()
            ],
        )
        for event in events
    ]


def corrections_open_to(user, request) -> list:
    """The corrections this person may make on this request now: facts already recorded, that they may correct."""
    return [
        correction
        for correction in CORRECTIONS.values()
        if _recorded(request, correction) and correction.refusal(user, request) is None
    ]
