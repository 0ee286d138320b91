"""Windows: the printer's spooler queue, fed raw ESC/POS (datatype RAW, no GDI rendering).

This is how most counters run a USB receipt printer on Windows: the vendor's driver installs
a queue (e.g. "XP-58"), and RAW jobs pass through it untouched. Needs pywin32. The spooler's
status flags are whatever the vendor driver reports — often just "ready" — so paper-out is
only known when the driver says so.
"""

from __future__ import annotations

import sys
import threading

from drivers.printer.base import PrinterError, PrinterStatus

# winspool.h PRINTER_STATUS_* flags
_PAPER_JAM, _PAPER_OUT, _OFFLINE, _ERROR, _NOT_AVAILABLE = 0x8, 0x10, 0x80, 0x2, 0x1000


def _win32print():  # -> module
    if sys.platform != "win32":
        raise PrinterError("device.win32.not_windows", retryable=False)
    try:
        import win32print  # type: ignore[import-not-found]
    except ImportError:
        raise PrinterError("device.win32.no_pywin32", retryable=False) from None
    return win32print


class Win32RawPrinter:
    def __init__(self, printer_name: str | None = None) -> None:
        self._w = _win32print()  # fail at open, with a clear message, not at the first receipt
        self.printer_name = printer_name or self._w.GetDefaultPrinter()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Win32RawPrinter({self.printer_name!r})"

    def send(self, data: bytes, timeout: float = 10.0) -> None:
        w = self._w
        with self._lock:
            try:
                handle = w.OpenPrinter(self.printer_name)
            except Exception as e:
                raise PrinterError("device.win32.cannot_open", printer=self.printer_name, detail=str(e)) from e
            try:
                w.StartDocPrinter(handle, 1, ("PropDesk receipt", None, "RAW"))
                try:
                    w.StartPagePrinter(handle)
                    written = w.WritePrinter(handle, data)
                    w.EndPagePrinter(handle)
                finally:
                    w.EndDocPrinter(handle)
                if written != len(data):
                    raise PrinterError("device.win32.short_write", written=written, size=len(data))
            except PrinterError:
                raise
            except Exception as e:
                raise PrinterError("device.win32.failed", printer=self.printer_name, detail=str(e)) from e
            finally:
                w.ClosePrinter(handle)

    def status(self) -> PrinterStatus:
        w = self._w
        try:
            handle = w.OpenPrinter(self.printer_name)
            try:
                flags = int(w.GetPrinter(handle, 2)["Status"])
            finally:
                w.ClosePrinter(handle)
        except Exception as e:
            return PrinterStatus(False, None, f"无法读取打印机状态 / cannot read printer status: {e}")
        paper_out = bool(flags & _PAPER_OUT)
        offline = bool(flags & (_OFFLINE | _ERROR | _NOT_AVAILABLE | _PAPER_JAM))
        detail = "缺纸 / out of paper" if paper_out else ("离线 / offline" if offline else "正常 / ready")
        return PrinterStatus(not offline and not paper_out, paper_out, detail)

    def close(self) -> None:
        pass
