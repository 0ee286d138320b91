"""The customer pole display (客显) interface and the bytes of its command set.

The common LED pole displays at Chinese counters (8 digits and four lamps: 单价 / 总计 / 收款 /
找零) take a small ESC/POS-style command set:

    ESC @            1B 40           initialise
    FF               0C              clear the digits
    ESC s n          1B 73 n         lamp: 0 off, 1 单价 price, 2 总计 total, 3 收款 received, 4 找零 change
    ESC Q A d… CR    1B 51 41 … 0D   show the number d… (digits and one decimal point)

(The same bytes as e.g. the Wintec CD110 line-display driver in github188/GIT,
JavaPos/device/LineDisplay/WintecCD110_LineDisplay.java.) The decimal point lights the dot
after a digit, so it takes no digit position: 8 digits show up to 999999.99.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from app.errors import AppError
from app.money import fen_to_yuan_str

ESC = b"\x1b"
INIT = ESC + b"@"
CLEAR = b"\x0c"
LAMP = ESC + b"s"
NUMBER = ESC + b"QA"
CR = b"\r"

LAMP_OFF, LAMP_PRICE, LAMP_TOTAL, LAMP_RECEIVED, LAMP_CHANGE = 0, 1, 2, 3, 4
DIGITS = 8


class DisplayError(AppError):
    """The pole display could not be written: a message code (app/messages/devices.py). The
    payment never depends on it; the window shows the message in the status bar."""


def lamp(n: int) -> bytes:
    if n not in range(5):
        raise ValueError(f"lamp {n} not in 0..4")
    return LAMP + bytes((n,))


def number(fen: int) -> bytes:
    """ESC Q A <yuan with two decimals> CR; DisplayError when it needs more than 8 digits."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError("amounts are integer fen")
    text = fen_to_yuan_str(abs(fen))
    if sum(c.isdigit() for c in text) > DIGITS:
        raise DisplayError("device.display.too_long", amount=fen)
    return NUMBER + text.encode("ascii") + CR


def show(lamp_no: int, fen: int) -> bytes:
    """The bytes that light one lamp and show one amount (the previous digits are replaced)."""
    return lamp(lamp_no) + number(fen)


@runtime_checkable
class CustomerDisplay(Protocol):
    def show_total(self, fen: int) -> None: ...

    def show_received(self, fen: int) -> None: ...

    def show_change(self, fen: int) -> None: ...

    def clear(self) -> None: ...

    def close(self) -> None: ...


class ByteDisplay:
    """The four operations as bytes handed to `write` (the serial driver's, or a test's)."""

    def write(self, data: bytes) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def show_total(self, fen: int) -> None:
        self.write(show(LAMP_TOTAL, fen))

    def show_received(self, fen: int) -> None:
        self.write(show(LAMP_RECEIVED, fen))

    def show_change(self, fen: int) -> None:
        self.write(show(LAMP_CHANGE, fen))

    def clear(self) -> None:
        self.write(CLEAR + lamp(LAMP_OFF))

    def close(self) -> None:
        pass
