# Sourced by the scripts: exports DATABASE_URL, starting the embedded PostgreSQL (var/pgdata)
# when none is set. Settings never start a database themselves.
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(.venv/bin/python -m repeatplans.embedded_db start)
  export DATABASE_URL
  echo "Using the embedded PostgreSQL in var/pgdata ('make stop' stops it)." >&2
fi
