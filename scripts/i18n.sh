#!/usr/bin/env bash
# Translation upkeep for developers (Indonesian is the source language):
#   scripts/i18n.sh extract [OUT.pot]   collect the strings in kiosk/ (default translations/messages.pot)
#   scripts/i18n.sh update              extract, then merge new strings into every language's .po
# The setup script compiles the .po files; tests fail on any string left untranslated.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=".venv/bin/pybabel"
case "${1:-}" in
  extract)
    "$pybabel" extract --no-location --sort-output -F babel.cfg -k _l -k N_ -k ngettext:1,2 \
      -o "${2:-translations/messages.pot}" kiosk ;;
  update)
    "$0" extract
    "$pybabel" update --no-fuzzy-matching -i translations/messages.pot -d translations ;;
  *) echo "usage: $0 extract [OUT.pot] | update" >&2; exit 2 ;;
esac
