"""What one page costs the database: how many queries it runs and which tables it writes.

Every list page reads a fixed number of queries however many rows it shows, and no page writes
anything but its access record (one INSERT naming the children it shows).
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

# A statement may follow pghistory's `SELECT set_config(...);` in the same query.
WRITE = re.compile(r'(?:^|;)\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
ACCESS_RECORDS = "audit_recordaccess"


@dataclass
class PageCost:
    response: object
    queries: int
    writes: list[str]  # the table of each INSERT, UPDATE or DELETE, in order


def page_cost(client, url, data=None) -> PageCost:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    assert response.status_code == 200, response.status_code
    writes = [table for query in captured.captured_queries for table in WRITE.findall(query["sql"])]
    return PageCost(response, len(captured.captured_queries), writes)


def assert_same_cost(few: PageCost, many: PageCost, *, access_records=0):
    """The page's queries do not grow with its rows, and it writes at most its access records."""
    assert many.queries == few.queries, f"{few.queries} queries with few rows, {many.queries} with many"
    for cost in (few, many):
        assert cost.writes == [ACCESS_RECORDS] * access_records, cost.writes
