#!/usr/bin/env bash
# The .deb on a Debian system that has neither Python nor a Chinese font: what a counter PC
# freshly installed from a minimal image is. debootstrap makes that system (minbase: no
# python3, no fonts); apt installs the .deb there with the libraries its Depends name; then
#   - python3 is still absent and no font outside /opt/propdesk covers Chinese (fontconfig's
#     own dependency brings DejaVu, a Latin font),
#   - the menu entry is installed, and its Exec command (`propdesk gui`, found on PATH as a
#     launcher finds it) opens the window: a screenshot offscreen, then on an X server (Xvfb)
#     without --screenshot, where a new database shows the first-run wizard,
#   - installer/smoke.sh runs the installed /opt/propdesk inside that system (init --demo, pay,
#     the receipt as a PDF embedding the bundled font only, ESC/POS, the window, the wizard),
#   - removing the package leaves the system as it was (no /opt/propdesk, no menu entry).
# Exit 0 = good.
#
#   installer/check_deb_clean.sh dist/propdesk_<version>_amd64.deb            # a new root in a temp folder
#   installer/check_deb_clean.sh dist/propdesk_<version>_amd64.deb /srv/clean # reuse (or make) this root
#
# Needs: root (chroot, mount), debootstrap, the Debian mirror (DEBIAN_MIRROR, default
# deb.debian.org), pdffonts/pdftotext (poppler-utils), fc-query (fontconfig),
# Xvfb and xdotool here (apt-get install debootstrap poppler-utils fontconfig xvfb xdotool;
# imagemagick too for SMOKE_KEEP's picture of the X screen). The .deb's system is Debian 12
# (SUITE, default bookworm): the build's glibc must not be newer than the system's.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
deb="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[ -f "$deb" ] || { echo "check_deb_clean: no $1" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "check_deb_clean: chroot and mount need root" >&2; exit 1; }
suite="${SUITE:-bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if [ $# -ge 2 ]; then
  jail="$2"; keep=1
else
  jail="$(mktemp -d /tmp/propdesk-clean.XXXXXX)"; keep=""
fi
mounted=()
xvfb=""; gui=""
cleanup() {
  for pid in $gui $xvfb; do kill "$pid" 2>/dev/null || true; done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
  [ -n "$keep" ] || rm -rf "$jail"
}
trap cleanup EXIT
t0=$(date +%s)
if [ ! -x "$jail/usr/bin/apt-get" ]; then
  echo "check_deb_clean: debootstrap --variant=minbase $suite $jail" >&2
  debootstrap --variant=minbase "$suite" "$jail" "$mirror" >/dev/null
fi
for m in proc dev dev/pts; do
  mkdir -p "$jail/$m"
  case "$m" in proc) mount -t proc proc "$jail/proc" ;; *) mount --bind "/$m" "$jail/$m" ;; esac
  mounted+=("$jail/$m")
done
cp /etc/resolv.conf "$jail/etc/resolv.conf"
in_jail() { chroot "$jail" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive "$@"; }
fail() { echo "check_deb_clean: $*" >&2; exit 1; }

# the system as a fresh minimal install: no Python (its fonts are looked at after the install)
in_jail sh -c 'command -v python3 || command -v python' && fail "the clean system has Python before the install"
t_root=$(date +%s)
cp "$deb" "$jail/tmp/propdesk.deb"
in_jail apt-get update -qq
in_jail apt-get install -y -qq --no-install-recommends /tmp/propdesk.deb >/dev/null
t_installed=$(date +%s)

in_jail sh -c 'command -v python3 || command -v python' && fail "installing the .deb brought Python"
# fonts: libfontconfig1 brings a Latin one (fonts-dejavu-core); none may write Chinese
cjk=""
while IFS= read -r f; do
  [ -n "$f" ] || continue
  fc-query --format '%{lang}\n' "$jail$f" | tr '|' '\n' | grep -qx 'zh-cn' && cjk="$cjk $f"
done < <(in_jail find / -xdev -path /opt/propdesk -prune -o -type f \
  \( -iname '*.ttf' -o -iname '*.ttc' -o -iname '*.otf' -o -iname '*.otc' \) -print)
[ -z "$cjk" ] || fail "the system has Chinese fonts besides PropDesk's own:$cjk"
[ "$(in_jail sh -c 'command -v propdesk')" = /usr/bin/propdesk ] || fail "propdesk is not on PATH as /usr/bin/propdesk"

entry="$jail/usr/share/applications/propdesk.desktop"
[ -f "$entry" ] || fail "no menu entry at /usr/share/applications/propdesk.desktop"
grep -q '^Name\[zh_CN\]=物业前台收银台$' "$entry" || fail "the menu entry has no Chinese name"
icon="$(sed -n 's/^Icon=//p' "$entry")"
[ -n "$(find "$jail/usr/share/icons/hicolor" -path "*/apps/$icon.*" 2>/dev/null)" ] || fail "no icon $icon in hicolor"
exec_line="$(sed -n 's/^Exec=//p' "$entry")"
[ -n "$exec_line" ] || fail "the menu entry has no Exec"
# what a desktop launcher runs, in its bare environment; --screenshot because there is no display
rm -rf "$jail/tmp/menu"; mkdir -p "$jail/tmp/menu/home"
chroot "$jail" env -i PATH=/usr/bin:/bin HOME=/tmp/menu/home QT_QPA_PLATFORM=offscreen \
  PROPDESK_DB=sqlite:////tmp/menu/new.db sh -c "$exec_line --screenshot /tmp/menu/start.png" \
  || fail "the menu entry's command ($exec_line) failed"
[ -s "$jail/tmp/menu/start.png" ] || fail "the menu entry's command made no window"
[ -n "${SMOKE_KEEP:-}" ] && cp "$jail/tmp/menu/start.png" "$SMOKE_KEEP/menu-start.png"

# The same command on a real X server (Xvfb here), as a desktop starts it: no --screenshot, so
# Qt loads its xcb plugin (whose libraries the Depends must bring) and a new database opens the
# first-run wizard. The X socket is bound into the system; xdotool waits for the window.
mkfifo "$jail/tmp/menu/display"
Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp 3>"$jail/tmp/menu/display" >/dev/null 2>&1 &
xvfb=$!
read -r display <"$jail/tmp/menu/display"
mkdir -p "$jail/tmp/.X11-unix"
mount --bind /tmp/.X11-unix "$jail/tmp/.X11-unix"; mounted+=("$jail/tmp/.X11-unix")
chroot "$jail" env -i PATH=/usr/bin:/bin HOME=/tmp/menu/home DISPLAY=":$display" \
  PROPDESK_DB=sqlite:////tmp/menu/first.db sh -c "exec $exec_line" >"$jail/tmp/menu/x.log" 2>&1 &
gui=$!
if ! wid="$(DISPLAY=":$display" timeout 120 xdotool search --sync --onlyvisible --name 'PropDesk')"; then
  cat "$jail/tmp/menu/x.log" >&2
  fail "the menu entry's command opened no window on the X server within 120 s"
fi
title="$(DISPLAY=":$display" xdotool getwindowname "${wid%%$'\n'*}")"
[ -n "${SMOKE_KEEP:-}" ] && DISPLAY=":$display" import -window root "$SMOKE_KEEP/menu-x11.png"
kill "$gui"; wait "$gui" 2>/dev/null || true; gui=""
kill "$xvfb"; wait "$xvfb" 2>/dev/null || true; xvfb=""
case "$title" in *首次*|*first-run*) ;; *) fail "a new database opened \"$title\", not the first-run wizard" ;; esac
echo "check_deb_clean: the menu entry on X opened \"$title\"" >&2

SMOKE_CHROOT="$jail" bash "$root/installer/smoke.sh" /opt/propdesk
t_smoked=$(date +%s)

in_jail apt-get remove -y -qq propdesk >/dev/null
[ ! -e "$jail/opt/propdesk" ] || fail "/opt/propdesk is left after removing the package"
[ ! -e "$entry" ] || fail "the menu entry is left after removing the package"
echo "check_deb_clean: OK (clean root $((t_root - t0)) s, install $((t_installed - t_root)) s," \
  "smoke $((t_smoked - t_installed)) s)"
