#!/usr/bin/env bash
# Installs PropDesk and opens it on a demo database (embedded SQLite: nothing to start).
# ROOMS=N for a bigger demo (default 2000); DB=URL for another database. Other arguments go
# to `propdesk gui` (e.g. --lang en, or --screenshot FILE to render the window without a display).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh app
data="${XDG_DATA_HOME:-$HOME/.local/share}/PropDesk"
mkdir -p "$data"
db="${DB:-sqlite:///$data/demo.db}"
if [ -z "${DB:-}" ] && [ ! -f "$data/demo.db" ]; then
  .venv/bin/propdesk --db "$db" init --demo --rooms "${ROOMS:-2000}"
  echo "demo: receipts print to $data/receipts/T1.escpos (see README, \"The demo's printer\")" >&2
fi
case " $* " in
  *" --screenshot "*|*" --screenshot="*) ;;
  *)
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "demo: no display to open the window on. Either run it on a virtual one:" >&2
      echo "  xvfb-run -a -s \"-screen 0 1366x768x24\" $0 $*" >&2
      echo "or render the window to a picture: $0 --screenshot /tmp/checkout.png" >&2
      exit 2
    fi
    ;;
esac
exec .venv/bin/propdesk --db "$db" gui "$@"
