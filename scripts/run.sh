#!/usr/bin/env bash
# Set up and start the kiosk on http://127.0.0.1:5000 with SQLite, demo participants and the
# simulated receipt printer. Open that address in Chromium (see README: kiosk mode).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DEMO="${DEMO:-1}"
.venv/bin/flask --app wsgi participants demo
echo
echo "The kiosk is at http://127.0.0.1:5000  (Ctrl+C stops it)"
# One box: the one web worker also delivers the outbox to the core (kiosk/core/onebox.py).
export OUTBOX_THREAD="${OUTBOX_THREAD:-1}"
exec .venv/bin/gunicorn --config python:kiosk.core.onebox --workers 1 --threads 4 \
  --bind 127.0.0.1:5000 --access-logfile - wsgi:app
