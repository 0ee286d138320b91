"""Fonts and palette: a CJK font that renders hanzi on Linux (Noto Sans CJK) and Windows
(Microsoft YaHei), at a size readable across the counter."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

_CJK_FAMILIES = ("Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei")


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
