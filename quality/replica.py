"""Reports, drill-downs and exports read from the read replica; every write goes to the primary.

A page or task that reads a report runs inside `report_reads()` (or is decorated `reads_reports`).
While it does, the project's database router (repeatplans/routers.py) sends reads to the replica
(settings.REPORTS_DATABASE, set when DATABASE_REPLICA_URL is), except who the person is (sessions,
accounts), so that a sign-in or sign-out is seen at once. Writes always go to the primary, the
access record a report page writes included. With no replica configured everything stays on the
primary.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import connections

_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


def reading_reports() -> bool:
    return _reading_reports.get()


def report_database() -> str:
    """The alias reads come from now: the replica while a report is being read, else the primary."""
    return settings.REPORTS_DATABASE if reading_reports() else "default"


@contextmanager
def report_reads() -> Iterator[None]:
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def reads_reports(view):
    """A view whose reads come from the replica."""

    @wraps(view)
    def reading(*args, **kwargs):
        with report_reads():
            return view(*args, **kwargs)

    return reading


def report_cursor():
    """A cursor for a report's own SQL, on the database reports are read from now."""
    return connections[report_database()].cursor()
