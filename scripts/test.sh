#!/usr/bin/env bash
# Set up and run every test: unit and integration (SQLite, and PostgreSQL when TEST_DATABASE_URL
# is set), then end to end in real Chromium. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
