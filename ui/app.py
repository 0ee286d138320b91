"""Starts the Qt application on a database: migrate, optional demo, main window."""

from __future__ import annotations

import os
import sys

from app.config import Settings
from app.context import AppContext


def run_gui(settings: Settings, *, demo: bool = False, screenshot: str | None = None, lang: str = "zh_CN") -> int:
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow
    from ui.style import apply_style

    if screenshot and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    if demo:
        from app.services import overview

        if overview.counts(ctx)["rooms"] == 0:
            from app.services.demo import build_demo

            build_demo(ctx, rooms=2000, seed=1)
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
    if screenshot:
        app.processEvents()
        ok = window.grab().save(screenshot)
        window.close()
        ctx.close()
        return 0 if ok else 1
    code = app.exec()
    ctx.close()
    return code
