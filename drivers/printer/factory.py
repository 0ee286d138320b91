"""`open_printer(settings)`: a transport from the printer settings dict.

    {"transport": "network", "host": "192.168.1.87", "port": 9100}
    {"transport": "serial", "port": "COM3", "baudrate": 9600, "rtscts": true}
    {"transport": "usb", "vendor_id": "0x0416", "product_id": "0x5011"}
    {"transport": "win32raw", "printer_name": "XP-58"}
    {"transport": "file", "path": "/tmp/receipts.bin", "simulate": null}

The same dict may carry the layout keys of `app.printing.escpos_layout.PrinterProfile`
(width_mm, encoding, qr, …); transports ignore them.

The transport names and their setting schema are the registry app.printer_transports (app/
may not import drivers, and settings validation is app's). Each transport's opener is
registered here under the same name; `missing_openers()` (checked by a test) lists any name
in the registry without an opener, so a transport cannot be half added.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app import printer_transports
from drivers.printer.base import Printer, PrinterError


def _need(settings: Mapping[str, Any], key: str) -> Any:
    value = settings.get(key)
    if value in (None, ""):
        raise PrinterError("device.printer.setting_missing", transport=settings.get("transport"), key=key,
                           retryable=False)
    return value


def _network(s: Mapping[str, Any]) -> Printer:
    from drivers.printer.network import NetworkPrinter

    return NetworkPrinter(str(_need(s, "host")), int(s.get("port") or 9100),
                          connect_timeout=float(s.get("connect_timeout", 3.0)),
                          status_timeout=float(s.get("status_timeout", 0.5)))


def _serial(s: Mapping[str, Any]) -> Printer:
    from drivers.printer.serial_port import SerialPrinter

    return SerialPrinter(str(_need(s, "port")), int(s.get("baudrate") or 9600), rtscts=bool(s.get("rtscts")),
                         dsrdtr=bool(s.get("dsrdtr")), status_timeout=float(s.get("status_timeout", 0.5)))


def _usb(s: Mapping[str, Any]) -> Printer:
    from drivers.printer.usb import UsbPrinter

    return UsbPrinter(_need(s, "vendor_id"), _need(s, "product_id"), in_ep=s.get("in_ep", 0x82),
                      out_ep=s.get("out_ep", 0x01), timeout_ms=int(s.get("timeout_ms", 5000)))


def _win32raw(s: Mapping[str, Any]) -> Printer:
    from drivers.printer.win32raw import Win32RawPrinter

    return Win32RawPrinter(s.get("printer_name") or None)


def _file(s: Mapping[str, Any]) -> Printer:
    from drivers.printer.file import FilePrinter

    return FilePrinter(_need(s, "path"), simulate=s.get("simulate") or None)


OPENERS: dict[str, Callable[[Mapping[str, Any]], Printer]] = {
    "network": _network, "serial": _serial, "usb": _usb, "win32raw": _win32raw, "file": _file,
}
TRANSPORTS = OPENERS  # the name drivers.printer has exported so far


def missing_openers() -> list[str]:
    """Transports of the registry (other than 'none') that no opener here serves."""
    return [n for n in printer_transports.names() if n != "none" and n not in OPENERS]


def open_printer(settings: Mapping[str, Any]) -> Printer:
    transport = settings.get("transport")
    make = OPENERS.get(str(transport))
    if make is None:
        raise PrinterError("device.printer.unknown_transport", transport=transport, known=list(OPENERS),
                           retryable=False)
    try:
        return make(settings)
    except (TypeError, ValueError) as e:
        raise PrinterError("device.printer.bad_settings", detail=str(e), retryable=False) from e
