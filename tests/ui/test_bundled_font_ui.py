"""The GUI registers the bundled Chinese font and falls back to it: hanzi render on a PC with
no CJK system font."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_app_font_ends_with_the_bundled_family(qapp):
    from PySide6.QtGui import QFont, QFontMetrics

    from ui.style import apply_style, bundled_families, ui_families

    assert "PropDesk CJK" in bundled_families()
    font, sheet = QFont(qapp.font()), qapp.styleSheet()
    try:
        apply_style(qapp)
        assert qapp.font().families()[-1] == "PropDesk CJK"
        assert ui_families()[-1] == "PropDesk CJK"
        metrics = QFontMetrics(QFont("PropDesk CJK"))
        assert all(metrics.inFontUcs4(ord(ch)) for ch in "收款收据找零0A")
    finally:  # the QApplication is shared by the whole session: later tests measure widths
        qapp.setFont(font)
        qapp.setStyleSheet(sheet)


_NO_SYSTEM_FONTS = textwrap.dedent("""
    from PySide6.QtGui import QColor, QFontDatabase, QImage, QPainter
    from PySide6.QtWidgets import QApplication
    from ui.style import apply_style
    app = QApplication([])
    before = QFontDatabase.families()
    apply_style(app)
    img = QImage(200, 60, QImage.Format.Format_Grayscale8)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setFont(app.font())
    p.drawText(5, 40, "收款收据")
    p.end()
    dark = sum(1 for x in range(200) for y in range(60) if img.pixelColor(x, y).lightness() < 128)
    print(len(before), "PropDesk CJK" in QFontDatabase.families(), dark)
""")


def test_hanzi_render_with_only_the_bundled_font(tmp_path):
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>', encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), FONTCONFIG_PATH=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", _NO_SYSTEM_FONTS], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout.split()
    system_families, registered, dark = int(out[0]), out[1] == "True", int(out[2])
    assert registered
    assert dark > 200  # four hanzi in ink (~280 px); four tofu boxes without the font are ~110
    del system_families  # Qt may list its own fallback names even with no font files
