#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs linters, type checks and the suite.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e '.[test]'

# Debian packages: Chromium drives the browser tests (Playwright uses it by its executable path); OpenLink
# Virtuoso is the second triple store of the remote tests (tests/stores.py starts it on 127.0.0.1). apt runs
# only for what is missing, and waits up to ten minutes for another apt or dpkg process (an unattended
# upgrade, say) to release its lock rather than failing at once.
MISSING=()
command -v chromium >/dev/null 2>&1 || MISSING+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || MISSING+=(virtuoso-opensource)
if [ "${#MISSING[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  APT=(apt-get -o DPkg::Lock::Timeout=600)
  $SUDO "${APT[@]}" update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq "${MISSING[@]}" >/dev/null
fi

ruff check kg tests bench
ruff format --check kg tests bench
mypy kg

python -m pytest "$@"
