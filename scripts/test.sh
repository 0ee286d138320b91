#!/usr/bin/env bash
# Installs everything the tests need, then runs the whole suite (unit, integration on SQLite
# and a throwaway PostgreSQL, UI offscreen, benchmark smoke runs at small size).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
