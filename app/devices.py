"""The counter's serial devices (串口设备): one entry per device, and everything else reads it.

DESIGN.md "Registries, one per list of names": the settings screen, settings validation
(app.services.terminal_settings), the `display` command and the GUI's display bridge look a
device up here; the driver that speaks to it lives in drivers/ under the same name
(drivers/display for `display`). Adding a serial device (the handheld next) is one entry here
plus its driver.

A device's settings are stored with the counter's printer settings (Terminal.printer JSON) as
`<name>_<key>` (display_port, display_baudrate), so one screen and one audited save hold
everything plugged into the counter. The printer's `customer_display` flag is the switch:
checkout drives the pole display only when the flag is on AND a port is set.

The cash drawer is not here: it hangs on the receipt printer's drawer port and opens with the
printer's ESC p (drivers.printer), so it needs no settings of its own beyond the printer's.

No database, no Qt, no drivers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.errors import Msg, Problem

# COM3 on Windows, /dev/ttyUSB0 (or a pty, /dev/pts/5) elsewhere.
PORT_PATTERN = r"COM\d{1,3}|/dev/[\w./-]+"
BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
PARITIES = ("N", "O", "E")  # none, odd, even (8 data bits, 1 stop bit either way)


@dataclass(frozen=True)
class SerialDevice:
    name: str  # registry key, and the prefix of its stored settings
    label: str  # message code of its name
    defaults: dict[str, Any] = field(default_factory=dict)  # setting key -> default

    @property
    def settings(self) -> tuple[str, ...]:
        return tuple(self.defaults)

    def stored_key(self, key: str) -> str:
        return f"{self.name}_{key}"

    def stored_defaults(self) -> dict[str, Any]:
        return {self.stored_key(k): v for k, v in self.defaults.items()}

    def from_stored(self, stored: dict | None) -> dict[str, Any]:
        """The device's own settings (port, baudrate, …) out of the stored printer dict."""
        stored = stored or {}
        return {k: stored.get(self.stored_key(k), v) for k, v in self.defaults.items()}


DEVICES: dict[str, SerialDevice] = {d.name: d for d in (
    # Pole displays (客显, LED 8-digit "ESC Q A" type): the generic ones ship at 2400 baud 8N1;
    # branded ones differ (Hisense VC110/VC108 9600 8N1, VC210A 9600 8O1 — see the JavaPos
    # drivers in github188/GIT), so rate and parity are settings.
    SerialDevice("display", "device.display.name", {"port": "", "baudrate": 2400, "parity": "N"}),
)}


def names() -> tuple[str, ...]:
    return tuple(DEVICES)


def get(name: str) -> SerialDevice:
    return DEVICES[name]


def stored_defaults() -> dict[str, Any]:
    """Every device's stored keys with their defaults (merged into the printer defaults)."""
    out: dict[str, Any] = {}
    for d in DEVICES.values():
        out.update(d.stored_defaults())
    return out


def validate(stored: dict) -> list[Problem]:
    """Problems with the devices' stored settings (port form, baud rate), each naming its column."""
    problems: list[Problem] = []
    for d in DEVICES.values():
        key = d.stored_key("port")
        port = str(stored.get(key) or "").strip()
        if port and not re.fullmatch(PORT_PATTERN, port):
            problems.append(Problem.of("device.bad_port", column=key, device=Msg(d.label), port=port))
        baud_key = d.stored_key("baudrate")
        baud = stored.get(baud_key)
        if baud_key in stored and (isinstance(baud, bool) or baud not in BAUDRATES):
            problems.append(Problem.of("device.bad_baudrate", column=baud_key, device=Msg(d.label), baud=baud,
                                       known=list(BAUDRATES)))
        parity_key = d.stored_key("parity")
        if parity_key in stored and stored.get(parity_key) not in PARITIES:
            problems.append(Problem.of("device.bad_parity", column=parity_key, device=Msg(d.label),
                                       parity=stored.get(parity_key), known=list(PARITIES)))
    return problems


def display_settings(printer: dict | None) -> dict[str, Any] | None:
    """The pole display's {port, baudrate, parity} when checkout should drive it (the printer's
    `customer_display` flag on and a port set), else None."""
    if not printer or not printer.get("customer_display"):
        return None
    conf = DEVICES["display"].from_stored(printer)
    return conf if conf["port"] else None
