#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs linters, type checks and the suite.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e '.[test]'

# Debian's Chromium drives the browser tests (Playwright uses it by its executable path).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# OpenLink Virtuoso is the second triple store of the remote tests (tests/stores.py starts it on 127.0.0.1).
if ! command -v virtuoso-t >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 virtuoso-opensource >/dev/null
fi

ruff check kg tests bench
ruff format --check kg tests bench
mypy kg

python -m pytest "$@"
