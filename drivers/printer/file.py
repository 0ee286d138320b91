"""The fake printer of demo mode and tests: each job is appended to a file.

`render_png` turns ESC/POS bytes into a picture of the printed roll (DESIGN.md convention 5:
"the fake printer writes the ESC/POS bytes to a file and can show them as an image").
`simulate` makes it fail like a real printer ("paper_out", "offline", "drop"), so the UI's
"printing failed, payment kept, reprint?" path can be shown without hardware.
"""

from __future__ import annotations

import threading
from pathlib import Path

from app.printing.escpos_preview import render_png as _render_png
from drivers.printer.base import PrinterError, PrinterStatus, offline_error, paper_out_error

SIMULATIONS = (None, "paper_out", "offline", "drop")


def render_png(data: bytes, width_mm: int = 58, encoding: str = "gb18030") -> bytes:
    """PNG of what a printer would print from `data`."""
    return _render_png(data, width_mm, encoding)


class FilePrinter:
    def __init__(self, path: str | Path, *, simulate: str | None = None) -> None:
        if simulate not in SIMULATIONS:
            raise PrinterError("device.file.bad_simulation", simulate=simulate, retryable=False)
        self.path = Path(path)
        self.simulate = simulate
        self.last_job: bytes | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FilePrinter({str(self.path)!r})"

    def send(self, data: bytes, timeout: float = 10.0) -> None:
        if self.simulate == "paper_out":
            raise paper_out_error()
        if self.simulate == "offline":
            raise offline_error()
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("ab") as f:
                    f.write(data[: len(data) // 2] if self.simulate == "drop" else data)
                    f.flush()
            except OSError as e:
                raise PrinterError("device.file.cannot_write", path=str(self.path), detail=str(e)) from e
            if self.simulate == "drop":
                raise PrinterError("device.file.dropped")
            self.last_job = bytes(data)

    def status(self) -> PrinterStatus:
        if self.simulate == "paper_out":
            return PrinterStatus(False, True, "打印机缺纸（模拟）/ out of paper (simulated)")
        if self.simulate == "offline":
            return PrinterStatus(False, False, "打印机离线（模拟）/ offline (simulated)")
        folder = self.path.parent
        if folder.exists() and not folder.is_dir():
            return PrinterStatus(False, None, f"{folder} 不是文件夹 / is not a folder")
        return PrinterStatus(True, False, f"写入文件 / writing to {self.path}")

    def close(self) -> None:
        pass
