"""Connects checkout to the customer pole display (客显): every write runs on ONE worker
thread (DESIGN convention 5), so a slow or unplugged display never blocks the GUI thread.

Writes are coalesced: while one is on the wire, only the newest waiting one is kept (typing
"200" sends the received amount once per key, but the display only needs the last). A failure
comes back as `failed(text)` on the GUI thread — once per run of failures, not per keystroke —
and the window shows it in the status bar; a payment never waits for, or depends on, the display.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.errors import AppError
from drivers.display.base import CustomerDisplay
from drivers.display.serial_display import open_display
from ui.ops import error_text

Opener = Callable[[dict], CustomerDisplay]


class DisplayBridge(QObject):
    failed = Signal(str)  # the error in words, delivered on the GUI thread
    written = Signal(str)  # the operation done ("total", "received", "change", "clear"), for tests

    def __init__(self, opener: Opener = open_display, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.opener = opener
        self.settings: dict | None = None
        self._display: CustomerDisplay | None = None
        self._opened_with: dict | None = None
        self._pending: tuple[str, int | None, dict | None] | None = None
        self._cond = threading.Condition()
        self._stopping = False
        self._failing = False
        self._thread = threading.Thread(target=self._run, name="pole-display", daemon=True)
        self._thread.start()

    @property
    def enabled(self) -> bool:
        return self.settings is not None

    def configure(self, settings: dict | None) -> None:
        """{port, baudrate} (app.devices.display_settings) or None: no display to drive."""
        if settings == self.settings:
            return
        self.settings = dict(settings) if settings else None
        self._post("clear", None, force=True)  # a new display starts blank; none: the old port is closed

    def show_total(self, fen: int) -> None:
        self._post("total", fen)

    def show_received(self, fen: int) -> None:
        self._post("received", fen)

    def show_change(self, fen: int) -> None:
        self._post("change", fen)

    def clear(self) -> None:
        self._post("clear", None)

    def _post(self, op: str, fen: int | None, *, force: bool = False) -> None:
        if self.settings is None and not force:
            return
        with self._cond:
            self._pending = (op, fen, self.settings)
            self._cond.notify()

    # -- the worker thread: no widget is touched here ------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._stopping)
                if self._stopping:
                    break
                op, fen, settings = self._pending  # type: ignore[misc]
                self._pending = None
            self._do(op, fen, settings)
        self._close()

    def _do(self, op: str, fen: int | None, settings: dict | None) -> None:
        try:
            if settings != self._opened_with:  # configured anew: the old port is let go first
                self._close()
            if settings is None:
                return
            if self._display is None:
                self._display = self.opener(settings)
                self._opened_with = settings
            d = self._display
            {"total": lambda: d.show_total(fen), "received": lambda: d.show_received(fen),
             "change": lambda: d.show_change(fen), "clear": d.clear}[op]()
        except (AppError, OSError, ValueError) as e:
            self._close()
            if not self._failing:
                self._failing = True
                self.failed.emit(error_text(e))
            return
        self._failing = False
        self.written.emit(op)

    def _close(self) -> None:
        if self._display is not None:
            try:
                self._display.close()
            except (AppError, OSError):
                pass
            self._display = None
        self._opened_with = None

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join(5)
