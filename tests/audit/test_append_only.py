"""The audit trail and the row history cannot be rewritten, not even by raw SQL.

Database triggers refuse UPDATE and DELETE (row level) and TRUNCATE (statement level, BEFORE, as
PostgreSQL requires) on the audit tables and on every pghistory event table, and no session
setting skips them: `SET pgtrigger.ignore` lifts ordinary pgtrigger triggers, never these.
pghistory's context rows may change only inside the transaction that wrote them.
"""

import datetime
import json

import pghistory
import pghistory.models
import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.history import trail_tables
from audit.models import AuditEvent, RecordAccess, SecurityEvent
from audit.services import record_access, record_event, record_security_event
from conferences.models import Challenge, SiblingDecision
from reviews.models import ReviewConference, ReviewDecision, StepDownAction
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
AUDIT_TABLES = [AuditEvent._meta.db_table, RecordAccess._meta.db_table, SecurityEvent._meta.db_table]

STATEMENTS = {
    "UPDATE": ('UPDATE "{table}" SET "{column}" = "{column}"', "append-only: cannot UPDATE rows"),
    "DELETE": ('DELETE FROM "{table}"', "append-only: cannot DELETE rows"),
    "TRUNCATE": ('TRUNCATE "{table}"', "append-only: cannot truncate"),
}


def every_trigger_name():
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(DISTINCT tgname) FROM pg_trigger WHERE NOT tgisinternal")
        return cursor.fetchone()[0]


def test_every_tracked_model_has_an_append_only_history():
    assert HISTORY_TABLES == [
        "cases_childevent",
        "cases_cpplanevent",
        "cases_planserviceevent",
        "conferences_challengeevent",
        "conferences_conferencerequestevent",
        "conferences_proposedserviceevent",
        "conferences_siblingdecisionevent",
        "reviews_reviewconferenceevent",
        "reviews_stepdownactionevent",
    ]


@pytest.fixture
def a_row_everywhere(db):
    """A row in every trail table (history written under a context), so row-level triggers have a row to guard."""
    user = UserFactory()
    with pghistory.context(user=user.pk):
        family = FamilyFactory()
        child = ChildFactory(family=family)
        plan = CPPlanFactory(child=child)
        PlanServiceFactory(plan=plan)
        review = ReviewConference.objects.create(
            plan=plan, held_on=plan.start_date, chair=user, decision=ReviewDecision.CONTINUE
        )
        StepDownAction.objects.create(
            review=review, action="Nursery place", owner="Health visitor", due_by=plan.start_date
        )
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
        record_security_event(SecurityEvent.Kind.SIGN_IN_FAILED, username=user.username)


def count(table):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        return cursor.fetchone()[0]


def first_column(table):
    with connection.cursor() as cursor:
        return connection.introspection.get_table_description(cursor, table)[1].name


@pytest.mark.parametrize("skip_asked", [False, True], ids=["plain", "pgtrigger.ignore"])
@pytest.mark.parametrize("statement", list(STATEMENTS))
@pytest.mark.parametrize("table", AUDIT_TABLES + HISTORY_TABLES)
def test_raw_sql_cannot_rewrite_the_record(a_row_everywhere, table, statement, skip_asked):
    rows = count(table)
    assert rows > 0
    sql, message = STATEMENTS[statement]
    with pytest.raises(DatabaseError, match=message), transaction.atomic(), connection.cursor() as cursor:
        if skip_asked:
            cursor.execute(
                "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(every_trigger_name()) + "}"]
            )
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
    assert sorted(guards) == [table for table in trail_tables() if table != "pghistory_context"]
    # tgtype bits: 1 = row level (must be clear), 2 = BEFORE, 32 = TRUNCATE.
    assert {tgtype & 0b100011 for tgtype in guards.values()} == {0b100010}


@pytest.mark.django_db(transaction=True)
def test_the_guard_holds_outside_a_test_transaction_too(council):
    """In autocommit, as the app runs; the suite's own flush runs in replica mode (tests/conftest.py)."""
    record_event(council.auditor, "export")
    with pytest.raises(DatabaseError, match="append-only: cannot truncate"), connection.cursor() as cursor:
        cursor.execute('TRUNCATE "audit_auditevent"')
    assert AuditEvent.objects.filter(action="export").count() == 1


def context_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id::text, metadata::text FROM pghistory_context ORDER BY created_at, id")
        return [(context_id, json.loads(metadata)) for context_id, metadata in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_a_committed_context_row_cannot_be_reattributed(council):
    """Who did it and where is fixed once the transaction that recorded it commits, whatever the session says."""
    with pghistory.context(user=council.social_worker.pk):
        ChildFactory()
    [(context_id, metadata)] = context_rows()
    assert metadata["user"] == council.social_worker.pk
    for statement in (
        "UPDATE pghistory_context SET metadata = '{\"user\": 1}'",
        "DELETE FROM pghistory_context",
        "TRUNCATE pghistory_context",
    ):
        for skip in ("", "SELECT set_config('pgtrigger.ignore', '{append_only_committed_rows}', true); "):
            with pytest.raises(DatabaseError, match="append-only: cannot"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(skip + statement)
    assert context_rows() == [(context_id, metadata)]


@pytest.mark.django_db(transaction=True)
def test_one_context_over_several_transactions_never_changes_a_committed_row(council):
    """A request writes in more than one transaction; each keeps its own attribution."""
    with pghistory.context(user=council.social_worker.pk):
        ChildFactory()
        with pghistory.context(action="correct_history"):
            ChildFactory()
    rows = context_rows()
    assert len(rows) == 2
    assert [metadata.get("action") for _, metadata in rows] == [None, "correct_history"]


def test_within_its_own_transaction_a_context_row_follows_the_context(db, council):
    """pghistory itself updates the row while the writing transaction runs (savepoints included)."""
    with pghistory.context(user=council.social_worker.pk):
        ChildFactory()
        with transaction.atomic(), pghistory.context(action="correct_history"):
            ChildFactory()
    [(_, metadata)] = context_rows()
    assert metadata["action"] == "correct_history"
