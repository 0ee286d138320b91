"""`propdesk drawer open` and `propdesk display show`: the counter's devices from the command
line, registered through the propdesk.commands entry point (app never imports drivers).

The cash drawer hangs on the receipt printer's drawer port: opening it is the printer's
ESC p pulse (the same bytes python-escpos writes at the end of a cash receipt, on the pin the
printer profile names), sent through the configured printer transport. The pole display's
port comes from the counter's settings (app.devices), or --port for a try-out.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from app import devices
from app.cli import Result, command
from app.cli.common import in_uow
from app.config import Settings
from app.errors import InputError, Msg
from app.money import fen_to_yuan_str, parse_yuan
from app.services import print_queue, users


def kick_bytes(conf: Mapping[str, Any]) -> bytes:
    """ESC p m t1 t2 for the drawer pin of the printer profile (2 or 5)."""
    from app.printing.escpos_layout import PrinterProfile  # first: it readies python-escpos's cache
    from escpos.printer import Dummy

    d = Dummy()
    d.cashdraw(PrinterProfile.from_settings(conf).drawer_pin)
    return d.output


def open_drawer(stored: dict | None) -> dict:
    """Kick the drawer through the printer the stored settings name; PrinterError when the
    printer cannot be reached, InputError when there is no printer or no drawer on it."""
    from drivers.printer.factory import open_printer

    conf = print_queue.driver_settings(stored)
    if not conf:
        raise InputError("device.drawer.no_printer")
    if not (stored or {}).get("cash_drawer", True):
        raise InputError("device.drawer.disabled")
    data = kick_bytes(conf)
    printer = open_printer(conf)
    try:
        printer.send(data, timeout=5.0)
    finally:
        printer.close()
    return {"opened": True, "transport": conf.get("transport"), "bytes": data.hex(" ")}


def _drawer_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["open"])


@command("drawer", "open the cash drawer on the receipt printer's drawer port (ESC p)", _drawer_args)
def run_drawer(settings: Settings, args: argparse.Namespace) -> Result:
    stored = in_uow(settings, lambda s: (users.require(s, settings.user, "shift"),  # docs/permissions.md
                                         print_queue.printer_settings(s, settings.terminal))[1])
    doc = open_drawer(stored)
    return Result(doc, "钱箱已弹开 cash drawer opened")


def _display_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["show", "clear"])
    p.add_argument("--total", help="amount due (yuan), lamp 总计")
    p.add_argument("--received", help="amount received (yuan), lamp 收款")
    p.add_argument("--change", help="change (yuan), lamp 找零")
    p.add_argument("--port", help="serial port (default: the counter's display port, printer settings)")
    p.add_argument("--parity", choices=list(devices.PARITIES), help="parity (default: the counter's, else N)")
    p.add_argument("--baud", type=int, help=f"baud rate (default: the counter's, else 2400; one of "
                                            f"{', '.join(map(str, devices.BAUDRATES))})")


@command("display", "write to the customer pole display (客显): total, received, change; or clear it", _display_args)
def run_display(settings: Settings, args: argparse.Namespace) -> Result:
    from drivers.display.serial_display import SerialDisplay

    amounts = {k: parse_yuan(v) for k in ("total", "received", "change") if (v := getattr(args, k)) is not None}
    if args.action == "show" and "total" not in amounts:
        raise InputError("device.display.need_total")
    if args.baud is not None and args.baud not in devices.BAUDRATES:
        raise InputError("device.bad_baudrate", device=Msg(devices.get("display").label), baud=args.baud,
                         known=list(devices.BAUDRATES))
    conf = devices.get("display").from_stored(None)
    if not args.port or args.baud is None or args.parity is None:
        stored = in_uow(settings, lambda s: print_queue.printer_settings(s, settings.terminal))
        conf = devices.get("display").from_stored(stored)
    port, baud, parity = args.port or conf["port"], args.baud or conf["baudrate"], args.parity or conf["parity"]
    disp = SerialDisplay(port, baud, parity)
    try:
        if args.action == "clear":
            disp.clear()
        else:
            disp.show_total(amounts["total"])
            if "received" in amounts:
                disp.show_received(amounts["received"])
            if "change" in amounts:
                disp.show_change(amounts["change"])
    finally:
        disp.close()
    shown = {k: fen_to_yuan_str(v) for k, v in amounts.items()}
    text = " · ".join(f"{label} {shown[k]}" for k, label in (("total", "总计 total"), ("received", "收款 received"),
                                                               ("change", "找零 change")) if k in shown)
    return Result({"port": port, "baudrate": baud, "parity": parity, **{f"{k}_fen": v for k, v in amounts.items()}},
                  f"客显 display {port}: " + (text or "已清屏 cleared"))
