#!/usr/bin/env bash
# Sets everything up and serves the app with demo data at http://127.0.0.1:8000.
# With no DATABASE_URL the app starts its own embedded PostgreSQL in var/pgdata.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py demo_data --if-empty
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
