#!/usr/bin/env bash
# Installs what PropDesk needs on a Debian/Ubuntu machine, idempotently:
#   system packages (apt, when missing: as root directly, otherwise the exact command is printed)
#   and the Python packages in ./.venv (re-installed only when pyproject.toml changed).
# Usage: scripts/bootstrap.sh [app|test]
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-app}"

# Runtime: zbar for QR decoding, CJK fonts for receipts/PDF/UI, the libraries Qt's xcb and
# offscreen platforms load. Tests also need PostgreSQL server binaries, poppler (pdftoppm,
# pdftotext), socat (fake serial ports).
apt_pkgs=(libzbar0 fonts-noto-cjk fonts-wqy-microhei libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0
          libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
          libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0)
if [ "$what" = test ]; then
  apt_pkgs+=(postgresql poppler-utils socat binutils)  # binutils: objdump for PyInstaller (installer/smoke.sh)
fi

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${apt_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "bootstrap: apt-get install ${missing[*]}" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -q >/dev/null
      apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "bootstrap: missing system packages; run as root:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
      [ "$what" = test ] && exit 1
    fi
  fi
fi

py="${PYTHON:-}"
if [ -z "$py" ]; then
  for c in python3.11 python3.12 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(0 if (3,11) <= sys.version_info[:2] < (3,13) else 1)'; then
      py="$c"; break
    fi
  done
fi
[ -n "$py" ] || { echo "bootstrap: Python 3.11 or 3.12 is required" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
extras=""; [ "$what" = test ] && extras="[test]"
stamp=".venv/.installed-$what-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".$extras"
  touch "$stamp"
fi
