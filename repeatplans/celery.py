"""The Celery app: notifications, reminders and long reports run as tasks.

Configuration is read from Django settings under the CELERY_ namespace (repeatplans/settings/base.py).
With CELERY_BROKER_URL set (Redis in production) tasks go to a worker, and beat runs the schedule in
CELERY_BEAT_SCHEDULE; with none set, the settings make every task run in-process, so the demo needs
no broker. Tasks live in each app's tasks.py and are found by autodiscovery.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repeatplans.settings")

app = Celery("repeatplans")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
