#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs linters, type checks and the suite.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e '.[test]'

# Debian's Chromium drives the browser tests (Playwright uses it by its executable path). Skipped when it is
# already there; otherwise wait up to ten minutes for another apt or dpkg process (an unattended upgrade, say)
# to release its lock rather than failing at once.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  APT=(apt-get -o DPkg::Lock::Timeout=600)
  $SUDO "${APT[@]}" update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq chromium >/dev/null
fi

ruff check kg tests bench
ruff format --check kg tests bench
mypy kg

python -m pytest "$@"
