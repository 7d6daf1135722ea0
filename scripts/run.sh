#!/usr/bin/env bash
# Sets everything up and serves the app with demo data at http://127.0.0.1:8000.
# With no DATABASE_URL the app starts its own embedded PostgreSQL in var/pgdata, which keeps
# running after the app stops (Ctrl-C) so that the next start is quick; `make stop` stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_ENV=development
# The demo users sign in with a password alone; production always asks the second factor.
export DJANGO_MFA="${DJANGO_MFA:-off}"
bash scripts/setup.sh
source scripts/database.sh
.venv/bin/python manage.py migrate --no-input
source scripts/app_role.sh
.venv/bin/python manage.py demo_data --if-empty
mkdir -p var
echo $$ > var/app.pid
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
