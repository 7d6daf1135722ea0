"""Keeping what hangs on a request in step with it, however a row was saved.

A request is held by the same team and area groups as its child: from its creation, and after
every save of the child's row (a change of allocation moves the requests with the child). A change
to the child's plan history marks the requests that rest on it (conferences/history_changes.py).

The dashboards' facts (conferences/queue.py) are worked out again when the request is saved and
when the child's plans are (one by one, or a census return's batch), so a queue filters and sorts on
the history as it stands.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from cases.models import Child, CPPlan
from cases.signals import children_saved_in_bulk, plan_histories_changed, plan_history_changed
from conferences import history_changes
from conferences.models import ConferenceRequest
from conferences.permissions import sync_request_access, sync_requests_access_of
from conferences.queue import refresh_queue_facts


@receiver(post_save, sender=ConferenceRequest, dispatch_uid="sync_request_access")
def request_saved(sender, instance, created, **kwargs):
    if created:
        sync_request_access(instance)


@receiver(post_save, sender=ConferenceRequest, dispatch_uid="refresh_queue_facts_of_request")
def request_changed(sender, instance, **kwargs):
    refresh_queue_facts(ConferenceRequest.objects.filter(pk=instance.pk))


@receiver(post_save, sender=CPPlan, dispatch_uid="refresh_queue_facts_of_child")
def plan_saved(sender, instance, **kwargs):
    refresh_queue_facts(ConferenceRequest.objects.filter(child_id=instance.child_id))


@receiver(post_save, sender=Child, dispatch_uid="sync_request_access_of_child")
def child_saved(sender, instance, created, **kwargs):
    if not created:
        for request in instance.conference_requests.all():
            sync_request_access(request)


@receiver(children_saved_in_bulk, sender=Child, dispatch_uid="sync_request_access_of_children")
def children_saved(sender, children, **kwargs):
    sync_requests_access_of(children)


@receiver(plan_history_changed, dispatch_uid="mark_requests_when_history_changes")
def plan_history_changed_for(sender, child, user, change, **kwargs):
    history_changes.mark_requests(child, user, change)


@receiver(plan_histories_changed, dispatch_uid="mark_requests_when_histories_change")
def plan_histories_changed_for(sender, changes, user, **kwargs):
    history_changes.mark_requests_of(changes, user)
    refresh_queue_facts(ConferenceRequest.objects.filter(child__in=[child for child, _ in changes]))
