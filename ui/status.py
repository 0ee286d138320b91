"""The status bar: user, counter, shift, printer and sync state — always visible, because
a cashier who takes money without an open shift or with a dead printer finds out too late."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from app import clock

from ui.models.base import set_flag
from ui.texts import printer_error_text, transport_name, yuan


SLOW_MS = 1200  # when "working" becomes "waiting": longer than any ordinary payment commit


class CounterStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy = QLabel()
        self.busy.setObjectName("busyLabel")
        self.user, self.terminal, self.shift, self.printer = QLabel(), QLabel(), QLabel(), QLabel()
        self.sync = QLabel(self.tr("Sync: local only"))
        for name, w in (("statusUser", self.user), ("statusTerminal", self.terminal), ("statusShift", self.shift),
                        ("statusPrinter", self.printer), ("statusSync", self.sync)):
            w.setObjectName(name)
        # Failed print jobs: a red button that says how many and retries them (hidden when none).
        self.retry_button = QPushButton()
        self.retry_button.setObjectName("printAlert")
        self.retry_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.retry_button.hide()
        self.addPermanentWidget(self.busy)
        self.addPermanentWidget(self.retry_button)
        for w in (self.user, self.terminal, self.shift, self.printer, self.sync):
            self.addPermanentWidget(w)
        self.shift.setText(self.tr("Shift: …"))
        # A unit of work that has not finished after a moment is waiting for the database (a
        # bill run's chunk or an import holds the write lock): say so, so a cashier waits
        # instead of pressing again. The payment itself waits its turn and never fails.
        self.slow = QTimer(self)
        self.slow.setSingleShot(True)
        self.slow.setInterval(SLOW_MS)
        self.slow.timeout.connect(self._still_busy)

    def set_busy(self, on: bool) -> None:
        self.busy.setText(self.tr("Working…") if on else "")
        set_flag(self.busy, "warning", False)
        if on:
            self.slow.start()
        else:
            self.slow.stop()

    def _still_busy(self) -> None:
        self.busy.setText(self.tr("Waiting for the database (a bill run or an import may be running), please wait…"))
        set_flag(self.busy, "warning", True)

    def show_status(self, info: dict) -> None:
        role = f" ({info['role_name']})" if info.get("role_name") else ""
        self.user.setText(self.tr("User: {0}").format(f"{info['display_name']}{role}"))
        self.terminal.setText(self.tr("Counter: {0}").format(info["terminal"]))
        shift = info.get("shift")
        if shift:
            opened = clock.local_text(datetime.fromisoformat(shift["opened_at"]), "%H:%M")  # business zone
            self.shift.setText(self.tr("Shift open since {0} (float {1})").format(opened, yuan(shift["float_fen"])))
            set_flag(self.shift, "alert", False)
        else:
            self.shift.setText(self.tr("No open shift (F11)"))
            set_flag(self.shift, "alert", True)
        p = info.get("printer")
        if not p or p.get("transport") in (None, "", "none"):
            self.printer.setText(self.tr("Printer: not set up (Ctrl+Shift+P)"))
            set_flag(self.printer, "alert", True)
        else:
            self.printer.setText(self.tr("Printer: {0} mm, {1}").format(p["width_mm"], transport_name(p["transport"])))
            set_flag(self.printer, "alert", False)

    def show_sync(self, state: dict) -> None:
        """The sync slot: 在线 / 离线 · 待上传 N / 同步异常 N (ui.sync_worker's state)."""
        pending, rejected = state.get("pending", 0), state.get("rejected", 0)
        if rejected:
            self.sync.setText(self.tr("Sync problems: {0}").format(rejected))
        elif state.get("stopped") or state.get("problem"):  # refused, garbled, failed here: the tooltip says why
            self.sync.setText(self.tr("Sync problems"))
        elif state.get("online"):
            self.sync.setText(self.tr("Online · {0} to upload").format(pending) if pending else self.tr("Online"))
        else:
            self.sync.setText(self.tr("Offline · {0} to upload").format(pending))
        set_flag(self.sync, "alert", bool(rejected or state.get("stopped") or state.get("problem")))
        self.sync.setToolTip(state.get("error") or "")

    def show_failed_jobs(self, jobs: list[dict]) -> None:
        if not jobs:
            self.retry_button.hide()
            return
        self.retry_button.setText(self.tr("{0} receipts not printed — Retry").format(len(jobs)))
        self.retry_button.setToolTip("\n".join(f"{j.get('receipt_no') or ''} {printer_error_text(j.get('error'))}"
                                               for j in jobs[:10]))
        self.retry_button.show()
