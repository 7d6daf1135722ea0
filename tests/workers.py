"""A REAL Celery worker on the Redis broker, and a broker that is down, for the tests that need them.

The apps are configured exactly as the project's (Django settings, CELERY_ namespace) but with no
eager mode: the worker's on Redis (CELERY_TEST_BROKER_URL, default db 15 on 127.0.0.1:6379), the
broken one on a port where nothing listens. Tests using them need `transaction=True`, so the worker's
own connection sees the committed rows.
"""

import os
import time
from contextlib import contextmanager

from celery import Celery
from celery.contrib.testing import tasks as testing_tasks  # noqa: F401 - registers celery.ping for the ping check
from celery.contrib.testing.app import setup_default_app
from celery.contrib.testing.worker import start_worker

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
BROKER_DOWN_URL = "redis://127.0.0.1:1/0"  # port 1: connection refused at once
# One queue per pytest-xdist worker, so parallel test processes never take or purge each other's tasks.
QUEUE = f"repeatplans-tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def _app(name, broker_url):
    app = Celery(name, set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker_url,
        broker_write_url=broker_url,  # beats a CELERY_BROKER_URL left in the environment
        broker_read_url=broker_url,
        result_backend=BROKER_URL,
        task_always_eager=False,
        task_default_queue=QUEUE,
        worker_hijack_root_logger=False,
    )
    return app


@contextmanager
def current(app):
    with setup_default_app(app):
        app.set_current()
        app.set_default()
        yield app


@contextmanager
def redis_worker():
    """The site's tasks go to Redis and a worker in this process (its own thread) runs them."""
    with current(_app("repeatplans-worker-test", BROKER_URL)) as app:
        app.control.purge()  # nothing left over from an earlier run
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=30) as worker:
            yield app, worker


@contextmanager
def broker_down():
    """The site's tasks go to a broker that refuses every connection."""
    with current(_app("repeatplans-broker-down", BROKER_DOWN_URL)) as app:
        yield app


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
