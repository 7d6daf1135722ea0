"""The embedded PostgreSQL that `make run` and `make test` start when no DATABASE_URL is set.

pgserver ships a real PostgreSQL in a wheel; the data folder lives in the checkout (var/, ignored
by git) so that demo data survive restarts. Settings never start it: the scripts do, explicitly,
and export the URL it prints.

    python -m repeatplans.embedded_db start    # starts it if needed, prints its DATABASE_URL
    python -m repeatplans.embedded_db stop     # stops it (nothing to do when it is not running)
    python -m repeatplans.embedded_db bin      # prints its own client programs' folder (pg_dump, ...)
"""

import os
import sys
import warnings
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "var" / "pgdata"
# pgserver's list of processes holding the server. Its lifetime is ours to manage (start/stop),
# so the list is cleared before each start: a half-written one once crashed a restart.
HANDLES = DATA_DIR / ".handle_pids.json"


def _pgserver():
    # pgserver asks platformdirs for a runtime folder it does not use; as root with no
    # XDG_RUNTIME_DIR that only produces a warning on every start.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import pgserver

    return pgserver


def start() -> str:
    """Start the server unless it runs already; return its URL. It keeps running after this process."""
    pgserver = _pgserver()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    HANDLES.unlink(missing_ok=True)
    server = pgserver.get_server(DATA_DIR, cleanup_mode=None)
    return server.get_uri()


def stop() -> bool:
    """Stop the server; False when it was not running."""
    _pgserver()
    from pgserver._commands import pg_ctl
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(DATA_DIR) if DATA_DIR.exists() else None
    HANDLES.unlink(missing_ok=True)
    if info is None or not info.is_running():
        return False
    # As root, pgserver runs PostgreSQL as its own system user; pg_ctl must run as that user too.
    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATA_DIR, user=user)
    return True


def bin_dir() -> Path:
    """The server's own client programs: pg_dump and pg_restore of the same major version."""
    _pgserver()
    from pgserver._commands import POSTGRES_BIN_PATH

    return POSTGRES_BIN_PATH


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "start":
        print(start())
    elif command == "stop":
        print("embedded PostgreSQL stopped" if stop() else "embedded PostgreSQL was not running")
    elif command == "bin":
        print(bin_dir())
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
