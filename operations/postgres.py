"""pg_dump and pg_restore against the app's own database.

The client must be at least as new as the server: /usr/bin's may be older than the server (the
embedded one is PostgreSQL 16), so the programs come from, in order, PG_BIN_DIR, the server's own
version folder under /usr/lib/postgresql, the embedded server's bundle, then PATH, the first whose
major version is the server's or newer.
"""

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection


class PostgresToolError(Exception):
    pass


def _major(program: Path) -> int | None:
    try:
        out = subprocess.run([str(program), "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else None


def _candidates(name: str, server_major: int):
    if settings.PG_BIN_DIR:
        yield Path(settings.PG_BIN_DIR) / name
    yield Path(f"/usr/lib/postgresql/{server_major}/bin") / name
    embedded = importlib.util.find_spec("pgserver")
    if embedded and embedded.origin:
        yield Path(embedded.origin).parent / "pginstall" / "bin" / name
    on_path = shutil.which(name)
    if on_path:
        yield Path(on_path)


def server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def program(name: str) -> Path:
    """The pg_dump or pg_restore to use against this server."""
    major = server_major()
    for candidate in _candidates(name, major):
        if candidate.exists() and (_major(candidate) or 0) >= major:
            return candidate
    raise PostgresToolError(
        f"No {name} of PostgreSQL {major} or newer was found: install the client ({name} {major}) "
        "or set PG_BIN_DIR to its folder."
    )


def environment() -> dict:
    """libpq's variables for the app's database, so no password appears on a command line."""
    db = connection.settings_dict
    env = {**os.environ}
    host = db["OPTIONS"].get("host") or db["HOST"]
    values = {"PGHOST": host, "PGPORT": db["PORT"], "PGUSER": db["USER"], "PGPASSWORD": db["PASSWORD"]}
    values["PGDATABASE"] = db["NAME"]
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def run(name: str, *args: str) -> None:
    result = subprocess.run([str(program(name)), *args], env=environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise PostgresToolError(f"{name} failed: {result.stderr.strip()}")
