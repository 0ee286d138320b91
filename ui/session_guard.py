"""Who is at the counter (docs/permissions.md, "Signing in"): the 用户 menu — change password,
switch user without restarting, lock — and the automatic lock after idle minutes
(PROPDESK_IDLE_LOCK_MINUTES, default 10; 0 turns it off).

Locked, the window hides its content and shows the lock dialog: the same user's password goes
on where they were; another user's name and password switch to them (their own shift and
rights from then on: every service call takes the user from the context). A user whose
password must be changed is asked for a new one first."""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from ui.dialogs.login import LoginDialog
from ui.dialogs.password import ChangePasswordDialog

IDLE_LOCK_MINUTES = 10
_INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}


def idle_minutes() -> float:
    try:
        return max(0.0, float(os.environ.get("PROPDESK_IDLE_LOCK_MINUTES", IDLE_LOCK_MINUTES)))
    except ValueError:
        return IDLE_LOCK_MINUTES


class LockDialog(LoginDialog):
    """The login dialog over a locked window: it cannot be cancelled, only signed in."""

    def __init__(self, parent: QWidget | None, ops: Any, username: str, terminal: str) -> None:
        super().__init__(parent, ops, username, terminal)
        self.setWindowTitle(self.tr("PropDesk — locked"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()  # no way round it but a password
        self.error.setText(self.tr("Locked. Type your password to go on, or another user's name and password "
                                   "to switch user."))

    def reject(self) -> None:  # Esc or the close box: stay locked
        pass


class SessionGuard(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.last_input = time.monotonic()
        self.locked: LockDialog | None = None
        self.minutes = idle_minutes()
        self.timer = QTimer(self)
        self.timer.setInterval(15_000)
        self.timer.timeout.connect(self.check_idle)
        if self.minutes > 0:
            self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _INPUT_EVENTS:
            self.last_input = time.monotonic()
        return False

    def check_idle(self) -> None:
        if self.locked is None and self.minutes > 0 and time.monotonic() - self.last_input >= self.minutes * 60:
            self.lock()

    # -- actions -------------------------------------------------------------------------
    def lock(self) -> None:
        """Hide the window's content and ask for a password (non-blocking)."""
        if self.locked is not None:
            return
        central = self.window.centralWidget()
        if central is not None:
            central.setVisible(False)
        d = LockDialog(self.window, self.window.ops, self.window.ctx.user, self.window.ctx.terminal)
        d.setObjectName("lockDialog")
        d.accepted.connect(lambda: self._unlocked(d))
        self.locked = d
        d.open()

    def _unlocked(self, d: LockDialog) -> None:
        self.locked = None
        d.deleteLater()
        central = self.window.centralWidget()
        if central is not None:
            central.setVisible(True)
        self.last_input = time.monotonic()
        self.signed_in(d.value)

    def switch_user(self) -> None:
        """Another person takes the counter: the same dialog as the lock, with no name filled in."""
        self.lock()
        if self.locked is not None:
            self.locked.setWindowTitle(self.tr("PropDesk — switch user"))
            self.locked.user.clear()
            self.locked.user.setFocus()
            self.locked.error.setText("")

    def signed_in(self, user: dict) -> None:
        """`user` (authenticate's answer) now acts at the counter."""
        w = self.window
        if user["username"] != w.ctx.user:
            w.ctx.settings = dataclasses.replace(w.ctx.settings, user=user["username"])
            w.refresh_status()
            w.bar.showMessage(self.tr("Signed in: {0}").format(user.get("display_name") or user["username"]), 8000)
        if user.get("must_change_password"):
            self.change_password(forced=True)

    def change_password(self, forced: bool = False) -> None:
        d = ChangePasswordDialog(self.window, self.window.ops, self.window.ctx.user, forced=forced)
        d.setObjectName("changePasswordDialog")
        if forced:  # no way round it: cancelling locks the counter again
            d.rejected.connect(self.lock)
        d.accepted.connect(lambda: self.window.bar.showMessage(self.tr("Password changed"), 8000))
        d.finished.connect(lambda _r: d.deleteLater())
        d.open()


def install(window: Any) -> SessionGuard:
    """The 用户 menu and the idle lock on the main window."""
    guard = SessionGuard(window)
    menu = window.menuBar().addMenu(QApplication.translate("SessionGuard", "&User"))
    for text, key, slot in ((QApplication.translate("SessionGuard", "Change password…"), "", guard.change_password),
                            (QApplication.translate("SessionGuard", "Switch user…"), "Ctrl+Shift+U", guard.switch_user),
                            (QApplication.translate("SessionGuard", "Lock"), "Ctrl+Shift+L", guard.lock)):
        a = QAction(text, window)
        if key:
            a.setShortcut(QKeySequence(key))
        a.triggered.connect(lambda _=False, f=slot: f())
        menu.addAction(a)
    window.session_guard = guard
    return guard
