"""Keep object permissions in step with allocation, however a row was saved."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from cases.models import Child
from cases.permissions import sync_child_access


@receiver(post_save, sender=Child, dispatch_uid="sync_child_access")
def child_saved(sender, instance, created, update_fields=None, **kwargs):
    sync_child_access(instance)
    if not created:
        from conferences.permissions import sync_request_access

        for request in instance.conference_requests.all():
            sync_request_access(request)
