"""The audit trail and the row history cannot be rewritten, not even by raw SQL.

Database triggers refuse UPDATE and DELETE (row level) and TRUNCATE (statement level, BEFORE, as
PostgreSQL requires) on the audit tables and on every pghistory event table.
"""

import datetime

import pghistory.models
import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent, RecordAccess
from audit.services import record_access, record_event
from conferences.models import Challenge, SiblingDecision
from tests.factories import (
    ChildFactory,
    ConferenceRequestFactory,
    CPPlanFactory,
    FamilyFactory,
    PlanServiceFactory,
    ProposedServiceFactory,
    UserFactory,
)

HISTORY_TABLES = sorted(
    model._meta.db_table for model in apps.get_models() if issubclass(model, pghistory.models.Event)
)
AUDIT_TABLES = [AuditEvent._meta.db_table, RecordAccess._meta.db_table]

STATEMENTS = {
    "UPDATE": ('UPDATE "{table}" SET "{column}" = "{column}"', r"Cannot update( or delete)? rows"),
    "DELETE": ('DELETE FROM "{table}"', r"Cannot (update or )?delete rows"),
    "TRUNCATE": ('TRUNCATE "{table}"', "append-only: cannot truncate"),
}


def test_every_tracked_model_has_an_append_only_history():
    assert HISTORY_TABLES == [
        "cases_childevent",
        "cases_cpplanevent",
        "cases_planserviceevent",
        "conferences_challengeevent",
        "conferences_conferencerequestevent",
        "conferences_proposedserviceevent",
        "conferences_siblingdecisionevent",
    ]


@pytest.fixture
def a_row_everywhere(db):
    """At least one row in the audit tables and in each history table, so row-level triggers have a row to guard."""
    user = UserFactory()
    family = FamilyFactory()
    child = ChildFactory(family=family)
    PlanServiceFactory(plan=CPPlanFactory(child=child))
    request = ConferenceRequestFactory(child=child, created_by=user)
    ProposedServiceFactory(request=request)
    SiblingDecision.objects.create(
        request=request, sibling=ChildFactory(family=family), include_in_conference=False, reason="Lives elsewhere."
    )
    Challenge.objects.create(
        request=request,
        challenge="Why?",
        issued_by=user,
        triggers=["stepped_down_early"],
        response_due=timezone.localdate() + datetime.timedelta(days=7),
    )
    record_event(user, "start_request", request=request, state_after="draft")
    record_access(user, child, "/children/1/")


def count(table):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        return cursor.fetchone()[0]


def first_column(table):
    with connection.cursor() as cursor:
        return connection.introspection.get_table_description(cursor, table)[1].name


@pytest.mark.parametrize("statement", list(STATEMENTS))
@pytest.mark.parametrize("table", AUDIT_TABLES + HISTORY_TABLES)
def test_raw_sql_cannot_rewrite_the_record(a_row_everywhere, table, statement):
    rows = count(table)
    assert rows > 0
    sql, message = STATEMENTS[statement]
    with pytest.raises(DatabaseError, match=message), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(table=table, column=first_column(table)))
    assert count(table) == rows


def test_the_orm_cannot_rewrite_an_audit_event(a_row_everywhere):
    event = AuditEvent.objects.get()
    event.action = "something else"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "start_request"


def test_truncate_guards_are_statement_level_before_triggers(db):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, t.tgtype FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               WHERE t.tgname LIKE 'pgtrigger_append_only_no_truncate%%' AND NOT t.tgisinternal"""
        )
        guards = dict(cursor.fetchall())
    assert sorted(guards) == sorted(AUDIT_TABLES + HISTORY_TABLES)
    # tgtype bits: 1 = row level (must be clear), 2 = BEFORE, 32 = TRUNCATE.
    assert {tgtype & 0b100011 for tgtype in guards.values()} == {0b100010}


@pytest.mark.django_db(transaction=True)
def test_the_guard_holds_outside_a_test_transaction_too(council):
    """In autocommit, as the app runs; the test suite lifts the guard only for its own flush (tests/conftest.py)."""
    record_event(council.auditor, "export")
    with pytest.raises(DatabaseError, match="append-only: cannot truncate"), connection.cursor() as cursor:
        cursor.execute('TRUNCATE "audit_auditevent"')
    assert AuditEvent.objects.filter(action="export").count() == 1
