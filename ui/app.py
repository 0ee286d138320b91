"""Starts the Qt application on a database: translations and fonts, migrate, optional demo,
login, main window."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable

from app.config import Settings
from app.context import AppContext


def _demo(ctx: AppContext) -> None:
    """An empty database becomes a demo company (the builder bills and pays twelve months,
    leaving some arrears)."""
    from app.services import overview

    if overview.counts(ctx)["rooms"]:
        return
    from app.services import users
    from app.demo import build_demo

    users.ensure_first_login(ctx)  # what `propdesk init` creates, so the demo can log in as admin/admin
    build_demo(ctx, rooms=2000, seed=1)


def _first_run(ctx: AppContext, lang: str) -> tuple[AppContext | None, str]:
    """The first-run wizard when the database has neither a user nor a terminal; returns the
    context to go on with (reopened when another terminal code was chosen) and the language,
    or (None, lang) when the wizard was cancelled — nothing was stored then."""
    from app.services import first_run

    with ctx.uow() as s:
        if not first_run.needs_setup(s):
            return ctx, lang
    from PySide6.QtWidgets import QDialog

    from ui.wizard.first_run import FirstRunWizard

    wizard = FirstRunWizard(ctx, lang=lang)
    wizard.resize(900, 600)
    if wizard.exec() != QDialog.DialogCode.Accepted:
        return None, lang
    if wizard.terminal != ctx.terminal:
        settings = dataclasses.replace(ctx.settings, terminal=wizard.terminal)
        ctx.close()
        ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    return ctx, wizard.lang


def _wizard_picture(ctx: AppContext, lang: str, path: str, size: str | None) -> int:
    from ui.wizard.first_run import FirstRunWizard

    wizard = FirstRunWizard(ctx, lang=lang, open_link=lambda conf: None)
    w, _, h = (size or "1366x768").lower().partition("x")
    wizard.resize(int(w), int(h))
    wizard.show()
    ok = wizard.grab().save(path)
    wizard.close()
    return 0 if ok else 1


def run_gui(settings: Settings, *, demo: bool = False, screenshot: str | None = None, lang: str = "zh_CN",
            screen: str = "checkout", room: str | None = None, login: bool = True, size: str | None = None,
            on_ready: Callable[[object], None] | None = None) -> int:
    if screenshot:
        from ui import tabs
        from ui.screenshot import SCREENS

        if screen not in (*SCREENS, "first-run", *tabs.names()):
            from app.errors import InputError

            raise InputError("devices.unknown_screen", screen=screen, screens=[*SCREENS, "first-run", *tabs.names()])
    if screenshot and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui import i18n
    from ui.style import apply_style

    # Each call from Qt into Python (a model's data(), a slot) takes the GIL; with the
    # default 5 ms switch interval a worker thread running a query can make each such call
    # wait, and a table repaint makes hundreds. 1 ms keeps the GUI thread's blocks short.
    sys.setswitchinterval(0.001)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("PropDesk")
    app.setDesktopFileName("propdesk")  # matches installer/propdesk.desktop
    from pathlib import Path

    from PySide6.QtGui import QIcon

    icon = Path(__file__).resolve().parent.parent / "resources" / "icons" / "propdesk.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    i18n.install(app, lang)
    apply_style(app)
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        if demo:
            _demo(ctx)
        if screenshot and screen == "first-run":  # the wizard as a new install shows it (nothing stored)
            return _wizard_picture(ctx, lang, screenshot, size)
        if not screenshot:
            ready, lang = _first_run(ctx, lang)  # a new install: the wizard (ui/wizard)
            if ready is None:
                return 0
            ctx = ready
        from ui.main_window import MainWindow

        if login and not screenshot:
            from ui.dialogs.login import LoginDialog
            from ui.ops import Ops

            ops = Ops(ctx)
            user = LoginDialog.ask(None, ops, ctx.settings.user, ctx.terminal)
            ops.wait(2000)
            if user is None:
                return 0
            if user.get("must_change_password"):  # the first admin outside the demo, a new or reset user
                from ui.dialogs.password import ChangePasswordDialog

                if ChangePasswordDialog.ask(None, ops, user["username"], forced=True) is None:
                    return 0
                ops.wait(2000)
            ctx.settings = dataclasses.replace(ctx.settings, user=user["username"])
        window = MainWindow(ctx)
        if screenshot:  # a fixed size, so the pictures are the same on every machine
            w, _, h = (size or "1366x768").lower().partition("x")
            window.resize(int(w), int(h))
            window.show()
        elif window.restore_geometry():  # where the cashier left it
            window.show()
        else:  # first start: the whole screen (a counter PC is often 1366×768)
            window.showMaximized()
        window.checkout.focus_search()
        if screenshot:
            from ui.screenshot import take

            ok = take(window, screenshot, screen, room)
            window.close()
            return 0 if ok else 1
        if on_ready is not None:
            QTimer.singleShot(0, lambda: on_ready(window))
        return app.exec()
    finally:
        ctx.close()
