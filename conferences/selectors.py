"""Reading a request's facts in the shape the assessment takes.

The assessment itself (conferences/assessment.py) touches no database; this module is the only
bridge from the models to it.
"""

from datetime import date

from django.utils import timezone

from conferences.assessment import Assessment, AssessmentError, PlanRecord, Proposal, assess


def plan_records(child, started_before: date | None = None) -> list[PlanRecord]:
    """The child's plans as the assessment takes them; `started_before` leaves out later plans."""
    return [
        PlanRecord(
            start=plan.start_date,
            end=plan.end_date,
            categories=frozenset(plan.categories),
            factors=frozenset(plan.assessment_factors),
            services=frozenset(service.name for service in plan.services.all()),
            outstanding_actions_at_closure=plan.outstanding_actions_at_closure,
            core_group_actions_not_implemented=plan.core_group_actions_not_implemented,
            number_of_previous_plans=plan.declared_previous_plans,
        )
        for plan in child.plans.all()
        if started_before is None or plan.start_date < started_before
    ]


def proposal_of(request) -> Proposal:
    return Proposal(
        categories=frozenset(request.proposed_categories),
        factors=frozenset(request.proposed_factors),
        services=frozenset(service.name for service in request.proposed_services.all()),
    )


def assessment_date(request) -> date:
    """An open request is judged today; a closed one as it stood when it was submitted."""
    if request.is_open or request.submitted_at is None:
        return timezone.localdate()
    return timezone.localdate(request.submitted_at)


def assessment_for(request, on_date: date | None = None, siblings: int | None = None) -> Assessment:
    """The assessment of a request. Raises AssessmentError when the history breaks a rule.

    Lists pass `siblings` from a queryset annotation so that assessing many rows costs no query
    per row; otherwise the child's siblings on record are counted here.
    """
    child = request.child
    on_date = on_date or assessment_date(request)
    # A decided request is judged on the history it was decided on: the plan the conference
    # itself started (and any later one) is not part of it.
    started_before = None if request.is_open else on_date
    return assess(
        plan_records(child, started_before),
        proposal_of(request),
        on_date,
        siblings=child.siblings().count() if siblings is None else siblings,
    )


def try_assessment(
    request, on_date: date | None = None, siblings: int | None = None
) -> tuple[Assessment | None, str | None]:
    """For pages: the assessment, or the reason it cannot be made."""
    try:
        return assessment_for(request, on_date, siblings), None
    except AssessmentError as error:
        return None, str(error)


def request_version(request) -> int:
    """How many times the request's row has changed: every change is a row in its history (pghistory)."""
    return request.events.count()
