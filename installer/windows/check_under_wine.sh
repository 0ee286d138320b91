#!/usr/bin/env bash
# The Windows installer, checked on Linux under Wine: installer/windows/propdesk.iss compiled by
# Inno Setup's own ISCC.exe, the Setup installed silently (Simplified Chinese), then uninstalled.
# Exit 0 = every check below held.
#
#   installer/windows/check_under_wine.sh                    # a stand-in app folder (see below)
#   installer/windows/check_under_wine.sh path\to\PropDesk   # a folder built on Windows (build.py --iss)
#
# What it proves: the script compiles (with ISCC 6.4.1, a compiler without the official Chinese
# translation, so the bundled ChineseSimplified.isl is the one used); Setup installs per machine
# into Program Files, makes the Start-menu entries (app, CLI, uninstall — in Chinese) and the
# desktop shortcut, each opening the shared database in ProgramData\PropDesk; the uninstaller
# removes the program and its shortcuts and KEEPS ProgramData\PropDesk (the counter's database
# and receipts). What it cannot prove: that the frozen Windows app runs — PyInstaller cannot
# build a Windows app on Linux, so unless a real folder is given the app is a stand-in of two
# small files named as the real ones; .github/workflows/windows-installer.yml builds and runs the
# real one on a Windows runner.
#
# Needs (Debian): dpkg --add-architecture i386 && apt-get update &&
#                 apt-get install wine wine32 wine64 xvfb binutils   — and npm (ISCC comes from the npm
#                 registry's `innosetup` package, which carries Inno Setup's compiler as is).
# Manual, not part of CI: Wine with its 32-bit half is ~2.5 GB to install.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ISCC_PACKAGE="innosetup@6.4.1"
for tool in wine wineserver winepath npm Xvfb strings; do
  command -v "$tool" >/dev/null || { echo "check_under_wine: $tool is missing (see the header of $0)" >&2; exit 2; }
done

work="$(mktemp -d)"
xvfb=""
trap 'WINEPREFIX="$work/prefix" wineserver -k >/dev/null 2>&1 || true; [ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null || true
      [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all
fail() { echo "check_under_wine: FAILED: $*" >&2; [ -s "$work/wine.out" ] && tail -5 "$work/wine.out" >&2; exit 1; }
win() { local rc=0; timeout 300 wine "$@" >"$work/wine.out" 2>&1 || rc=$?; timeout 120 wineserver -w; return $rc; }

# One X server for every Wine program of the check. (A server of its own for each, as xvfb-run
# gives, made Setup in Chinese stop at once most times: "Error reading
# FPreparingMemo.Lines.Strings: A call to an OS function failed".) Xvfb names the free display
# it took on a fifo, so nothing waits by the clock.
mkfifo "$work/display"
Xvfb -displayfd 3 -screen 0 1366x768x24 3>"$work/display" >/dev/null 2>&1 &
xvfb=$!
read -r display <"$work/display"
export DISPLAY=":$display"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/propdesk/iscc/${ISCC_PACKAGE}"
if [ ! -f "$cache/package/bin/ISCC.exe" ]; then
  mkdir -p "$cache"
  (cd "$cache" && npm pack --silent "$ISCC_PACKAGE" >/dev/null && tar xzf ./*.tgz)  # npm checks the registry's integrity hash
fi
iscc="$cache/package/bin/ISCC.exe"
[ -f "$iscc" ] || fail "no ISCC.exe in $ISCC_PACKAGE"

if [ $# -ge 1 ]; then
  src="$(cd "$1" && pwd)"
else
  src="$work/stand-in/PropDesk"
  mkdir -p "$src/_internal"
  echo "stand-in for the frozen GUI" >"$src/PropDesk.exe"
  echo "stand-in for the frozen CLI" >"$src/propdesk-cli.exe"
  echo "stand-in" >"$src/_internal/base_library.zip"
fi
version="$(sed -n 's/^__version__ *= *"\([^"]*\)".*/\1/p' "$root/app/__init__.py")"
[ -n "$version" ] || fail "no __version__ in app/__init__.py"

timeout 120 wineboot -i >/dev/null 2>&1; timeout 120 wineserver -w
cp -r "$root/installer/windows" "$work/iss"
(cd "$work/iss" && timeout 300 wine "$iscc" /Q "/DAppVersion=$version" "/DSourceDir=Z:$src" "/DOutputDir=Z:$work/out" \
  propdesk.iss) || fail "ISCC could not compile propdesk.iss"
setup="$work/out/PropDesk-Setup-$version.exe"
[ -f "$setup" ] || fail "ISCC made no $setup"
echo "compiled: PropDesk-Setup-$version.exe ($(stat -c %s "$setup") bytes)"

c="$WINEPREFIX/drive_c"
app="$c/Program Files/PropDesk"
menu="$c/ProgramData/Microsoft/Windows/Start Menu/Programs/PropDesk"
desktop="$c/users/Public/Desktop/PropDesk 物业前台收银台.lnk"
data="$c/ProgramData/PropDesk"
# Windows paths: a Unix one (/tmp/…) is read by Setup as one of its own /switches
win "$(winepath -w "$setup")" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /LANG=chinesesimplified /TASKS=desktopicon \
  "/LOG=$(winepath -w "$work/install.log")" || fail "Setup exited with $?"
grep -aq "Installation process succeeded" "$work/install.log" || fail "Setup did not succeed (log: $(tail -3 "$work/install.log"))"
for f in PropDesk.exe propdesk-cli.exe _internal/base_library.zip unins000.exe; do
  [ -f "$app/$f" ] || fail "not installed: Program Files\\PropDesk\\$f"
done
for l in "PropDesk 物业前台收银台.lnk" "PropDesk 命令行 (CLI).lnk" "卸载 PropDesk.lnk"; do
  [ -f "$menu/$l" ] || fail "no Start-menu entry '$l' (have: $(ls "$menu" 2>/dev/null | tr '\n' ','))"
done
[ -f "$desktop" ] || fail "no desktop shortcut"
[ -d "$data" ] || fail "no per-machine data folder ProgramData\\PropDesk"
for l in "$menu/PropDesk 物业前台收银台.lnk" "$desktop"; do
  strings -e l "$l" | grep -qF -- '--db "sqlite:///C:\ProgramData\PropDesk\propdesk.db"' ||
    fail "$(basename "$l") does not open ProgramData\\PropDesk\\propdesk.db"
done
echo "installed: Program Files\\PropDesk, 3 Start-menu entries (Chinese), desktop shortcut, ProgramData\\PropDesk"

# the counter's data, as the app leaves it: must outlive the uninstall
echo "the counter's database" >"$data/propdesk.db"
mkdir -p "$data/receipts" && echo "receipt" >"$data/receipts/T1.escpos"
win "C:\\Program Files\\PropDesk\\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART || fail "the uninstaller exited with $?"
[ ! -e "$app" ] || fail "uninstall left Program Files\\PropDesk: $(find "$app" | head -5 | tr '\n' ' ')"
[ ! -e "$menu" ] && [ ! -e "$desktop" ] || fail "uninstall left shortcuts"
[ "$(cat "$data/propdesk.db")" = "the counter's database" ] && [ -f "$data/receipts/T1.escpos" ] ||
  fail "uninstall touched ProgramData\\PropDesk"
echo "uninstalled: program and shortcuts gone, ProgramData\\PropDesk kept"
echo "check_under_wine: OK (Inno Setup $(strings -e l "$iscc" | grep -m1 -o '6\.[0-9]\.[0-9]' || echo "${ISCC_PACKAGE#*@}"), source: $src)"
