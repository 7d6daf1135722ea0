"""Handing work to the Celery broker without letting a broker fault reach the person.

Every caller keeps its own record of the work (the notifications' outbox, a run's row) that commits
with the person's action; the queued message only says "start now". So a broker that is down or
refusing connections is logged and reported as False, never raised into a page that has already
saved: the caller shows the saved state and the record is picked up again later.
"""

import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# One quick retry: a page is waiting, and the caller's own record keeps the work for later anyway.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def queue(task, *args) -> bool:
    """Queue `task(*args)` now; False when the broker could not take it."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY)
    except (OperationalError, OSError) as error:
        logger.warning("Could not queue %s%r: %s", task.name, args, error)
        return False
    return True
