"""API tokens and service accounts.

A token is shown once, when it is made; only its SHA-256 digest is stored, with a short prefix that
people can see in lists and use to revoke it. A token acts as its user, with exactly that user's
rights: it carries no rights of its own.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("label", max_length=100, help_text="What the token is for, e.g. the system that uses it.")
    prefix = models.CharField(max_length=12, unique=True, help_text="The token's first characters, safe to show.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the whole token, in hex.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name or 'API token'} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_live(self) -> bool:
        return not self.is_revoked and not self.is_expired


class ServiceAccount(models.Model):
    """A user that is an integration (a case management system, a reporting tool), not a person.

    It holds a role like anyone else (its Staff row); every API call it makes is written to the trail.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_account")
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Service account {self.user.username}"
