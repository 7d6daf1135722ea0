"""What a person was told, in the app and by email.

Every notification has a dedupe key naming what it is about and who it is for (the audit event of a
transition, or the day's reminder of one deadline), unique in the table: a task that runs twice finds
the row already there, and `emailed_at` says the email has gone, so nothing is sent twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from conferences.stages import Told


class Kind(models.TextChoices):
    # Told as an action happens (conferences.stages.Told says which, per action), emailed at once.
    ACTION_NEEDED = Told.ACTION_NEEDED.value, "Action needed"
    DECISION = Told.DECISION.value, "Decision"
    INFORMATION = Told.INFORMATION.value, "For information"
    DUE_TOMORROW = "due_tomorrow", "Due tomorrow"
    DUE_TODAY = "due_today", "Due today"
    OVERDUE = "overdue", "Overdue"
    ESCALATION = "escalation", "Escalated to you"
    PROVISION_GAP = "provision_gap", "Gap in provision"


# Gathered into one email per person a day (the daily digest), instead of a flood.
DIGEST_KINDS = {Kind.DUE_TOMORROW, Kind.DUE_TODAY, Kind.OVERDUE, Kind.ESCALATION, Kind.PROVISION_GAP}


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    request = models.ForeignKey(
        "conferences.ConferenceRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    challenge = models.ForeignKey(
        "conferences.Challenge", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "emailed_at"], name="notification_unsent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}: {self.message[:60]}"

    @property
    def is_read(self):
        return self.read_at is not None

    @property
    def absolute_url(self):
        return f"{settings.SITE_URL.rstrip('/')}{self.url}" if self.url else settings.SITE_URL


class Outbox(models.Model):
    """A recorded action whose people are still to be told: written in the action's own transaction.

    The decision and the promise to tell people commit together or not at all, so a broker that is
    down when the decision is saved loses nothing: the row waits here until a worker delivers it
    (the task queued on commit, or the sweep that beat runs every minute, once the broker is back).
    """

    event = models.OneToOneField("audit.AuditEvent", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, help_text="When the sweep may try it again.")
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "outbox"
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="outbox_undelivered", condition=models.Q(delivered_at__isnull=True)
            )
        ]

    def __str__(self):
        state = f"delivered {self.delivered_at:%Y-%m-%d %H:%M}" if self.delivered_at else "waiting"
        return f"Notifications of event {self.event_id} ({state})"
