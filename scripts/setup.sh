#!/usr/bin/env bash
# Set up everything the kiosk needs on a fresh machine; safe to run again (it skips what is done).
#   scripts/setup.sh          what running the kiosk needs
#   scripts/setup.sh --test   also what the tests need (Chromium, test packages)
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

step() { printf '\n==> %s\n' "$*"; }

# 1. System packages from Debian: Node.js for the front-end files, espeak-ng for the voice;
#    Chromium and fonts for tests.
apt_packages=()
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)
command -v espeak-ng >/dev/null 2>&1 || apt_packages+=(espeak-ng)
if [ "$want_tests" = 1 ]; then
  [ -x /usr/bin/chromium ] || apt_packages+=(chromium)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || apt_packages+=(fonts-dejavu-core)
fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  step "Installing system packages: ${apt_packages[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${apt_packages[@]}"
fi

# 2. Python 3.11 virtual environment with every package pinned (constraints.txt).
python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python_bin="$candidate"; break
    fi
  done
fi
if [ -z "$python_bin" ]; then
  echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
[ -x .venv/bin/python ] || { step "Creating .venv"; "$python_bin" -m venv .venv; }
extras=""
[ "$want_tests" = 1 ] && extras="[test]"
stamp=".setup-stamp$extras"
want_hash="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want_hash" ]; then
  step "Installing Python packages"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".$extras"
  echo "$want_hash" > "$stamp"
fi

# 3. Front-end files from the npm registry at the versions package-lock.json pins.
step "Installing front-end files"
bash scripts/vendor.sh

# 4. Compiled translations.
step "Compiling translations"
.venv/bin/pybabel compile -d translations

# 5. The database schema (SQLite in instance/ unless DATABASE_URL says otherwise).
step "Bringing the database up to date"
.venv/bin/flask --app wsgi db upgrade

# 6. The voice: every spoken prompt without a personal fact, made once (4 languages, 2 speeds),
#    so no participant waits for one. Skips what is built; about a minute the first time.
step "Building the voice"
.venv/bin/flask --app wsgi voice build
