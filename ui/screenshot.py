"""`propdesk gui --screenshot FILE [--screen checkout|receipts|shift-close|<a screen of ui/tabs.py>] [--room KEY]`:
render a screen on the current data to PNG and exit (the docs' pictures and a smoke test
of the whole start-up path)."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QWidget

from app.services.cashier import shifts
from ui.dialogs.shifts import ShiftCloseDialog
from ui import tabs
from ui.main_window import MainWindow

SCREENS = ("checkout", "receipts", "shift-close")


def wait_idle(window: MainWindow, timeout: float = 10.0) -> None:
    """Process events until no database work is in flight (results delivered too)."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        window.ops.pool.waitForDone(20)
        quiet = quiet + 1 if window.ops.pending() == 0 else 0
        if quiet >= 5:  # a result may start the next query (search → room bills)
            return


def _grab(widget: QWidget, path: str) -> bool:
    widget.repaint()
    QCoreApplication.processEvents()
    return widget.grab().save(path)


def take(window: MainWindow, path: str, screen: str = "checkout", room: str | None = None) -> bool:
    wait_idle(window)
    if room:
        window.checkout.search.setText(room)
        window.checkout.find(room, take_first=True)
        wait_idle(window)
    if screen == "receipts":
        window.tabs.setCurrentIndex(1)
        wait_idle(window)
    if screen in tabs.names():
        window.tabs.setCurrentIndex(2 + tabs.names().index(screen))
        wait_idle(window)
    if screen == "shift-close":
        t, u = window.ctx.terminal, window.ctx.user
        got: list[dict] = []  # through ops like every other read: the UI holds no session
        window.ops.run(lambda s: shifts.expected_by_tender(s, shifts.require_open(s, t, u)[0]), got.append)
        wait_idle(window)
        if not got:
            return False
        expected = got[0]
        dialog = ShiftCloseDialog(window, expected)
        # A plausible count: the expected cash in large notes, the rest in coins.
        rest = expected.get("cash", 0)
        for d, spin in dialog.counts.items():
            spin.setValue(rest // d)
            rest -= d * (rest // d)
        dialog.show()
        wait_idle(window)
        ok = _grab(dialog, path)
        dialog.close()
        return ok
    return _grab(window, path)
