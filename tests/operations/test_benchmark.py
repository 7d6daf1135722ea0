"""`manage.py benchmark` end to end at a tiny size: its own database, gunicorn, locust, the import,
and a JSON report with every section's figures beside their targets.

The figures at this size say nothing about speed; the test proves the run works from one command.
It migrates a database of its own: copying the tests' database would need every other session on it
closed, which a worker that ran browser or Celery tests before cannot promise.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connections

pytestmark = pytest.mark.benchmark

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "floor_sign_in_page",
    "cp_chair_queue",
    "managers_dashboard",
    "child_with_fifty_plans",
    "request_page",
    "indicators_page",
    "child_search",
}


def _drop(names):
    owner = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres",
        user=owner.get("USER") or None,
        password=owner.get("PASSWORD") or None,
        host=owner["OPTIONS"].get("host") or owner.get("HOST") or None,
        port=owner.get("PORT") or None,
        autocommit=True,
    ) as server:
        for name in names:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_migrated_database(django_db_setup, django_db_blocker):
    """The tests' database's name, to name the benchmark's own beside it."""
    with django_db_blocker.unblock():
        name = connections["default"].settings_dict["NAME"]
        connections.close_all()
    yield name


def test_benchmark_runs_from_one_command_and_reports_every_section(empty_migrated_database, tmp_path):
    database = f"{empty_migrated_database}_benchmark"
    output = tmp_path / "benchmark.json"
    try:
        done = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "benchmark",
                "--children=300",
                "--duration=2",
                "--repeats=1",
                "--import-children=200",
                f"--database={database}",
                f"--output={output}",
            ],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DJANGO_ENV": "development"},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        _drop([database, f"{database}_run", f"{database}_building"])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "cp_chair_queue" in done.stdout and "result" in done.stdout

    result = json.loads(output.read_text())
    assert result["size"]["children"] == 300 and result["size"]["open_at_screening"] >= 1
    assert {"cpus", "cpu_model", "memory_gb", "postgresql"} <= set(result["machine"])
    assert set(result["pages"]) == PAGES
    for name, page in result["pages"].items():
        assert page["requests"] > 0, name
        assert page["errors"] == 0, (name, page["error_examples"])
        assert 0 < page["median_ms"] <= page["p95_ms"]
    figures = result["indicators"]
    assert figures["command_s"] > 0 and figures["sql_floor_s"] > 0 and figures["page_s"] > 0
    assert figures["command_times_sql"] > 0 and figures["page_times_command"] > 0
    imported = result["import"]
    assert imported["first"]["children_created"] == 200 and imported["first"]["rejected"] == 0
    assert imported["second"]["children_unchanged"] == 200
    assert imported["plain"]["children"] == 200
    assert imported["first"]["peak_memory_mb"] > 0 and imported["first_times_plain"] > 0
    assert result["assess"]["previous_plans"] == 10 and result["assess"]["ms_per_call"] > 0
    # Every figure stands beside its target, with a verdict.
    # The six pages, the indicators' command and page, the import and the second import, and assess.
    assert len(result["targets"]) == len(PAGES) - 1 + 5
    assert all(isinstance(row["pass"], bool) and row["target"] for row in result["targets"])
