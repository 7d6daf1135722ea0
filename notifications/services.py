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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conferences import actions, stages, timescales
from conferences.selectors import try_assessment
from notifications.models import DIGEST_KINDS, Kind, Notification

User = get_user_model()

# The events that tell people, as the actions' declarations say (conferences/actions.py).
REQUEST_TRANSITIONS = actions.REQUEST_EVENTS
CHALLENGE_ACTIONS = actions.CHALLENGE_EVENTS
NOTICES = actions.NOTICES
NOTIFIED_ACTIONS = actions.NOTIFIED_EVENTS

# Who is told first when two reasons name the same person.
_KIND_ORDER = [Kind.ACTION_NEEDED, Kind.DECISION, Kind.INFORMATION]


class Recipient(NamedTuple):
    user: User
    kind: str


# --- The people (conferences/stages.py says who they are for each stage) ---------------------


def workers(request) -> list:
    """The worker who made the request: who submitted it, and who created it if someone else."""
    return stages.CASE_HOLDERS.people(request)


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
    elif transition in NOTICES:
        found = _notice_recipients(request, NOTICES[transition])
    elif transition in REQUEST_TRANSITIONS:
        found = _request_recipients(request, transition, entered or request.state)
    else:
        found = []
    return _once_each(found, actor)


def _request_recipients(request, transition, entered) -> list[Recipient]:
    """Whoever acts at the stage entered, when it says so; the CP Manager on close scrutiny; then the
    declaration's own (the worker, of a decision)."""
    stage = stages.STAGES[entered]
    found = []
    if stage.told_on_entry:
        found += [Recipient(user, Kind.ACTION_NEEDED) for user in stage.acting.people(request)]
    if stage.close_scrutiny_told and _close_scrutiny(request):
        found += [Recipient(user, Kind.INFORMATION) for user in stage.close_scrutiny_told.people(request)]
    return found + _told(actions.ACTIONS[transition].tells, request)


def _notice_recipients(request, notice) -> list[Recipient]:
    """Whoever acts at the request's stage now, for information; then the notice's own."""
    stage = stages.STAGES[request.state]
    acting = stage.acting.people(request) if stage.acting else []
    return [Recipient(user, Kind.INFORMATION) for user in acting] + _told(notice.tells, request)


def _challenge_recipients(request, transition, challenge) -> list[Recipient]:
    declared = actions.declaration_of(transition)
    entered = declared.opens if isinstance(declared, actions.Record) else declared.target
    stage = stages.CHALLENGE_STAGES[entered]
    found = []
    if stage.told_on_entry:
        found += [Recipient(user, Kind.ACTION_NEEDED) for user in stage.acting.people(request, challenge)]
    return found + _told(declared.tells, request, challenge)


def _told(tells, request, challenge=None) -> list[Recipient]:
    return [Recipient(user, Kind(tell.why)) for tell in tells for user in tell.party.people(request, challenge)]


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


def _responsible(stage, request, challenge=None) -> Responsible:
    if stage is None or not stage.is_open:
        return Responsible([])
    return Responsible(
        stage.acting.people(request, challenge), [party.people(request, challenge) for party in stage.escalation]
    )


def responsible_for(request) -> Responsible:
    """Who must act on an open request at its stage, and the escalation chain above them."""
    return _responsible(stages.STAGES.get(request.state), request)


def responsible_for_challenge(challenge) -> Responsible:
    """Issued: the answering team manager must respond; responded: the CP chair who issued it must close it."""
    return _responsible(stages.CHALLENGE_STAGES.get(challenge.state), challenge.request, challenge)


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
    """How a request is named in messages: by number, the child's name and local ID, so nobody has to look it up."""
    return f"Request {request.pk} for {request.child.full_name} ({request.child.local_child_id})"


def reference_of(request) -> str:
    """How a request is named in an email's subject line, which shows on lock screens: no name."""
    return f"Request {request.pk} (child {request.child.local_child_id})"


def where_it_is(stage) -> str:
    """The stage a request is at and, while it is open, who acts on it next."""
    if not stage.is_open:
        return f"It is now at '{stage.label}'."
    return f"It is now at '{stage.label}', for {stage.acting.words} to act on next."


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def transition_message(request, transition, kind, *, entered, challenge=None) -> str:
    subject = subject_of(request)
    if transition in CHALLENGE_ACTIONS:
        return _challenge_message(subject, transition, kind, challenge)
    if transition in NOTICES:
        tells = NOTICES[transition].tells
        return f"{subject} {_words(tells, kind) or _words(tells, Kind.INFORMATION)}."
    stage = stages.STAGES[entered]
    if kind == Kind.INFORMATION:
        return (
            f"{subject} is at {stage.label} and needs your close scrutiny: the previous plan ended "
            "within 12 months and the concerns are similar."
        )
    if kind == Kind.ACTION_NEEDED:
        text = f"{subject} {stage.told_on_entry}."
        deadline = timescales.current_deadline(request)
        if deadline:
            text += f" Due by {long_date(deadline.due)} ({deadline.summary.lower()})."
        return text
    told = _words(actions.ACTIONS[transition].tells, kind) or "moved on"
    return f"{subject} {told}. {where_it_is(stage)}"


def _words(tells, kind) -> str:
    return next((tell.text for tell in tells if tell.why == kind), "")


def _challenge_message(subject, transition, kind, challenge) -> str:
    named = f"The challenge and resolution on {subject.lower()}"
    declared = actions.declaration_of(transition)
    if kind == Kind.ACTION_NEEDED:
        due = timescales.challenge_due_dates(challenge)
        entered = declared.opens if isinstance(declared, actions.Record) else declared.target
        told = stages.CHALLENGE_STAGES[entered].told_on_entry
        return f"{named} {told.format(response=long_date(due.response), resolution=long_date(due.resolution))}."
    return f"{named} {_words(declared.tells, kind)}."


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
        about = reference_of(notification.request) if notification.request_id else notification.message[:80]
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
