"""The embedded PostgreSQL that a new user gets when no DATABASE_URL is set.

pgserver ships a real PostgreSQL in a wheel; the data folder lives in the checkout (var/, ignored
by git) so that demo data survive restarts. pgserver shares one server between processes, which
the runserver autoreloader and Celery's in-process mode both rely on.
"""

import warnings
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "var" / "pgdata"


def database_url() -> str:
    # pgserver asks platformdirs for a runtime folder it does not use; as root with no
    # XDG_RUNTIME_DIR that only produces a warning on every start.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import pgserver

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(DATA_DIR, cleanup_mode=None)
    return server.get_uri()
