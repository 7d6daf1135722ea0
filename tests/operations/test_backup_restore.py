"""A backup restored into a fresh database holds every row and every trail event again."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEvent
from conferences import records
from tests.factories import ChildFactory

ROOT = Path(__file__).resolve().parents[2]


def _connect(name):
    db = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        host=db["OPTIONS"].get("host") or db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


def _every_row(name) -> dict[str, list[tuple]]:
    with _connect(name) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {table: sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"').fetchall())) for table in tables}


@pytest.fixture
def fresh_database(transactional_db):
    name = f"{connection.settings_dict['NAME']}_restored"
    with _connect(connection.settings_dict["NAME"]) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _connect(connection.settings_dict["NAME"]) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_a_fresh_database_finds_every_row_and_trail_event(council, fresh_database, tmp_path):
    child = ChildFactory(team=council.north_team)
    request = records.start_request(child, council.social_worker)
    records.update_proposal(
        request.pk, council.social_worker, reason="Bruising seen at school.", categories=["PHY"], factors=["3B"]
    )
    events = list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "description"))
    assert events, "the journey above writes to the trail"
    backup = tmp_path / "gatekeeping.dump"

    call_command("backup", str(backup))
    assert backup.stat().st_size > 0

    db = connection.settings_dict
    host = db["OPTIONS"].get("host") or db["HOST"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@/{fresh_database}?host={host}&port={db['PORT'] or 5432}"
    restored = subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup)],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_ENV": "development", "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restored.returncode == 0, restored.stderr
    original, copy = _every_row(db["NAME"]), _every_row(fresh_database)
    assert copy == original
    assert sum(map(len, copy.values())) > 0
    with _connect(fresh_database) as conn:
        restored_events = conn.execute("SELECT id, action, description FROM audit_auditevent ORDER BY id").fetchall()
    assert restored_events == events

    # A second restore over the restored data is refused: the trail is never overwritten.
    again = subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup)],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_ENV": "development", "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode != 0
    assert "already has tables" in again.stderr
