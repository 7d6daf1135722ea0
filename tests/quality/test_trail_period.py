"""The indicators find the trail's decisions of a period by a range on the time of each event, which
the index on that time serves (limits.dates.day_bounds: England's local midnights)."""

import datetime as dt

from django.db import connection, transaction

from limits.dates import day_bounds
from quality import indicators


def test_a_period_runs_from_local_midnight_to_the_local_midnight_after_its_last_day(settings):
    settings.TIME_ZONE = "Europe/London"
    starts, ends = day_bounds(dt.date(2025, 4, 1), dt.date(2025, 10, 31))
    assert starts.astimezone(dt.UTC) == dt.datetime(2025, 3, 31, 23, 0, tzinfo=dt.UTC)  # summer time
    assert ends.astimezone(dt.UTC) == dt.datetime(2025, 11, 1, 0, 0, tzinfo=dt.UTC)  # winter time again
    starts, ends = day_bounds(dt.date(2025, 3, 30), dt.date(2025, 3, 30))  # the clocks go forward at 1am
    assert ends.astimezone(dt.UTC) - starts.astimezone(dt.UTC) == dt.timedelta(hours=23)


def test_the_decisions_of_a_period_are_found_through_the_index_on_the_events_time(db):
    params = indicators._params(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    query, values = indicators._positional(
        f"EXPLAIN WITH {indicators.REQUEST_FACTS} SELECT {indicators._counts(indicators.REQUEST_MEASURES)} "
        "FROM request_facts",
        params,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # A test database is small enough to scan whole; forbid that, so the plan shows whether the
        # filter can use the index at all (a filter on the events' local date could not).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(query, values)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_auditevent_at" in plan, plan
    assert "Index Cond: ((at >= " in plan, plan
