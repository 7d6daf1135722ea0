#!/usr/bin/env bash
# Stops what `make run` started: the app (its process and the autoreloader's child), then the
# embedded PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

stop_tree() {
  local child
  for child in $(ps -o pid= --ppid "$1"); do
    stop_tree "$child"
  done
  kill -TERM "$1" 2>/dev/null || true
}

if [ -f var/app.pid ]; then
  pid=$(cat var/app.pid)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    stop_tree "$pid"
    echo "app stopped"
  fi
  rm -f var/app.pid
fi
if [ -x .venv/bin/python ]; then
  .venv/bin/python -m repeatplans.embedded_db stop
fi
