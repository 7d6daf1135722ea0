"""The daily sweep: what is due tomorrow, due today or overdue, and who is reminded of it.

Run once a working day (Celery beat, or `manage.py send_reminders`). Every clock comes from
conferences/timescales.py and every person from notifications/services.py. Each reminder's dedupe
key names the day, so the sweep can run twice in a day and remind once; an escalation's names the
level reached, so each manager up the chain is told once per deadline, not every day.
"""

from collections import Counter
from datetime import date

from django.conf import settings

from conferences import timescales
from conferences.models import Challenge, ConferenceRequest, ProposedService
from conferences.stages import OPEN_CHALLENGE_STATES, OPEN_STATES
from notifications import services
from notifications.models import Kind

STATUS_KINDS = {
    timescales.DUE_TOMORROW: Kind.DUE_TOMORROW,
    timescales.DUE_TODAY: Kind.DUE_TODAY,
    timescales.OVERDUE: Kind.OVERDUE,
}


def run(today: date) -> dict:
    """Record today's reminders and escalations. Returns how many of each kind were new ("made")."""
    if not timescales.is_working_day(today):
        return {"date": today.isoformat(), "working_day": False}
    made = Counter()
    for request in _open_requests():
        responsible = services.responsible_for(request)
        for deadline in timescales.deadlines(request, today):
            _remind(
                made,
                deadline,
                responsible,
                key=f"request:{request.pk}",
                request=request,
                url=services.request_url(request),
                about=services.subject_of(request),
            )
    for challenge in _open_challenges():
        deadline = timescales.challenge_deadline(challenge, today)
        if deadline:
            about = f"The challenge and resolution on {services.subject_of(challenge.request).lower()}"
            _remind(
                made,
                deadline,
                services.responsible_for_challenge(challenge),
                key=f"challenge:{challenge.pk}",
                request=challenge.request,
                challenge=challenge,
                url=services.challenge_url(challenge),
                about=about,
            )
    for service in _provision_gaps():
        _remind_gap(made, service, today)
    return {"date": today.isoformat(), "working_day": True, "made": {str(kind): made[kind] for kind in sorted(made)}}


def _open_requests():
    return ConferenceRequest.objects.filter(state__in=OPEN_STATES).select_related(
        "child__team__service_area", "created_by", "submitted_by"
    )


def _open_challenges():
    return Challenge.objects.filter(state__in=OPEN_CHALLENGE_STATES, request__state__in=OPEN_STATES).select_related(
        "request__child__team", "issued_by"
    )


def _provision_gaps():
    return (
        ProposedService.objects.filter(request__state__in=OPEN_STATES)
        .exclude(provision_gap="")
        .select_related("request__child", "gap_owner")
    )


def _remind(made, deadline, responsible, *, key, url, about, request, challenge=None):
    kind = STATUS_KINDS.get(deadline.status)
    if kind is None:
        return
    deadline_key = f"{key}:{deadline.name}:{deadline.due.isoformat()}"
    message = f"{about}: {deadline.label.lower()} {_when(deadline)}."
    for user in responsible.people:
        _record(made, kind, user, message, url, f"{kind}:{deadline.today}:{deadline_key}:{user.pk}", request, challenge)
    if kind != Kind.OVERDUE:
        return
    level, managers = services.escalation_for(responsible, -deadline.remaining, settings.ESCALATE_AFTER_WORKING_DAYS)
    escalated = f"{message} It is escalated to you as the next manager up."
    for user in managers:
        _record(
            made,
            Kind.ESCALATION,
            user,
            escalated,
            url,
            f"escalation:{level}:{deadline_key}:{user.pk}",
            request,
            challenge,
        )


def _when(deadline) -> str:
    due = services.long_date(deadline.due)
    if deadline.status == timescales.DUE_TOMORROW:
        return f"is due by the end of the next working day, {due}"
    if deadline.status == timescales.DUE_TODAY:
        return f"is due today, {due}"
    return f"was due on {due} and is {deadline.summary}"


def _remind_gap(made, service, today):
    """R7: a gap in provision needs an owner and a date; once it has both, the owner is reminded as it falls due."""
    request = service.request
    url = services.request_url(request)
    about = f"{services.subject_of(request)}, the gap in provision for '{service.name}'"
    if service.gap_owner_id is None or service.gap_resolve_by is None:
        message = f"{about} has no owner or no date to resolve it by. Record who will resolve it and by when."
        for user in services.workers(request):
            _record(made, Kind.PROVISION_GAP, user, message, url, f"gap:{today}:{service.pk}:{user.pk}", request)
        return
    deadline = timescales.Deadline(
        "provision_gap", "Resolving it", service.gap_resolve_by, 0, service.gap_resolve_by, today
    )
    _remind(
        made,
        deadline,
        services.Responsible([service.gap_owner]),
        key=f"gap:{service.pk}",
        url=url,
        about=about,
        request=request,
    )


def _record(made, kind, user, message, url, dedupe_key, request, challenge=None):
    _, created = services.record(
        recipient=user,
        kind=kind,
        message=message,
        url=url,
        dedupe_key=dedupe_key,
        request=request,
        challenge=challenge,
    )
    if created:
        made[kind] += 1
