"""Every transition and challenge step writes one audit event; the same transaction owes its notifications.

Hooked on the audit event rather than django-fsm's post_transition because the event is written
after the facts are saved, names the actor, also covers issuing a challenge (not an FSM transition),
and its id makes each notification's dedupe key. The outbox row commits with the action, and only a
committed action queues its delivery: an action that rolls back tells nobody, and a broker that is
down loses nothing (notifications/outbox.py).
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.models import AuditEvent
from notifications import outbox
from notifications.services import NOTIFIED_ACTIONS


@receiver(post_save, sender=AuditEvent, dispatch_uid="notify_on_audit_event")
def audit_event_recorded(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.request_id and instance.action in NOTIFIED_ACTIONS:
        outbox.hold(instance)
        transaction.on_commit(partial(outbox.kick, instance.pk))
