"""The app connects as a role that owns nothing and may only add to the trail.

`create_app_role` (run as the owner) gives the role its rights; these tests connect as that role,
as the web server does in production, and try to rewrite every trail table, with and without
asking pgtrigger to skip its triggers, and to alter or drop the tables.
"""

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from audit.history import trail_tables
from tests.audit.test_append_only import HISTORY_TABLES, a_row_everywhere, count, first_column  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "app-role-test-password"


@pytest.fixture
def app_role(transactional_db):
    """The app's role for this test database; roles are server-wide, so the name follows the database."""
    name = f"{connection.settings_dict['NAME']}_app"
    call_command("create_app_role", name, password=PASSWORD)
    return name


@pytest.fixture
def as_app(app_role):
    # The owner's address, whether a TCP host or the embedded server's socket folder (OPTIONS["host"]).
    params = connection.get_connection_params()
    with psycopg.connect(
        **{key: params[key] for key in ("host", "port", "dbname") if params.get(key)},
        user=app_role,
        password=PASSWORD,
        autocommit=True,
    ) as app_connection:
        yield app_connection


def refused(app_connection, sql):
    try:
        app_connection.execute(sql)
    except psycopg.Error as error:
        return str(error).splitlines()[0]
    return None


def every_trigger_name(app_connection):
    return app_connection.execute("SELECT array_agg(DISTINCT tgname) FROM pg_trigger").fetchone()[0]


def test_the_app_role_cannot_rewrite_any_trail_table(a_row_everywhere, as_app):  # noqa: F811
    tables = trail_tables()
    # The audit events, record access, security events and pghistory's context.
    assert len(tables) == len(HISTORY_TABLES) + 4
    rewrites = ['UPDATE "{table}" SET "{column}" = "{column}"', 'DELETE FROM "{table}"', 'TRUNCATE "{table}"']
    skip_all = "SET pgtrigger.ignore = '{" + ",".join(every_trigger_name(as_app)) + "}'"
    accepted = []
    for table in tables:
        rows = count(table)
        assert rows > 0, table
        for skip in (None, skip_all):
            if skip:
                as_app.execute(skip)
            for rewrite in rewrites:
                sql = rewrite.format(table=table, column=first_column(table))
                if refused(as_app, sql) is None:
                    accepted.append(f"{sql} ({skip or 'no skip'})")
            as_app.execute("RESET pgtrigger.ignore")
        assert count(table) == rows, table
    assert accepted == []


def test_the_app_role_cannot_alter_drop_or_disable_the_trail(a_row_everywhere, as_app):  # noqa: F811
    accepted = []
    for table in trail_tables():
        for sql in (
            f'ALTER TABLE "{table}" DISABLE TRIGGER ALL',
            f'ALTER TABLE "{table}" ADD COLUMN rewritten boolean',
            f'ALTER TABLE "{table}" OWNER TO CURRENT_USER',
            f'DROP TABLE "{table}"',
        ):
            if refused(as_app, sql) is None:
                accepted.append(sql)
    for sql in ("SET session_replication_role = replica", "CREATE TABLE squatter (id int)"):
        if refused(as_app, sql) is None:
            accepted.append(sql)
    assert accepted == []


def test_the_app_role_adds_to_the_trail_and_works_the_other_tables(a_row_everywhere, as_app, app_role):  # noqa: F811
    as_app.execute(
        "INSERT INTO audit_recordaccess (at, user_id, child_id, children, path) "
        "SELECT now(), user_id, child_id, children, path "
        "FROM audit_recordaccess LIMIT 1"
    )
    assert count("audit_recordaccess") == 2
    # Working tables change as the work goes on; the change itself lands in the history.
    history_before = count("cases_childevent")
    as_app.execute("UPDATE cases_child SET first_name = first_name || 'x'")
    assert count("cases_childevent") > history_before
    owned = as_app.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s", [app_role]
    ).fetchone()[0]
    superuser = as_app.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role]).fetchone()[0]
    assert (owned, superuser) == (0, False)


def test_running_it_again_updates_the_role(app_role):
    call_command("create_app_role", app_role, password=PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = %s AND table_name = %s",
            [app_role, "pghistory_context"],
        )
        assert sorted(row[0] for row in cursor.fetchall()) == ["INSERT", "SELECT"]
