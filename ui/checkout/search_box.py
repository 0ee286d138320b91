"""One search box for everything a cashier types or scans.

Typing: results follow the text after a pause of DEBOUNCE_MS (a lookup per keystroke would
queue work the cashier never sees). Enter: search now and take the top hit. A keyboard-wedge
scanner types like a very fast keyboard and ends with Enter; a burst whose keys arrive less
than SCAN_GAP_MS apart is reported as a scan (`submitted(text, True)`), so `PD1|…` receipts
and `PDR1|…` bill QR codes go through the same lookup."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class SearchBox(QLineEdit):
    DEBOUNCE_MS = 150
    SCAN_GAP_MS = 35  # wedge scanners send a key every few ms; people type > 60 ms apart
    SCAN_MIN_KEYS = 4

    query_changed = Signal(str)  # debounced typing
    submitted = Signal(str, bool)  # Enter: (text, came from a scanner)
    down_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        self.setClearButtonEnabled(True)
        self.setPlaceholderText(self.tr("Room 3-2-1502 · owner name · phone or last 4 · pinyin initials · "
                                        "scan a bill or receipt QR"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self._fire)
        self.textEdited.connect(lambda _t: self._timer.start())
        self._key_times: list[float] = []

    def _fire(self) -> None:
        self.query_changed.emit(self.text().strip())

    def keyPressEvent(self, e: QKeyEvent) -> None:
        key = e.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._timer.stop()
            scanned = self._looks_scanned()
            self._key_times.clear()
            text = self.text().strip()
            if text:
                self.submitted.emit(text, scanned)
                self.selectAll()  # the next scan or typing replaces it
            return
        if key == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        if e.text() and e.text().isprintable():
            if not self.hasSelectedText() and self.cursorPosition() == len(self.text()):
                self._key_times.append(time.monotonic())
            else:
                self._key_times = [time.monotonic()]
        super().keyPressEvent(e)

    def _looks_scanned(self) -> bool:
        times = self._key_times
        if len(times) < self.SCAN_MIN_KEYS or len(times) < len(self.text()):
            return False
        recent = times[-len(self.text()):]
        gaps = [b - a for a, b in zip(recent, recent[1:])]
        return max(gaps, default=1.0) * 1000 < self.SCAN_GAP_MS

    def flush(self) -> None:
        """Run a pending debounced search now (tests and the benchmark use it)."""
        if self._timer.isActive():
            self._timer.stop()
            self._fire()
