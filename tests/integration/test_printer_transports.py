"""The other transports: the demo-mode file printer, serial over a pseudo-terminal that
answers like a printer, and the clear errors of USB and Windows-spooler printing where they
cannot work."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from app.printing.escpos_layout import render_escpos
from drivers.printer import Printer, PrinterError, open_printer
from drivers.printer.fake_server import _Scanner
from drivers.printer.file import render_png
from tests.support.printing_samples import receipt


def test_file_printer_appends_jobs_and_previews(tmp_path):
    path = tmp_path / "out" / "receipts.bin"
    printer = open_printer({"transport": "file", "path": str(path)})
    assert isinstance(printer, Printer) and printer.status().online
    job = render_escpos(receipt())
    printer.send(job)
    printer.send(job)
    assert path.read_bytes() == job + job
    assert render_png(job).startswith(b"\x89PNG")


@pytest.mark.parametrize("mode, message", [("paper_out", "缺纸"), ("offline", "离线"), ("drop", "断开")])
def test_file_printer_simulates_failures(tmp_path, mode, message):
    printer = open_printer({"transport": "file", "path": str(tmp_path / "r.bin"), "simulate": mode})
    with pytest.raises(PrinterError, match=message):
        printer.send(render_escpos(receipt()))


class PtyPrinter:
    """The printer end of a pseudo-terminal: collects bytes, answers DLE EOT like the fake."""

    def __init__(self, paper_out: bool = False) -> None:
        self.master, slave = os.openpty()
        self.port = os.ttyname(slave)
        self._slave = slave
        self.paper_out = paper_out
        self.data = bytearray()
        self._scanner = _Scanner()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import select

        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            data, queries = self._scanner.feed(chunk)
            self.data += data
            for n in queries:
                os.write(self.master, bytes([0x72 if self.paper_out and n == 4 else 0x12]))

    def close(self) -> None:
        self._stop.set()
        self.thread.join(1)
        os.close(self.master)
        os.close(self._slave)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_serial_printer_over_a_pty():
    import termios
    import tty

    fake = PtyPrinter()
    tty.setraw(fake._slave)  # raw bytes both ways, as on a real serial line
    tty.setraw(fake.master, termios.TCSANOW)
    try:
        printer = open_printer({"transport": "serial", "port": fake.port, "baudrate": 115200})
        job = render_escpos(receipt())
        printer.send(job, timeout=5)
        st = printer.status()
        assert (st.online, st.paper_out) == (True, False)
        for _ in range(100):
            if len(fake.data) >= len(job):
                break
            threading.Event().wait(0.02)
        assert bytes(fake.data) == job
        fake.paper_out = True
        with pytest.raises(PrinterError, match="缺纸"):
            printer.send(job)
        printer.close()
    finally:
        fake.close()


def test_serial_port_that_does_not_exist():
    printer = open_printer({"transport": "serial", "port": "/dev/does-not-exist-42"})
    with pytest.raises(PrinterError, match="无法打开打印机串口"):
        printer.send(b"x")
    assert not printer.status().online


def test_usb_without_pyusb_fails_clearly_at_open():
    from escpos.printer import usb

    settings = {"transport": "usb", "vendor_id": "0x0416", "product_id": "0x5011"}
    if usb.is_usable():  # pyusb here: opening works, the missing device is found at the first job
        printer = open_printer(settings)
        with pytest.raises(PrinterError, match="USB"):
            printer.send(b"x")
        return
    with pytest.raises(PrinterError, match="pyusb") as e:
        open_printer(settings)
    assert not e.value.retryable


@pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows error")
def test_win32raw_off_windows():
    with pytest.raises(PrinterError) as e:
        open_printer({"transport": "win32raw", "printer_name": "XP-58"})
    assert "only on Windows" in e.value.text("en") and "打印机设置" in e.value.text("zh")


@pytest.mark.parametrize("settings, message", [
    ({"transport": "bluetooth"}, "Unknown printer transport"),
    ({"transport": "network"}, "need 'host'"),
    ({"transport": "network", "host": "h", "port": "x"}, "Invalid printer settings"),
    ({"transport": "usb", "vendor_id": "zz", "product_id": 1}, "not a number"),
])
def test_bad_settings(settings, message):
    with pytest.raises(PrinterError) as e:
        open_printer(settings)
    assert message in e.value.text("en") and not e.value.retryable
