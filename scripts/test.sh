#!/usr/bin/env bash
# Runs the whole test suite: lint, migrations check, then every test (browser tests included)
# on PostgreSQL: DATABASE_URL when set, otherwise the embedded server.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_ENV=development
bash scripts/setup.sh
source scripts/database.sh
bash scripts/install_browser.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python manage.py makemigrations --check --dry-run
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" "$@"
