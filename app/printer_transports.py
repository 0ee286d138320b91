"""The printer transports (打印机连接方式): one entry per transport, with the schema of its
setting. The settings screen lists these, settings validation checks the `target` against
them, and the print queue turns a stored target into the named fields its driver takes.

The drivers themselves live in drivers/printer (app/ never imports drivers): each registers
its opener under the same name in drivers/printer/factory.py, and a test proves the two
lists are the same. Adding a transport is one entry here plus its driver module and opener
(docs/architecture.md, "Registries").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.errors import Msg


@dataclass(frozen=True)
class Transport:
    name: str  # stored in Terminal.printer["transport"]
    label: str  # message code of its name in the settings screen
    target_pattern: str | None  # full-match regex for `target`; None: no target at all
    target_required: bool
    hint: str  # message code: what to type as the target, with an example
    to_driver: Callable[[str], dict]  # a valid target -> the driver's named fields

    def name_in(self, lang: str = "zh") -> str:
        from app.messages import render

        return render(Msg(self.label), lang)

    def target_ok(self, target: str) -> bool:
        if not target:
            return not self.target_required
        return self.target_pattern is not None and re.fullmatch(self.target_pattern, target) is not None


def _network(target: str) -> dict:
    host, _, port = target.rpartition(":") if ":" in target else (target, "", "")
    return {"host": host, "port": int(port) if port else 9100}


def _serial(target: str) -> dict:
    port, _, baud = target.partition("@")
    return {"port": port, **({"baudrate": int(baud)} if baud else {})}


def _usb(target: str) -> dict:
    vid, _, pid = target.partition(":")
    return {"vendor_id": int(vid, 16), "product_id": int(pid, 16)}


_HEX4 = r"(?:0[xX])?[0-9a-fA-F]{1,4}"
_PORT = r"(?:6553[0-5]|655[0-2]\d|65[0-4]\d{2}|6[0-4]\d{3}|[1-5]?\d{1,4})"

TRANSPORTS: dict[str, Transport] = {t.name: t for t in (
    Transport("none", "print.transport.none", None, False, "print.target.none", lambda _t: {}),
    Transport("usb", "print.transport.usb", f"{_HEX4}:{_HEX4}", True, "print.target.usb", _usb),
    Transport("serial", "print.transport.serial", r"(?:COM\d{1,3}|/dev/[\w./-]+)(?:@\d{3,7})?", True,
              "print.target.serial", _serial),
    Transport("network", "print.transport.network", rf"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::{_PORT})?",
              True, "print.target.network", _network),
    # The Windows spooler queue by its name; empty means Windows' default printer.
    Transport("win32raw", "print.transport.win32raw", r"[^\\/\x00-\x1f][^\x00-\x1f]{0,254}", False,
              "print.target.win32raw", lambda t: {"printer_name": t} if t else {}),
    Transport("file", "print.transport.file", r"[^\x00-\x1f]{1,400}", True, "print.target.file",
              lambda t: {"path": t}),
)}


def names() -> tuple[str, ...]:
    return tuple(TRANSPORTS)


def get(name: str) -> Transport | None:
    return TRANSPORTS.get(name)


# Keys of the stored settings that are the screen's, not a driver's.
_SCREEN_KEYS = ("target", "cash_drawer", "profile", "customer_display")


def driver_settings(stored: dict | None) -> dict:
    """The terminal's stored printer settings in the form the printer drivers take.

    The settings screen stores one `target` per transport ("192.168.1.50:9100", "COM3" or
    "/dev/ttyUSB0@115200", "0x0416:0x5011", a file path, a Windows printer name); the
    drivers take named fields. Settings already in driver form pass through unchanged."""
    if not stored or stored.get("transport") in (None, "", "none"):
        return {}
    out = {k: v for k, v in stored.items() if k not in _SCREEN_KEYS}
    if "cash_drawer" in stored:
        out["drawer"] = bool(stored["cash_drawer"])
    target = str(stored.get("target") or "").strip()
    t = TRANSPORTS.get(str(stored["transport"]))
    if target and t is not None and t.target_ok(target):
        for k, v in t.to_driver(target).items():
            out.setdefault(k, v)
    return out
