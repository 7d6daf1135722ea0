"""Keep object permissions in step with allocation, however a row was saved; say when plan history changes."""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from cases.models import Child
from cases.permissions import sync_child_access

# Sent inside the transaction that changed a child's CP plans (a correction, a new plan, a census
# return), with `child`, `user` (who changed it, or None) and `change` (what changed, in words). The
# apps above cases hold decisions that rest on the history: they listen, because cases cannot import them.
plan_history_changed = Signal()


@receiver(post_save, sender=Child, dispatch_uid="sync_child_access")
def child_saved(sender, instance, **kwargs):
    sync_child_access(instance)
