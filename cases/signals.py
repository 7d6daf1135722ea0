"""Keep object permissions in step with allocation, however a row was saved; say when plan history changes."""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from cases.models import Child
from cases.permissions import sync_child_access, sync_children_access

# Sent after children are written in bulk (the census import), where post_save is not: `children`
# are the children already held whose rows changed. New children come in unallocated, and a new
# row holds no grants to put right, so they are not sent.
children_saved_in_bulk = Signal()

# Sent inside the transaction that changed a child's CP plans (a correction, a new plan, a census
# return), with `child`, `user` (who changed it, or None) and `change` (what changed, in words). The
# apps above cases hold decisions that rest on the history: they listen, because cases cannot import them.
plan_history_changed = Signal()

# `plan_history_changed` for many children at once (a batch of a census return): `changes` is a
# list of (child, change), `user` as above; one signal, so that listeners can look them up together.
plan_histories_changed = Signal()


@receiver(post_save, sender=Child, dispatch_uid="sync_child_access")
def child_saved(sender, instance, **kwargs):
    sync_child_access(instance)


@receiver(children_saved_in_bulk, sender=Child, dispatch_uid="sync_children_access")
def children_saved(sender, children, **kwargs):
    sync_children_access(children)
