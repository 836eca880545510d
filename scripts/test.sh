#!/usr/bin/env bash
# Set up and run every test: unit and integration (SQLite, and PostgreSQL when TEST_DATABASE_URL
# is set), then end to end in real Chromium. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# Two processes by default (pytest-xdist; TEST_WORKERS=N for another number, 0 for one process):
# each worker has its own databases (tests/databases.py) and its own e2e live server. One process
# would take CI past its 30 minutes now that the audit walks every screen.
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" "$@"
