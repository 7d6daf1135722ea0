"""Who is told what, and telling them. The ONE place that decides recipients.

When a request or a challenge enters a stage, the people who must act next are told (`who_to_notify`),
the worker is told of every decision and return, and nobody is told of what they did themselves.
Reminders go to whoever must act at the stage now (`responsible_for`), and escalate up a chain of
managers when overdue (`escalation_for`).

A notification is a row (shown in the app) and, for the kinds that cannot wait, an email sent at
once; reminders are gathered into one email per person a day (`send_digest`). Each row has a
unique dedupe key and `emailed_at`, and each email is sent under a lock on its row(s), so a task
that runs twice, or two workers at once, send nothing twice.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conferences import timescales
from conferences.models import ChallengeState, State
from conferences.selectors import try_assessment
from conferences.transitions import ACTIONS
from notifications.models import DIGEST_KINDS, Kind, Notification
from people.roles import AREA_ROLES, Role

User = get_user_model()

# Decisions about a request: the worker who asked is told of each one.
DECISIONS = {
    "proceed",
    "choose_alternative_route",
    "return_for_information",
    "decline",
    "accept",
    "agree",
    "refuse",
    "record_conference",
    "withdraw",
}
REQUEST_TRANSITIONS = set(ACTIONS)
CHALLENGE_ACTIONS = {"issue_challenge", "respond_challenge", "resolve_challenge", "escalate_challenge"}
NOTIFIED_ACTIONS = REQUEST_TRANSITIONS | CHALLENGE_ACTIONS

# Stages whose entry is news for the worker (a decision, a return, or the end of the road).
WORKER_TOLD_ON_ENTERING = {
    State.READY_TO_CONVENE,
    State.DECLINED,
    State.CLOSED_ALTERNATIVE_ROUTE,
    State.DRAFT,
    State.CONVENED,
    State.WITHDRAWN,
}

DECISION_TEXT = {
    "confirm_no_previous_plan": "had its prior-plan check confirmed: no previous CP plan was found",
    "proceed": "went forward after the manager discussion",
    "choose_alternative_route": "was closed: the manager chose an alternative route",
    "return_for_information": "was returned to you for more information",
    "decline": "was declined by the CP chair",
    "accept": "was accepted by the CP chair",
    "agree": "was agreed by the Head of Service",
    "refuse": "was refused by the Head of Service",
    "record_conference": "has its conference recorded as held",
    "withdraw": "was withdrawn",
}

ACTION_TEXT = {
    State.MANAGER_DISCUSSION: "needs your manager discussion: the child has had a CP plan before. Record the "
    "alternatives considered and your rationale",
    State.CPC_SCREENING: "is ready for CP chair screening",
    State.HEAD_OF_SERVICE_SIGNOFF: "is a third or later plan and needs the Head of Service's agreement or refusal",
}

# Who is told first when two reasons name the same person.
_KIND_ORDER = [Kind.ACTION_NEEDED, Kind.DECISION, Kind.INFORMATION]


class Recipient(NamedTuple):
    user: User
    kind: str


# --- The people -------------------------------------------------------------------------------


def _people(condition: Q) -> list:
    return list(User.objects.filter(condition, is_active=True, staff__isnull=False).order_by("pk"))


def _in_area(area) -> Q:
    """Area staff hold their area directly, or through their team when they have no area of their own."""
    return Q(staff__service_area=area) | Q(staff__service_area__isnull=True, staff__team__service_area=area)


def area_managers(request) -> list:
    """The Area and Service Managers of the service area of the child's team."""
    team = request.child.team
    return _people(Q(staff__role__in=AREA_ROLES) & _in_area(team.service_area)) if team else []


def service_managers(request) -> list:
    team = request.child.team
    return _people(Q(staff__role=Role.SERVICE_MANAGER) & _in_area(team.service_area)) if team else []


def team_managers(request) -> list:
    team = request.child.team
    return _people(Q(staff__role=Role.TEAM_MANAGER, staff__team=team)) if team else []


def holders_of(role: Role) -> list:
    return _people(Q(staff__role=role))


def workers(request) -> list:
    """The worker who made the request: who submitted it, and who created it if someone else."""
    ids = {request.created_by_id, request.submitted_by_id} - {None}
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _close_scrutiny(request) -> bool:
    assessment, _ = try_assessment(request)
    return bool(assessment and assessment.close_scrutiny)


# --- Who is told of a transition --------------------------------------------------------------


def who_to_notify(request, transition: str, *, entered: str | None = None, challenge=None, actor=None):
    """The people told when `transition` (an audit action name) has happened, each once, with why.

    `entered` is the stage the request entered (the audit event's state_after; the request's state
    by default). The person who acted is never told of their own action.
    """
    if transition in CHALLENGE_ACTIONS:
        found = _challenge_recipients(request, transition, challenge)
    elif transition in REQUEST_TRANSITIONS:
        found = _request_recipients(request, transition, entered or request.state)
    else:
        found = []
    return _once_each(found, actor)


def _request_recipients(request, transition, entered) -> list[Recipient]:
    found = []
    if entered == State.MANAGER_DISCUSSION:
        found += [Recipient(user, Kind.ACTION_NEEDED) for user in area_managers(request)]
    elif entered == State.CPC_SCREENING:
        found += [Recipient(user, Kind.ACTION_NEEDED) for user in holders_of(Role.CP_CHAIR)]
        if _close_scrutiny(request):
            found += [Recipient(user, Kind.INFORMATION) for user in holders_of(Role.CP_MANAGER)]
    elif entered == State.HEAD_OF_SERVICE_SIGNOFF:
        found += [Recipient(user, Kind.ACTION_NEEDED) for user in holders_of(Role.HEAD_OF_SERVICE)]
    if entered in WORKER_TOLD_ON_ENTERING or transition in DECISIONS:
        found += [Recipient(user, Kind.DECISION) for user in workers(request)]
    return found


def _challenge_recipients(request, transition, challenge) -> list[Recipient]:
    if transition == "issue_challenge":
        return [Recipient(user, Kind.ACTION_NEEDED) for user in team_managers(request)]
    if transition == "respond_challenge":
        return [Recipient(challenge.issued_by, Kind.ACTION_NEEDED)] if challenge.issued_by.is_active else []
    answering = team_managers(request)
    if challenge.responded_by_id and challenge.responded_by not in answering:
        answering.append(challenge.responded_by)
    found = [Recipient(user, Kind.DECISION) for user in answering]
    if transition == "escalate_challenge":
        found += [Recipient(user, Kind.INFORMATION) for user in holders_of(Role.HEAD_OF_SERVICE)]
    return found


def _once_each(found: list[Recipient], actor) -> list[Recipient]:
    best: dict[int, Recipient] = {}
    for recipient in found:
        if actor is not None and recipient.user.pk == actor.pk:
            continue
        held = best.get(recipient.user.pk)
        if held is None or _KIND_ORDER.index(recipient.kind) < _KIND_ORDER.index(held.kind):
            best[recipient.user.pk] = recipient
    return [best[pk] for pk in sorted(best)]


# --- Who must act now, and who is next up -----------------------------------------------------


@dataclass
class Responsible:
    """Who must act at a stage now, and the managers above them, nearest first (empty levels left out)."""

    people: list
    chain: list[list] = field(default_factory=list)

    def __post_init__(self):
        acting = {user.pk for user in self.people}
        levels = [[user for user in level if user.pk not in acting] for level in self.chain]
        self.chain = [level for level in levels if level]


def responsible_for(request) -> Responsible:
    """Who must act on an open request at its stage, and the escalation chain above them."""
    heads = holders_of(Role.HEAD_OF_SERVICE)
    if request.state in {State.DRAFT, State.PRIOR_PLAN_CHECK}:
        return Responsible(workers(request), [team_managers(request), service_managers(request), heads])
    if request.state == State.MANAGER_DISCUSSION:
        return Responsible(area_managers(request), [heads])
    if request.state in {State.CPC_SCREENING, State.READY_TO_CONVENE}:
        return Responsible(holders_of(Role.CP_CHAIR), [holders_of(Role.CP_MANAGER), heads])
    if request.state == State.HEAD_OF_SERVICE_SIGNOFF:
        return Responsible(heads)
    return Responsible([])


def responsible_for_challenge(challenge) -> Responsible:
    """Issued: the answering team manager must respond; responded: the CP chair who issued it must close it."""
    request = challenge.request
    heads = holders_of(Role.HEAD_OF_SERVICE)
    if challenge.state == ChallengeState.ISSUED:
        return Responsible(team_managers(request), [service_managers(request), heads])
    if challenge.state == ChallengeState.RESPONDED:
        chair = [challenge.issued_by] if challenge.issued_by.is_active else holders_of(Role.CP_CHAIR)
        return Responsible(chair, [holders_of(Role.CP_MANAGER), heads])
    return Responsible([])


def escalation_for(responsible: Responsible, overdue_by: int, after: int) -> tuple[int, list]:
    """Overdue by more than `after` working days: the next manager up; by more than twice that, the next.

    Returns the level reached (0 for none) and the people at it; the top of the chain holds.
    """
    if not responsible.chain:
        return 0, []
    level = min((overdue_by - 1) // max(after, 1), len(responsible.chain))
    return (level, responsible.chain[level - 1]) if level else (0, [])


# --- Messages and links -----------------------------------------------------------------------


def request_url(request) -> str:
    return reverse("conferences:request_detail", args=[request.pk])


def challenge_url(challenge) -> str:
    return f"{request_url(challenge.request)}#challenge-{challenge.pk}"


def subject_of(request) -> str:
    """How a request is named in messages: by number and local child ID, never the child's name by email."""
    return f"Request {request.pk} (child {request.child.local_child_id})"


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def transition_message(request, transition, kind, *, entered, challenge=None) -> str:
    subject = subject_of(request)
    if transition in CHALLENGE_ACTIONS:
        return _challenge_message(subject, transition, challenge)
    if kind == Kind.INFORMATION:
        return (
            f"{subject} is at CP chair screening and needs your close scrutiny: the previous plan ended "
            "within 12 months and the concerns are similar."
        )
    if kind == Kind.ACTION_NEEDED:
        text = f"{subject} {ACTION_TEXT[entered]}."
        deadline = timescales.current_deadline(request)
        if deadline:
            text += f" Due by {long_date(deadline.due)} ({deadline.summary.lower()})."
        return text
    return f"{subject} {DECISION_TEXT.get(transition, 'moved on')}. It is now at '{State(entered).label}'."


def _challenge_message(subject, transition, challenge) -> str:
    named = f"The challenge and resolution on {subject.lower()}"
    due = timescales.challenge_due_dates(challenge)
    if transition == "issue_challenge":
        return f"{named} needs the team manager's response by {long_date(due.response)}."
    if transition == "respond_challenge":
        return f"{named} has a response. Resolve or escalate it by {long_date(due.resolution)}."
    if transition == "resolve_challenge":
        return f"{named} was resolved."
    return f"{named} was escalated."


# --- Recording and sending --------------------------------------------------------------------


def record(*, recipient, kind, message, url, dedupe_key, request=None, challenge=None) -> tuple[Notification, bool]:
    """The notification with this key, and whether it is new: running the same work twice records it once."""
    return Notification.objects.get_or_create(
        dedupe_key=dedupe_key[:200],
        defaults={
            "recipient": recipient,
            "kind": kind,
            "message": message,
            "url": url,
            "request": request,
            "challenge": challenge,
        },
    )


def notify_audit_event(event_id: int) -> int:
    """Tell the right people of one recorded action. Returns the number of emails sent by this call."""
    event = (
        AuditEvent.objects.select_related("request__child__team", "challenge__issued_by", "actor")
        .filter(pk=event_id, action__in=NOTIFIED_ACTIONS, request__isnull=False)
        .first()
    )
    if event is None:
        return 0
    request, challenge = event.request, event.challenge
    entered = event.state_after if event.action in REQUEST_TRANSITIONS and event.state_after else request.state
    url = challenge_url(challenge) if challenge else request_url(request)
    notifications = [
        record(
            recipient=recipient.user,
            kind=recipient.kind,
            message=transition_message(request, event.action, recipient.kind, entered=entered, challenge=challenge),
            url=url,
            dedupe_key=f"event:{event.pk}:{recipient.user.pk}",
            request=request,
            challenge=challenge,
        )[0]
        for recipient in who_to_notify(request, event.action, entered=entered, challenge=challenge, actor=event.actor)
    ]
    return sum(email_now(notification.pk) for notification in notifications)


def email_now(notification_id: int) -> bool:
    """Email one notification unless it has gone already (or another worker is sending it now)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "request__child")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        context = {"notification": notification, "recipient": notification.recipient}
        about = subject_of(notification.request) if notification.request_id else notification.message[:80]
        send_mail(
            f"{notification.get_kind_display()}: {about}",
            render_to_string("notifications/email/notification.txt", context),
            None,
            [notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        return True


def pending_digest_recipients() -> list[int]:
    """People with reminders not yet emailed (and an address to email them to)."""
    return list(
        Notification.objects.filter(emailed_at__isnull=True, kind__in=DIGEST_KINDS)
        .exclude(recipient__email="")
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def send_digest(user_id: int, on: date) -> int:
    """One email with all of a person's reminders not yet emailed. Returns how many it listed."""
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(recipient_id=user_id, emailed_at__isnull=True, kind__in=DIGEST_KINDS)
            .order_by("request_id", "created_at", "pk")
        )
        if not pending or not pending[0].recipient.email:
            return 0
        recipient = pending[0].recipient
        count = f"{len(pending)} item" if len(pending) == 1 else f"{len(pending)} items"
        send_mail(
            f"Your gatekeeping reminders for {long_date(on)}: {count}",
            render_to_string(
                "notifications/email/digest.txt",
                {"recipient": recipient, "notifications": pending, "on": long_date(on)},
            ),
            None,
            [recipient.email],
        )
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
        return len(pending)
