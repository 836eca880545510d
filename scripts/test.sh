#!/usr/bin/env bash
# Set up and run every test: unit and integration (SQLite, and PostgreSQL when TEST_DATABASE_URL
# is set), then end to end in real Chromium. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# TEST_WORKERS=2 runs on both cores (pytest-xdist): each worker has its own databases
# (tests/databases.py) and its own e2e live server; the default is one process, which CI uses.
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-0}" "$@"
