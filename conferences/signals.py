"""A new request is held by the same team and area groups as its child."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from conferences.models import ConferenceRequest
from conferences.permissions import sync_request_access


@receiver(post_save, sender=ConferenceRequest, dispatch_uid="sync_request_access")
def request_saved(sender, instance, created, **kwargs):
    if created:
        sync_request_access(instance)
