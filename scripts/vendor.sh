#!/usr/bin/env bash
# Copy the pinned npm packages the kiosk serves into kiosk/static/vendor (never edited by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.lock-copy; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.lock-copy
fi
mkdir -p kiosk/static/vendor
cp node_modules/htmx.org/dist/htmx.min.js kiosk/static/vendor/htmx.min.js
