"""The project package. The Celery app is loaded with Django, so tasks queued by the site use it."""

from repeatplans.celery import app as celery_app

__all__ = ("celery_app",)
