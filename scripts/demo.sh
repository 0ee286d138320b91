#!/usr/bin/env bash
# Installs PropDesk and opens it on a demo database (embedded SQLite: nothing to start).
# ROOMS=N for a bigger demo (default 2000); DB=URL for another database.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh app
data="${XDG_DATA_HOME:-$HOME/.local/share}/PropDesk"
mkdir -p "$data"
db="${DB:-sqlite:///$data/demo.db}"
if [ -z "${DB:-}" ] && [ ! -f "$data/demo.db" ]; then
  .venv/bin/propdesk --db "$db" init --demo --rooms "${ROOMS:-2000}"
fi
exec .venv/bin/propdesk --db "$db" gui "$@"
