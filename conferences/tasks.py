"""Background work for conferences: the dashboards' facts, worked out again each night."""

from celery import shared_task

from conferences.queue import refresh_queue_facts


@shared_task
def refresh_queues() -> int:
    """Beat runs it just after midnight: "within 12 months" and the close scrutiny it raises change with the
    date alone, and a bulk load of plans (which sends no signal) is taken in here too."""
    return refresh_queue_facts()
