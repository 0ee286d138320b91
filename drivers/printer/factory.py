"""`open_printer(settings)`: a transport from the printer settings dict.

    {"transport": "network", "host": "192.168.1.87", "port": 9100}
    {"transport": "serial", "port": "COM3", "baudrate": 9600, "rtscts": true}
    {"transport": "usb", "vendor_id": "0x0416", "product_id": "0x5011"}
    {"transport": "win32raw", "printer_name": "XP-58"}
    {"transport": "file", "path": "/tmp/receipts.bin", "simulate": null}

The same dict may carry the layout keys of `app.printing.escpos_layout.PrinterProfile`
(width_mm, encoding, qr, …); transports ignore them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from drivers.printer.base import Printer, PrinterError


def _need(settings: Mapping[str, Any], key: str) -> Any:
    value = settings.get(key)
    if value in (None, ""):
        raise PrinterError(f"打印机设置缺少“{key}”", f"printer settings for transport "
                           f"{settings.get('transport')!r} need {key!r}", retryable=False)
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


TRANSPORTS: dict[str, Callable[[Mapping[str, Any]], Printer]] = {
    "network": _network, "serial": _serial, "usb": _usb, "win32raw": _win32raw, "file": _file,
}


def open_printer(settings: Mapping[str, Any]) -> Printer:
    transport = settings.get("transport")
    make = TRANSPORTS.get(str(transport))
    if make is None:
        raise PrinterError(f"未知的打印机连接方式“{transport}”", f"unknown printer transport {transport!r} "
                           f"(use one of: {', '.join(TRANSPORTS)})", retryable=False)
    try:
        return make(settings)
    except (TypeError, ValueError) as e:
        raise PrinterError("打印机设置无效", f"invalid printer settings: {e}", retryable=False) from e
