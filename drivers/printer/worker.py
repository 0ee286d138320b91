"""The print worker of one terminal: takes queued jobs after their payments committed,
renders them and sends them to the configured printer, on its own thread. All I/O to the
printer happens here (DESIGN.md convention 5: one worker thread per device)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from app import clock
from app.context import AppContext
from app.printing.escpos_layout import PrinterProfile, render_escpos
from app.services import print_queue
from app.services.receipts import receipt_doc
from drivers.printer.base import Printer, PrinterError
from drivers.printer.factory import open_printer


class PrintWorker:
    def __init__(self, ctx: AppContext, terminal_code: str, *, timeout: float = 10.0,
                 opener: Callable[[Mapping[str, Any]], Printer] = open_printer) -> None:
        self.ctx, self.terminal, self.timeout, self.opener = ctx, terminal_code, timeout, opener
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_result: Callable[[dict], None] | None = None  # the GUI shows failures

    def run_pending(self) -> list[dict]:
        """Print every queued job of this terminal now; returns what happened to each."""
        results = []
        while True:
            with self.ctx.uow() as s:
                job = print_queue.claim(s, self.terminal)
                if job is None:
                    return results
                job_id, kind, receipt_id = job.id, job.kind, job.receipt_id
                settings = print_queue.driver_settings(print_queue.printer_settings(s, self.terminal))
                from app.db.models import Receipt

                receipt_no = s.get(Receipt, receipt_id).receipt_no
                doc = receipt_doc(s, receipt_no, reprint_at=clock.now() if kind == "reprint" else None)
            error = self._print(settings, doc)
            with self.ctx.uow() as s:
                print_queue.finish(s, job_id, error)
            result = {"job_id": job_id, "receipt_no": receipt_no, "ok": error is None, "error": error}
            results.append(result)
            if self.on_result:
                self.on_result(result)

    def _print(self, settings: Mapping[str, Any], doc) -> str | None:  # type: ignore[no-untyped-def]
        if not settings:
            return "未配置打印机 no printer configured for this terminal"
        try:
            profile = PrinterProfile.from_settings(settings)
            data = render_escpos(doc, profile.width_mm, profile)
            printer = self.opener(settings)
            try:
                printer.send(data, timeout=self.timeout)
            finally:
                printer.close()
        except PrinterError as e:
            return str(e)
        except (OSError, ValueError, TimeoutError) as e:
            return f"打印失败 print failed: {type(e).__name__}: {e}"
        return None

    # -- background thread ---------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name=f"print-{self.terminal}", daemon=True)
        self._thread.start()

    def kick(self) -> None:
        """A job was queued (a payment committed): print it now."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=self.timeout + 2)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=30)
            self._wake.clear()
            if not self._stop.is_set():
                self.run_pending()
