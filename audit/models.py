"""The audit trail: what happened to a request, and who opened which child's record.

Both tables are append-only: database triggers refuse UPDATE, DELETE and TRUNCATE, so not even
raw SQL can rewrite the record. Row-level history of children, plans and requests is kept by
django-pghistory in its own append-only event tables.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from audit.history import append_only_triggers


class AuditEvent(models.Model):
    """One thing a person did: a transition, or facts recorded on a request or a child."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    action = models.CharField(max_length=60)
    description = models.TextField(blank=True)
    child = models.ForeignKey(
        "cases.Child", null=True, on_delete=models.DO_NOTHING, related_name="audit_events", db_constraint=False
    )
    request = models.ForeignKey(
        "conferences.ConferenceRequest",
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="audit_events",
        db_constraint=False,
    )
    challenge = models.ForeignKey(
        "conferences.Challenge",
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="audit_events",
        db_constraint=False,
    )
    state_before = models.CharField(max_length=40, blank=True)
    state_after = models.CharField(max_length=40, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        triggers = append_only_triggers()

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class RecordAccess(models.Model):
    """A person opened a child's record (or a request about the child), or saw a list or an export of
    children: then `child` is empty and `children` names every child shown, in one row."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    child = models.ForeignKey(
        "cases.Child", null=True, on_delete=models.DO_NOTHING, related_name="accesses", db_constraint=False
    )
    children = ArrayField(models.IntegerField(), default=list, blank=True, help_text="The children a list showed.")
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at"]
        triggers = append_only_triggers()
        verbose_name_plural = "record accesses"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} child {self.child_id} opened by user {self.user_id}"


class SecurityEvent(models.Model):
    """A sign of someone trying what they may not: a failed sign-in, a wrong code, a refused look-up."""

    class Kind(models.TextChoices):
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        LOCKED_OUT = "locked_out", "Account locked"
        WRONG_CODE = "wrong_code", "Wrong security code"
        REFUSED = "refused", "Refused look-up"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    username = models.CharField(max_length=150, blank=True, help_text="The name typed, for a failed sign-in.")
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=300, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The answer given: 403 or 404.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        triggers = append_only_triggers()

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username or self.user_id or ''}".strip()
