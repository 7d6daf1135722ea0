"""Reports, drill-downs and exports read from the read replica; writes go to the primary.

The "replica" alias is a second connection, mirroring the test database (DATABASE_REPLICA_URL points at
the same server, TEST MIRROR "default"): the same data, so rows must be committed for it to see them
(`transaction=True`). Each test captures the queries of both connections and checks which one each
statement went to.
"""

from datetime import date

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent, RecordAccess
from quality.models import ReportRun
from quality.replica import report_reads
from quality.tasks import INDICATORS, build_indicator_report
from tests.factories import ChildFactory, CPPlanFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

QUERY = {"date_from": "2022-01-01", "date_to": "2023-12-31"}


@pytest.fixture
def reports_on_the_replica(settings):
    settings.REPORTS_DATABASE = "replica"


@pytest.fixture
def history(council):
    child = ChildFactory(team=council.north_team, first_name="Robin", last_name="Replica")
    CPPlanFactory(child=child, start_date=date(2022, 1, 1), end_date=date(2022, 3, 1))
    CPPlanFactory(child=child, start_date=date(2022, 9, 1), end_date=date(2023, 9, 1))
    return child


class Queries:
    """The statements each connection ran while the block ran."""

    def __enter__(self):
        self.contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in ("default", "replica")}
        for context in self.contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self.contexts.values():
            context.__exit__(*exc)

    def on(self, alias, *words) -> list[str]:
        return [q["sql"] for q in self.contexts[alias].captured_queries if all(w in q["sql"] for w in words)]


def test_the_replica_is_a_second_connection_to_the_same_data(history):
    assert connections["replica"] is not connections["default"]
    assert connections["replica"].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]
    with report_reads():
        assert connections["replica"].cursor() is not None


def test_the_indicators_page_and_its_drill_down_read_from_the_replica(client, council, history, reports_on_the_replica):
    client.force_login(council.auditor)
    with Queries() as queries:
        page = client.get(reverse("quality:indicators"), QUERY)
        cases = client.get(reverse("quality:indicator_cases", args=["repeat_plans_started"]), QUERY)
        download = client.get(
            reverse("quality:indicator_download", args=["csv"]), {"date_from": "2023-01-01", "date_to": "2023-12-31"}
        )

    assert page.status_code == cases.status_code == download.status_code == 200
    assert "Replica" in cases.content.decode()
    assert queries.on("replica", "cases_planfacts")
    assert not queries.on("default", "cases_planfacts")
    assert queries.on("replica", "cases_cpplan")  # the drill-down's list of plans
    # Who the person is comes from the primary, even inside a report.
    assert queries.on("default", "django_session") and not queries.on("replica", "django_session")


def test_a_drill_down_reads_the_replica_and_writes_its_access_records_to_the_primary(
    client, council, history, reports_on_the_replica
):
    client.force_login(council.auditor)
    with Queries() as queries:
        response = client.get(
            reverse("quality:repeat_outcome_children"),
            {"date_from": "2021-04-01", "date_to": "2024-03-31", "measure": "repeat_within_12_months"},
        )

    assert response.status_code == 200 and "Replica" in response.content.decode()
    assert RecordAccess.objects.filter(user=council.auditor, children__contains=[history.pk]).exists()
    assert queries.on("default", "INSERT", "audit_recordaccess")
    assert not [sql for sql in queries.contexts["replica"].captured_queries if sql["sql"].startswith("INSERT")]
    assert queries.on("replica", "cases_cpplan")


def test_the_annex_a_export_reads_the_replica_and_records_the_download_on_the_primary(
    client, council, history, reports_on_the_replica
):
    client.force_login(council.auditor)
    with Queries() as queries:
        response = client.get(reverse("annex_a:export"), {"day": "1", "month": "3", "year": "2022", "format": "csv"})

    assert response.status_code == 200 and history.local_child_id in response.content.decode()
    assert queries.on("replica", "cases_cpplan")
    assert queries.on("default", "INSERT", "audit_auditevent")
    assert AuditEvent.objects.filter(action="annex_a_export").exists()


def test_a_long_report_on_a_worker_reads_the_replica_and_keeps_its_progress_on_the_primary(
    council, history, reports_on_the_replica
):
    run = ReportRun.objects.create(
        kind=INDICATORS,
        requested_by=council.auditor,
        parameters={"date_from": "2016-01-01", "date_to": "2025-12-31", "format": "csv"},
    )
    with Queries() as queries:
        build_indicator_report(run.pk)

    run = ReportRun.objects.get(pk=run.pk)
    assert run.status == ReportRun.Status.DONE
    assert queries.on("replica", "cases_planfacts") and not queries.on("default", "cases_planfacts")
    assert queries.on("default", "UPDATE", ReportRun._meta.db_table)
    assert not queries.on("replica", "UPDATE")


def test_with_no_replica_reports_read_the_primary(client, council, history):
    client.force_login(council.auditor)
    with Queries() as queries:
        assert client.get(reverse("quality:indicators"), QUERY).status_code == 200
    assert queries.on("default", "cases_planfacts")
    assert queries.contexts["replica"].captured_queries == []
