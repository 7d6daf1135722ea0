"""Reading a request's facts in the shape the assessment takes.

The assessment itself (conferences/assessment.py) touches no database; this module is the only
bridge from the models to it.
"""

from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from conferences.assessment import Assessment, AssessmentError, PlanRecord, Proposal, assess, stricter


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


def with_sibling_counts(queryset):
    """Each request's child's siblings on record, counted in the same query (the assessment needs the number)."""
    from cases.models import Child

    siblings = (
        Child.objects.filter(family_id=OuterRef("child__family_id"))
        .exclude(pk=OuterRef("child_id"))
        .order_by()
        .values("family_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(sibling_count=Coalesce(Subquery(siblings, output_field=IntegerField()), Value(0)))


def assessment_for(request, on_date: date | None = None, siblings: int | None = None) -> Assessment:
    """The assessment of a request. Raises AssessmentError when the history breaks a rule.

    The child's siblings on record are `siblings`, else the count a queryset read with the request
    (with_sibling_counts), so that assessing it again or assessing many rows costs no query; else
    they are counted here.
    """
    if siblings is None:
        siblings = getattr(request, "sibling_count", None)
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


def gating_assessment(request) -> Assessment:
    """The assessment whose required steps gate an open request: today's, with every gate of the
    assessment it was submitted on kept (conferences.assessment.stricter). Raises AssessmentError."""
    current = assessment_for(request)
    return stricter(current, request.assessed_at_submission) if request.is_open else current


def try_assessment(
    request, on_date: date | None = None, siblings: int | None = None
) -> tuple[Assessment | None, str | None]:
    """For pages: the assessment, or the reason it cannot be made."""
    try:
        return assessment_for(request, on_date, siblings), None
    except AssessmentError as error:
        return None, str(error)


def request_version(request) -> int:
    """The version of the request a person (or an API client) saw: raised by trigger on every change to
    the request or to a fact recorded beside it (conferences/models.py), so it is read from the row."""
    from conferences.models import ConferenceRequest

    return ConferenceRequest.objects.values_list("version", flat=True).get(pk=request.pk)


# Fields that change with every save or say nothing a person decides on.
_NOT_SHOWN_AS_CHANGES = {"id", "version", "stage_entered_at", "child", "created_by", "created_at"}


def _shown(request, field, value):
    if value in (None, "", []):
        return "(empty)"
    if field.choices and not isinstance(value, list):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, list):
        choices = dict(field.base_field.choices or []) if hasattr(field, "base_field") else {}
        return ", ".join(str(choices.get(item, item)) for item in value)
    return str(value)


def changes_since(request, seen_version: int) -> list[tuple[str, str, str]]:
    """What differs between the version a person saw and the request now: (what, then, now).

    The versions are kept in the request's history (pghistory), so the version seen is read back
    from there; facts recorded beside the request (services, siblings, challenges) appear as the
    audit events written since.
    """
    from audit.models import AuditEvent

    # The declarations read the requirements, which read this module: imported here, not at the top.
    from conferences.actions import CHALLENGE_STEPS, action_in_words
    from conferences.models import ConferenceRequest

    step_events = {step.event for step in CHALLENGE_STEPS.values()}

    events = ConferenceRequest.pgh_event_model.objects.filter(pgh_obj_id=request.pk)
    seen = events.filter(version=seen_version).order_by("-pgh_id").first()
    if seen is None:
        return [("The request", f"version {seen_version}", f"version {request.version}")]
    changes = []
    for field in ConferenceRequest._meta.concrete_fields:
        if field.name in _NOT_SHOWN_AS_CHANGES:
            continue
        then, now = getattr(seen, field.attname), getattr(request, field.attname)
        if then != now:
            label = str(field.verbose_name)
            changes.append((label[:1].upper() + label[1:], _shown(request, field, then), _shown(request, field, now)))
    later = events.filter(version__gt=seen_version).order_by("pgh_id").first()
    since = (
        AuditEvent.objects.filter(request=request, at__gte=later.pgh_created_at).select_related("actor")
        if later
        else []
    )
    for event in since:
        who = (event.actor.get_full_name() or event.actor.username) if event.actor_id else "Someone"
        if event.action.startswith("record_") and event.action[len("record_") :] in (
            "proposed_services",
            "service_rationale",
            "sibling_decision",
        ):
            changes.append((event.action[len("record_") :].replace("_", " ").capitalize(), "", f"recorded by {who}"))
        elif event.action in step_events:
            # A step of a challenge writes one answer: shown in full, as the person may be answering it.
            (text,) = event.after.values()
            changes.append((action_in_words(event.action), "", f"{text}\n({who})"))
    return changes
