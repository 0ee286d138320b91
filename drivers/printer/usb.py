"""USB printers through python-escpos's `Usb` (pyusb + libusb), by vendor and product id.

pyusb is optional: this module imports without it, and `open_printer` then refuses a USB
printer with an error saying what to install. On Windows a USB receipt printer normally has a spooler
driver; `win32raw` is then the simpler choice. On Linux the user needs access to the device
(a udev rule) and the `usblp` kernel driver is detached by python-escpos.
"""

from __future__ import annotations

import threading

from drivers.printer.base import PrinterError, PrinterStatus, paper_out_error, status_from_bytes


def _int(value: object, what: str) -> int:
    try:
        return int(str(value), 0)  # accepts 1046 and "0x0416"
    except ValueError:
        raise PrinterError("device.usb.bad_id", what=what, value=value, retryable=False) from None


class UsbPrinter:
    def __init__(self, vendor_id: object, product_id: object, *, in_ep: object = 0x82, out_ep: object = 0x01,
                 timeout_ms: int = 5000) -> None:
        self.vendor_id, self.product_id = _int(vendor_id, "vendor_id"), _int(product_id, "product_id")
        self.in_ep, self.out_ep = _int(in_ep, "in_ep"), _int(out_ep, "out_ep")
        self.timeout_ms = int(timeout_ms)
        self._dev = None
        from app.printing import escpos_cache

        escpos_cache.prepare()
        from escpos.printer import usb as escpos_usb

        if not escpos_usb.is_usable():
            # Refused when opened, not at the first receipt; and before constructing `Usb`,
            # whose destructor itself fails without pyusb.
            raise PrinterError("device.usb.no_support", retryable=False)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"UsbPrinter({self.vendor_id:04x}:{self.product_id:04x})"

    def _open(self):  # -> escpos.printer.Usb
        """The device is found lazily: a printer plugged in after start-up still works."""
        if self._dev is not None:
            return self._dev
        from escpos.printer import usb as escpos_usb

        dev = escpos_usb.Usb(self.vendor_id, self.product_id, timeout=self.timeout_ms,
                             in_ep=self.in_ep, out_ep=self.out_ep)
        try:
            dev.open()
        except Exception as e:  # DeviceNotFoundError, USBError, permission errors
            raise PrinterError("device.usb.not_found", device=f"{self.vendor_id:04x}:{self.product_id:04x}",
                               detail=str(e)) from e
        self._dev = dev
        return dev

    def send(self, data: bytes, timeout: float = 10.0) -> None:
        with self._lock:
            dev = self._open()
            try:
                paper = dev.query_status(b"\x10\x04\x04")
                if paper and status_from_bytes(None, paper[0]).paper_out:
                    raise paper_out_error()
                dev._raw(data)
            except PrinterError:
                raise
            except Exception as e:  # usb.core.USBError / USBTimeoutError
                self._release()
                raise PrinterError("device.usb.failed", detail=str(e)) from e

    def status(self) -> PrinterStatus:
        with self._lock:
            try:
                dev = self._open()
                printer = dev.query_status(b"\x10\x04\x01")
                paper = dev.query_status(b"\x10\x04\x04")
            except PrinterError as e:
                return PrinterStatus(False, None, str(e))
            except Exception as e:
                self._release()
                return PrinterStatus(False, None, f"USB 出错 / USB error: {e}")
        return status_from_bytes(printer[0] if printer else None, paper[0] if paper else None)

    def _release(self) -> None:
        if self._dev is not None:
            try:
                self._dev.close()
            except Exception:
                pass
        self._dev = None

    def close(self) -> None:
        with self._lock:
            self._release()
