#!/usr/bin/env python3
"""Build PropDesk for a PC without Python: a PyInstaller one-folder app, then the OS packages.

    python3 installer/build.py              # build venv if needed, dist/PropDesk/, tarball, .deb
    python3 installer/build.py --no-deb     # just the folder and the tarball
    python installer/build.py --iss         # Windows: dist/PropDesk/ then PropDesk-Setup-<v>.exe (ISCC)

Outputs (in dist/):
  PropDesk/                          the frozen app: `PropDesk` (windowed GUI), `propdesk` (console
                                     CLI; `propdesk-cli.exe` on Windows, where names ignore case)
  propdesk-<v>-linux-x86_64.tar.gz   that folder, for any Linux
  propdesk_<v>_amd64.deb             /opt/propdesk, /usr/bin/propdesk, menu entry and icon
  PropDesk-Setup-<v>.exe             (Windows, with --iss) Inno Setup installer

The version comes from one place, `app/__init__.py` (`__version__`; pyproject.toml reads it
too): the frozen app imports it, and this script hands it to the .deb control file and to
Inno Setup (`/DAppVersion=`).

PyInstaller is not part of the app's environment (optional group `build` in pyproject.toml).
Unless the running interpreter already has it, this script makes `build/venv` with the app's
dependencies plus that group — a clean environment, so nothing a developer happened to install
is frozen in — and re-installs only when pyproject.toml changes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
DIST = ROOT / "dist"
WORK = ROOT / "build"
VENV = WORK / "venv"
WINDOWS = sys.platform == "win32"


def version() -> str:
    """`__version__` from app/__init__.py, read as text (no import: the build's Python may differ)."""
    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.M)
    if not found:
        raise SystemExit("build: no __version__ in app/__init__.py")
    return found.group(1)


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"]) + list(project["optional-dependencies"]["build"])


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if WINDOWS else "bin/python")


def build_python(explicit: str | None) -> str:
    """The interpreter that runs PyInstaller: --python, this one if it has PyInstaller, else build/venv."""
    if explicit:
        return explicit
    if os.environ.get("PROPDESK_BUILD_USE_CURRENT") == "1":
        return sys.executable
    py = _venv_python()
    stamp = VENV / f".installed-{hashlib.sha256((ROOT / 'pyproject.toml').read_bytes()).hexdigest()[:16]}"
    if not stamp.exists():
        if not py.exists():
            print(f"build: creating {VENV}", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        print("build: installing the app's dependencies and PyInstaller into it", flush=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", *_requirements()], check=True)
        for old in VENV.glob(".installed-*"):
            old.unlink()
        stamp.touch()
    return str(py)


def freeze(python: str) -> Path:
    """Run PyInstaller on installer/propdesk.spec; returns dist/PropDesk."""
    env = dict(os.environ, PROPDESK_ROOT=str(ROOT), PROPDESK_VERSION=version())
    subprocess.run([python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(DIST), "--workpath", str(WORK / "pyinstaller"),
                    str(INSTALLER / "propdesk.spec")], check=True, env=env, cwd=ROOT)
    app_dir = DIST / "PropDesk"
    (app_dir / "VERSION").write_text(version() + "\n", encoding="utf-8")
    return app_dir


def tarball(app_dir: Path) -> Path:
    out = DIST / f"propdesk-{version()}-linux-x86_64.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(app_dir, arcname=f"propdesk-{version()}")
    return out


# Libraries the frozen app takes from the system (PyInstaller leaves out the C library, GL and
# the X/xcb stack, which must match the machine's display server), named as Debian and Ubuntu
# 22.04+ name them. libzbar is bundled.
DEB_DEPENDS = ("libc6 (>= 2.31), libegl1, libgl1, libfontconfig1, libfreetype6, libglib2.0-0, libdbus-1-3, "
               "libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, "
               "libxcb-xinerama0, libxcb-randr0, libxcb-render-util0, libxcb-image0, libx11-xcb1")


def deb(app_dir: Path) -> Path:
    """dpkg-deb package: the folder at /opt/propdesk, `propdesk` on PATH, a menu entry and an icon."""
    stage = WORK / "deb" / "root"
    shutil.rmtree(stage.parent, ignore_errors=True)
    opt = stage / "opt" / "propdesk"
    shutil.copytree(app_dir, opt, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    os.symlink("/opt/propdesk/propdesk", stage / "usr" / "bin" / "propdesk")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(INSTALLER / "propdesk.desktop", apps / "propdesk.desktop")
    icons = stage / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    icons.mkdir(parents=True)
    shutil.copy2(ROOT / "resources" / "icons" / "propdesk.svg", icons / "propdesk.svg")
    size_kib = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    control = stage / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        f"Package: propdesk\nVersion: {version()}\nArchitecture: amd64\nMaintainer: PropDesk <support@propdesk.invalid>\n"
        f"Installed-Size: {size_kib}\nDepends: {DEB_DEPENDS}\nSection: misc\nPriority: optional\n"
        "Description: PropDesk 物业前台收银台 — property service counter\n"
        " Takes property fees, prepaid top-ups and deposits at the counter of a property\n"
        " service center; prints receipts. Self-contained: Python, Qt and a Chinese font\n"
        " are inside /opt/propdesk. Each user's data stays in ~/.local/share/PropDesk.\n",
        encoding="utf-8")
    # The menu and icon caches, when the desktop has them; never fail the install over them.
    (control / "postinst").write_text(
        "#!/bin/sh\nset -e\n"
        "command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true\n"
        "command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q /usr/share/icons/hicolor || true\n"
        "exit 0\n", encoding="utf-8")
    (control / "postinst").chmod(0o755)
    out = DIST / f"propdesk_{version()}_amd64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(stage), str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return out


def inno_setup(app_dir: Path) -> Path:
    """PropDesk-Setup-<version>.exe from installer/windows/propdesk.iss (needs ISCC.exe)."""
    installed = [Path(os.environ.get(v, r"C:\Program Files (x86)")) / f"Inno Setup {n}" / "ISCC.exe"
                 for n in (7, 6) for v in ("ProgramFiles(x86)", "ProgramFiles")]
    iscc = (os.environ.get("ISCC") or shutil.which("iscc")
            or next((str(p) for p in installed if p.is_file()), str(installed[-1])))
    subprocess.run([iscc, f"/DAppVersion={version()}", f"/DSourceDir={app_dir}", f"/DOutputDir={DIST}",
                    str(INSTALLER / "windows" / "propdesk.iss")], check=True)
    return DIST / f"PropDesk-Setup-{version()}.exe"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--python", help="interpreter with the app's dependencies and PyInstaller (default: build/venv)")
    p.add_argument("--no-freeze", action="store_true", help="package an existing dist/PropDesk")
    p.add_argument("--no-deb", action="store_true", help="skip the .deb")
    p.add_argument("--no-tarball", action="store_true", help="skip the tarball")
    p.add_argument("--iss", action="store_true", help="also run Inno Setup (Windows)")
    p.add_argument("--venv-only", action="store_true", help="just prepare build/venv")
    p.add_argument("--print-version", action="store_true", help="print the version and exit")
    args = p.parse_args(argv)
    if args.print_version:
        print(version())
        return 0
    python = build_python(args.python) if not args.no_freeze or args.venv_only else sys.executable
    if args.venv_only:
        print(python)
        return 0
    app_dir = DIST / "PropDesk" if args.no_freeze else freeze(python)
    made = [app_dir]
    if not WINDOWS:
        if not args.no_tarball:
            made.append(tarball(app_dir))
        if not args.no_deb and shutil.which("dpkg-deb"):
            made.append(deb(app_dir))
    if args.iss:
        made.append(inno_setup(app_dir))
    for m in made:
        print(f"build: {m.relative_to(ROOT) if m.is_relative_to(ROOT) else m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
