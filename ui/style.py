"""Fonts and look: a CJK font that renders hanzi on Linux (Noto Sans CJK SC) and Windows
(Microsoft YaHei), sizes readable across the counter, and a large change figure (找零) the
resident can read from the other side of the glass.

The app ships its own Chinese font (resources/fonts/PropDeskCJK.ttf, WenQuanYi Micro Hei cut to
GBK): registered with Qt at start and always the last family of the app font, so a PC without
any CJK system font (a bare Linux, a stripped Windows image) shows hanzi, not boxes, while a PC
that has YaHei or Noto keeps its nicer system font."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

_CJK_FAMILIES = ("Microsoft YaHei", "Microsoft YaHei UI", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
                 "WenQuanYi Micro Hei", "PingFang SC")

STYLESHEET = """
QLineEdit#searchBox { font-size: 16pt; padding: 6px 8px; border: 2px solid #2d6cdf; border-radius: 4px; }
QFrame#householdCard { background: #fbfcfe; }
QLabel#cardTitle { font-size: 15pt; font-weight: bold; color: #1f3b70; }
QLabel#cardLabel { color: #555; }
QLabel#card_owed[alert="true"] { color: #b00020; font-weight: bold; }
QLabel#dueFigure { font-size: 18pt; font-weight: bold; }
QLabel#receivedFigure { font-size: 14pt; }
QLabel#changeCaption { font-size: 16pt; font-weight: bold; }
QLabel#changeFigure { font-size: 30pt; font-weight: bold; color: #0a7a2f; }
QLabel#changeFigure[short="true"] { color: #b00020; }
QLabel#errorLine { color: #b00020; }
QLabel#errorLine[warning="true"] { color: #8a4b00; font-weight: bold; }
QLabel#busyLabel[warning="true"] { color: #8a4b00; font-weight: bold; }
QPushButton#printAlert { color: #ffffff; background: #b00020; font-weight: bold; padding: 2px 8px; border-radius: 3px; }
QLabel#statusPrinter[alert="true"] { color: #b00020; font-weight: bold; }
QLabel#varianceFigure { font-weight: bold; color: #0a7a2f; }
QLabel#varianceFigure[alert="true"] { color: #b00020; }
QLabel#statusShift[alert="true"] { color: #b00020; font-weight: bold; }
QLabel#busyLabel { color: #2d6cdf; }
QPushButton#payButton { font-size: 14pt; font-weight: bold; padding: 6px 16px; background: #0a7a2f; color: white;
                        border-radius: 4px; }
QPushButton#payButton:disabled { background: #8fb89c; }
QPushButton:checked { background: #2d6cdf; color: white; border-radius: 3px; padding: 4px; }
QTableView { gridline-color: #e3e7ee; selection-background-color: #cfe0fb; selection-color: black; }
"""


FONTS_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"


@lru_cache(maxsize=1)
def bundled_families() -> tuple[str, ...]:
    """Register the fonts in resources/fonts with Qt (once per process); their family names."""
    families: list[str] = []
    for path in sorted(FONTS_DIR.glob("*.tt[fc]")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += [f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in families]
    return tuple(families)


def cjk_family() -> str | None:
    available = set(QFontDatabase.families())
    return next((f for f in _CJK_FAMILIES if f in available), None)


def ui_families() -> list[str]:
    """The app font's families in order: the system's CJK font when there is one, then ours."""
    bundled = list(bundled_families())
    system = cjk_family()
    return ([system] if system and system not in bundled else []) + bundled


def apply_style(app: QApplication) -> None:
    font = QFont()
    families = ui_families()
    if families:
        font.setFamilies(families)
    font.setPointSize(11)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
