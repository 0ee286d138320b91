"""Connects the window to the terminal's print worker (drivers.printer.worker): payments
and reprints are printed on the worker's thread after their commit; results come back to
the GUI thread as a Qt signal, so a jammed printer never blocks the counter."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from app.context import AppContext
from app.printing.escpos_layout import PrinterProfile
from app.printing.test_page import test_page
from app.services import print_queue
from drivers.printer.base import PrinterError
from drivers.printer.factory import open_printer
from drivers.printer.worker import PrintWorker


class PrintBridge(QObject):
    printed = Signal(dict)  # {"receipt_no", "ok", "error"} per job, or a test page's result

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.worker = PrintWorker(ctx, ctx.terminal)
        self.worker.on_result = self.printed.emit  # emitted on the worker thread, delivered queued
        self.worker.start()

    def kick(self) -> None:
        self.worker.kick()

    def test_page(self, stored_settings: dict) -> None:
        def run() -> None:
            conf = print_queue.driver_settings(stored_settings)
            error = None
            try:
                if not conf:
                    raise PrinterError("print.no_printer", retryable=False)
                printer = open_printer(conf)
                try:
                    printer.send(test_page(PrinterProfile.from_settings(conf), self.ctx.terminal))
                finally:
                    printer.close()
            except (PrinterError, OSError, ValueError) as e:
                error = str(e)
            self.printed.emit({"receipt_no": None, "test_page": True, "ok": error is None, "error": error})

        threading.Thread(target=run, name="printer-test", daemon=True).start()

    def stop(self) -> None:
        self.worker.stop()
