#!/usr/bin/env bash
# Scanned-code payments (付款码, F3) on the demo: starts the local WeChat Pay / Alipay gateway
# emulator (drivers/gateways/emulator.py), points the demo counter's gateway settings at it
# (`propdesk gateway set`, as a manager would) and keeps it running until Ctrl-C.
# Then, in another terminal: scripts/demo.sh, pick a room, F3, scan/type one of the codes below.
# PORT=8700 by default; DB=URL for another database than the demo's (it must exist already).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${XDG_DATA_HOME:-$HOME/.local/share}/PropDesk"
db="${DB:-sqlite:///$data/demo.db}"
port="${PORT:-8700}"
if [ -z "${DB:-}" ] && [ ! -f "$data/demo.db" ]; then
  echo "demo-gateway: no demo database yet — run scripts/demo.sh once first" >&2
  exit 2
fi
[ -x .venv/bin/python ] || scripts/bootstrap.sh app
mkdir -p "$data/gateway-emulator"
keys="$data/gateway-emulator/keys"
log="$data/gateway-emulator/emulator.log"
script="$data/gateway-emulator/script.json"
# What each demo code does (any other code: paid at once).
cat >"$script" <<'JSON'
{"codes": {
  "134567890123456789": "success",
  "134567890123456780": {"outcome": "paying", "queries": 3},
  "134567890123456781": "declined",
  "284567890123456789": "success",
  "284567890123456780": {"outcome": "paying", "queries": 3},
  "284567890123456781": "declined"
}}
JSON
.venv/bin/python -m drivers.gateways.emulator --listen "127.0.0.1:$port" --keys "$keys" --script "$script" >"$log" 2>&1 &
emu=$!
trap 'kill "$emu" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 300); do  # RSA keys are made on the first run: allow a few seconds
  grep -q "outcomes by auth code" "$log" 2>/dev/null && break
  kill -0 "$emu" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
grep -q "outcomes by auth code" "$log" || { echo "demo-gateway: the emulator did not start" >&2; cat "$log" >&2; exit 1; }
# The emulator prints the exact `propdesk gateway set …` lines for its merchants: apply them.
grep '^  propdesk gateway set ' "$log" | while read -r _propdesk args; do
  read -ra argv <<<"$args"
  .venv/bin/propdesk --db "$db" "${argv[@]}"
done
head -1 "$log"
cat <<'TEXT'
Demo payment codes (F3 in the window, or --tender scan=AMOUNT:CODE on the command line):
  WeChat Pay 134567890123456789 paid at once   134567890123456780 等待用户输入密码… then paid   134567890123456781 declined
  Alipay     284567890123456789 paid at once   284567890123456780 等待用户输入密码… then paid   284567890123456781 declined
Now run scripts/demo.sh in another terminal. Ctrl-C here stops the emulator.
TEXT
wait "$emu"
