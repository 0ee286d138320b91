"""Runs one scanned-code payment off the GUI thread: the gateway may keep us waiting while the
resident types the password (up to the configured pay timeout), so it cannot be a GUI call,
and it is not an `Ops` job either (the service makes its own units of work). Progress and the
outcome come back as queued Qt signals."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class ScanRunner(QObject):
    state = Signal(str)  # the service's progress: "paying" = waiting for the resident's password
    done = Signal(object)  # the payment dict
    failed = Signal(object)  # the exception

    def start(self, call: Callable[[Callable[[str], None]], Any]) -> None:
        """`call(on_state)` on a worker thread."""

        def run() -> None:
            try:
                result = call(self.state.emit)
            except BaseException as e:  # noqa: BLE001 — every failure is shown, none is lost
                self.failed.emit(e)
                return
            self.done.emit(result)

        self.thread = threading.Thread(target=run, name="scan-pay", daemon=True)
        self.thread.start()
