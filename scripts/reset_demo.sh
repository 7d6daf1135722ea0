#!/usr/bin/env bash
# Throws away the embedded database and builds the demo council again. It never touches a
# database named by DATABASE_URL: that one may hold real records.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${DATABASE_URL:-}" ]; then
  echo "reset-demo only rebuilds the embedded database; unset DATABASE_URL to use it." >&2
  exit 1
fi
export DJANGO_ENV=development
bash scripts/stop.sh
rm -rf var/pgdata var/media
bash scripts/setup.sh
source scripts/database.sh
.venv/bin/python manage.py migrate --no-input
source scripts/app_role.sh
.venv/bin/python manage.py demo_data
echo "Demo data rebuilt: 'make run' serves it."
