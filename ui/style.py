"""Fonts and look: a CJK font that renders hanzi on Linux (Noto Sans CJK SC) and Windows
(Microsoft YaHei), sizes readable across the counter, and a large change figure (找零) the
resident can read from the other side of the glass."""

from __future__ import annotations

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


def cjk_family() -> str | None:
    available = set(QFontDatabase.families())
    return next((f for f in _CJK_FAMILIES if f in available), None)


def apply_style(app: QApplication) -> None:
    font = QFont()
    family = cjk_family()
    if family:
        font.setFamilies([family])
    font.setPointSize(11)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
