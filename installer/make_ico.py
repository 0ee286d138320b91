#!/usr/bin/env python3
"""installer/windows/propdesk.ico from resources/icons/propdesk.svg (16–256 px), drawn by Qt's
SVG renderer and written by Qt's ICO plugin: no other image tool needed. Run before building
on Windows (the workflow does); the .ico is the EXE's and the installer's icon."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QIcon, QImageWriter

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    icon = QIcon(str(ROOT / "resources" / "icons" / "propdesk.svg"))
    out = ROOT / "installer" / "windows" / "propdesk.ico"
    writer = QImageWriter(str(out), b"ico")
    image = icon.pixmap(256, 256).toImage()
    if not writer.write(image):
        print(f"make_ico: {writer.errorString()}", file=sys.stderr)
        return 1
    del app
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
