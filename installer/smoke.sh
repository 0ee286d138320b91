#!/usr/bin/env bash
# Smoke test of the frozen build: the binary in dist/PropDesk (built now, or the one given),
# run outside any virtualenv with an empty environment — no Python, no PYTHONPATH, a fresh
# HOME — does a counter's day: init --demo --rooms 200, bills, open a shift, pay, receipt as
# PDF (which must embed the bundled Chinese font) and as ESC/POS bytes, a GUI screenshot
# offscreen. Exit 0 = good.
#
#   installer/smoke.sh                 # build (installer/build.py --no-deb --no-tarball), then test
#   installer/smoke.sh dist/PropDesk   # test an existing build (e.g. the unpacked tarball, /opt/propdesk)
#   SMOKE_CHROOT=/srv/clean installer/smoke.sh /opt/propdesk
#                                      # test the build installed in a root directory (a clean system
#                                      # with the .deb installed: installer/check_deb_clean.sh); the
#                                      # program runs there, the checks of its output run here
#
# Needs: python3 (3.11/3.12, to build), binutils (PyInstaller), libzbar0, pdffonts (poppler-utils),
# the Qt runtime libraries; scripts/bootstrap.sh test installs them on Debian/Ubuntu.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
t0=$(date +%s)
jail="${SMOKE_CHROOT:-}"
if [ -n "$jail" ]; then
  jail="$(cd "$jail" && pwd)"
  [ $# -ge 1 ] || { echo "smoke: with SMOKE_CHROOT, give the build's folder inside it (e.g. /opt/propdesk)" >&2; exit 1; }
  app="$1"
elif [ $# -ge 1 ]; then
  app="$(cd "$1" && pwd)"
else
  py="${PYTHON:-}"
  for c in python3.11 python3.12 python3; do
    [ -n "$py" ] && break
    command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(not (3,11) <= sys.version_info[:2] < (3,13))' && py="$c"
  done
  [ -n "$py" ] || { echo "smoke: Python 3.11 or 3.12 is needed to build" >&2; exit 1; }
  "$py" "$root/installer/build.py" --no-deb --no-tarball
  app="$root/dist/PropDesk"
fi
t_built=$(date +%s)
cli="$app/propdesk"
[ -x "$jail$cli" ] || { echo "smoke: no $jail$cli" >&2; exit 1; }
[ -x "$jail$app/PropDesk" ] || { echo "smoke: no $jail$app/PropDesk (the GUI program)" >&2; exit 1; }

# $work: the files as this script sees them; $w: as the program sees them (the same without a chroot)
mkdir -p "$jail/tmp"
work="$(mktemp -d "$jail/tmp/smoke.XXXXXX")"
w="${work#"$jail"}"
trap 'rm -rf "$work"' EXIT
db="sqlite:///$w/smoke.db"
# The empty environment of a desktop launcher at worst: nothing of ours, no Python, no display.
# PROPDESK_PASSWORD: the sign-in gate asks data-changing commands for the acting user's password
# (the demo's admin is admin/admin).
run() {
  echo "smoke: propdesk $*" >&2
  ${jail:+chroot "$jail"} env -i PATH=/usr/bin:/bin HOME="$w/home" PROPDESK_DB="$db" PROPDESK_PASSWORD=admin \
    QT_QPA_PLATFORM=offscreen "$cli" "$@"
}
mkdir -p "$work/home"

run init --demo --rooms 200
# a room that owes something: the demo's chronic debtors first, then any
room=""
for r in 1-1-402 2-2-202 2-2-2401 2-1-202 1-1-201 1-1-301 1-1-501; do
  owes="$(run bills --room "$r" --json)"
  case "$owes" in *'"status": "unpaid"'*) room="$r"; break ;; esac
done
[ -n "$room" ] || { echo "smoke: no demo room with unpaid bills" >&2; exit 1; }
owed="$(run bills --room "$room" | head -1)"
echo "$owed"
# 欠费 X 元  滞纳金 Y 元: pay it all in cash, a little over (change stays under the community's limit)
cash="$(echo "$owed" | awk '{ for (i = 1; i < NF; i++) { if ($i == "欠费") o = $(i+1); if ($i == "滞纳金") l = $(i+1) } }
  END { gsub(",", "", o); gsub(",", "", l); printf "%d", o + l + 10 }')"
run shift open --float 100
paid="$(run pay --room "$room" --all --tender "cash=$cash" --json)"
receipt_no="$(printf '%s' "$paid" | grep -o '"receipt_no": *"[^"]*"' | head -1 | sed 's/.*"\([^"]*\)"$/\1/')"
[ -n "$receipt_no" ] || { echo "smoke: pay printed no receipt number: $paid" >&2; exit 1; }
run receipt "$receipt_no" --format pdf -o "$w/receipt.pdf"
fonts="$(pdffonts "$work/receipt.pdf")"
echo "$fonts"
# every font in the PDF is the bundled one (resources/fonts/PropDeskCJK.ttf), embedded
echo "$fonts" | tail -n +3 | awk '{ if ($1 !~ /PropDeskCJK$/ || $(NF-4) != "yes") bad=1 } END { exit bad }' \
  || { echo "smoke: the receipt PDF does not embed the bundled font only" >&2; exit 1; }
pdftotext "$work/receipt.pdf" - | grep -q "收款收据" || { echo "smoke: no Chinese text in the PDF" >&2; exit 1; }
# the thermal printer's bytes (python-escpos inside the build), which start with ESC @
run receipt "$receipt_no" --format escpos -o "$w/receipt.bin"
[ "$(head -c 2 "$work/receipt.bin" | od -An -tx1 | tr -d ' ')" = "1b40" ] \
  || { echo "smoke: the ESC/POS receipt does not start with ESC @" >&2; exit 1; }
# python-escpos's printer database is cached once in the user's cache (app/printing/escpos_cache.py)
ls "$work"/home/.cache/PropDesk/escpos/*/*.capabilities.pickle >/dev/null 2>&1 \
  || { echo "smoke: no python-escpos cache in the user's cache folder" >&2; exit 1; }
run gui --screenshot "$w/window.png" --room "$room"
[ -s "$work/window.png" ] || { echo "smoke: no screenshot" >&2; exit 1; }
# a new install (no `init`): the first-run wizard's first page renders
db="sqlite:///$w/new.db"
run gui --screenshot "$w/wizard.png" --screen first-run
[ -s "$work/wizard.png" ] || { echo "smoke: no wizard screenshot" >&2; exit 1; }
if [ -n "${SMOKE_KEEP:-}" ]; then cp "$work/receipt.pdf" "$work/window.png" "$work/wizard.png" "$SMOKE_KEEP"/; fi
t_done=$(date +%s)
echo "smoke: OK (build $((t_built - t0)) s, smoke $((t_done - t_built)) s)"
