"""When a child's CP plan history changes after a request was submitted (DESIGN.md section 4).

The record a decision rests on cannot move under it unseen. Every change to a child's plans (a
correction, a plan added, a census return) is announced by cases inside its own transaction
(cases.signals.plan_history_changed); here, in that same transaction, each of the child's submitted
open requests is marked with what changed and assessed again, the trail keeps the assessment before
and after, and the people acting on the request are told (the trail event's notice, through
notifications). The request then goes no further until a CP chair confirms the prior-plan check again
(conferences/actions.py), and from then on rests on the stricter of the two assessments.
"""

import pghistory
from django.utils import timezone

from audit.services import record_event
from conferences.actions import HISTORY_CHANGED
from conferences.assessment import AssessmentError
from conferences.models import ConferenceRequest
from conferences.selectors import gating_assessment
from conferences.stages import OPEN_STATES

# What the trail shows of the assessment before and after the change: the facts the gates follow from.
_GATE_FACTS = ("plan_number", "previous_plans", "within_12_months", "close_scrutiny", "required_steps")


def _gate_facts(assessment: dict) -> dict:
    return {name: assessment[name] for name in _GATE_FACTS if name in assessment}


def mark_requests(child, user, change: str) -> list[ConferenceRequest]:
    """Mark the child's submitted open requests: the history they rest on changed. Runs in the caller's
    transaction (the one that changed the plans) and returns the requests marked."""
    return mark_requests_of([(child, change)], user)


def mark_requests_of(changes: list[tuple[object, str]], user) -> list[ConferenceRequest]:
    """`mark_requests` for many children at once, each (child, change): one look-up for them all."""
    change_of = {child.pk: change for child, change in changes}
    marked = []
    requests = ConferenceRequest.objects.select_for_update().filter(
        child__in=list(change_of), state__in=OPEN_STATES, submitted_at__isnull=False
    )
    for request in requests:
        change = change_of[request.child_id]
        with pghistory.context(user=user.pk if user else None, action=HISTORY_CHANGED.event):
            before = _gate_facts(request.assessed_at_submission)
            try:
                after = _gate_facts(gating_assessment(request).to_dict())
            except AssessmentError as error:
                after = {"problem": f"The child's plan history cannot be assessed: {error}"}
            request.history_changed_at = timezone.now()
            request.history_change = change
            request.save(update_fields=["history_changed_at", "history_change"])
            record_event(
                user,
                HISTORY_CHANGED.event,
                request=request,
                description=change,
                state_before=request.state,
                state_after=request.state,
                before=before,
                after=after,
            )
        marked.append(request)
    return marked
