"""The print worker of one terminal: takes queued jobs after their payments committed,
renders them and sends them to the configured printer, on its own thread. All I/O to the
printer happens here (DESIGN.md convention 5: one worker thread per device)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from app.context import AppContext
from app.errors import Msg
from app.messages import render
from app.services import print_queue
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
        """Print every queued job of this terminal now (the service print_queue.run_pending
        does the claiming, rendering and bookkeeping; this worker only owns the device I/O)."""
        return print_queue.run_pending(self.ctx.uow, self.terminal, self._send, self.on_result)

    def _send(self, settings: Mapping[str, Any], data: bytes) -> str | None:
        """Deliver one job; None when printed, else the error in words for the job list."""
        try:
            printer = self.opener(settings)
            try:
                printer.send(data, timeout=self.timeout)
            finally:
                printer.close()
        except PrinterError as e:
            return e.text("zh")
        except (OSError, ValueError, TimeoutError) as e:
            return render(Msg("print.failed", kind=type(e).__name__, detail=str(e)), "zh")
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
