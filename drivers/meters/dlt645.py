"""DL/T 645-2007 multi-function electricity meter protocol: the frames a counter needs to read
forward active energy (正向有功总电能).

    FE FE FE FE | 68 A0..A5 68 C L DATA CS 16
A0..A5 the address, BCD low byte first (AA…AA: any meter, for a line with one meter on it);
DATA bytes carried +0x33; CS the sum mod 256 of every byte from the first 68 to the end of
DATA. Read: C=11, DATA = DI0..DI3 (00 01 00 00 sent as 00 00 01 00 low first). Normal reply
C=91, DATA = DI + 4 bytes BCD XXXXXX.XX kWh; abnormal reply C=D1, DATA = one error byte.
A frame is believed only when its start bytes, length, checksum and end byte all agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from drivers.meters.bcd import address_bytes, address_text, bcd_le_to_decimal, checksum
from drivers.meters.framing import find_frame, whole
from drivers.serial.line import FrameError

PREAMBLE = b"\xFE\xFE\xFE\xFE"
BROADCAST = "AAAAAAAAAAAA"
C_READ, C_READ_OK, C_READ_ERR = 0x11, 0x91, 0xD1
DI_FORWARD_ACTIVE = 0x00010000  # (current) forward active energy, total
ERRORS = {0x01: "other error", 0x02: "no data requested", 0x04: "password error / unauthorised",
          0x08: "baud rate cannot be changed", 0x10: "annual time zones exceeded",
          0x20: "daily time slots exceeded", 0x40: "tariffs exceeded"}


@dataclass(frozen=True)
class Frame:
    address: str  # 12 digits, high first as printed on the meter
    control: int
    data: bytes  # with the 0x33 taken off


def _addr(address: str) -> bytes:
    if address.upper() == BROADCAST:
        return b"\xAA" * 6
    return address_bytes(address, 6)


def build(address: str, control: int, data: bytes, *, preamble: bool = True) -> bytes:
    body = b"\x68" + _addr(address) + b"\x68" + bytes([control, len(data)]) + bytes((b + 0x33) & 0xFF for b in data)
    return (PREAMBLE if preamble else b"") + body + bytes([checksum(body), 0x16])


def read_request(address: str, di: int = DI_FORWARD_ACTIVE) -> bytes:
    return build(address, C_READ, di.to_bytes(4, "little"))


def _second_68(head: bytes) -> None:
    if head[7] != 0x68:
        raise FrameError("meter.frame_malformed", detail="second 68 missing")


def parse(buf: bytes) -> tuple[Frame, int] | None:
    """The first whole frame in `buf` and how many bytes it used; None while incomplete;
    FrameError for bytes that cannot be a believed frame. Leading FE (and other noise before
    the first 68) is skipped."""
    got = find_frame(buf, 10, _second_68)
    if got is None:
        return None
    f, used = got
    data = bytes((b - 0x33) & 0xFF for b in f[10:-2])
    return Frame(address_text(f[1:7]), f[8], data), used


def parse_complete(frame: bytes) -> Frame:
    """A frame that must be whole (a truncated one is a FrameError, never None)."""
    return whole(parse, frame)


@dataclass(frozen=True)
class Energy:
    address: str
    kwh: Decimal


def energy_of(frame: Frame, *, address: str | None = None, di: int = DI_FORWARD_ACTIVE) -> Energy:
    """The energy value of a read reply, checked against the request's address and DI."""
    if address and address.upper() != BROADCAST and frame.address != address.zfill(12):
        raise FrameError("meter.frame_wrong_meter", got=frame.address, expected=address.zfill(12))
    if frame.control == C_READ_ERR:
        err = frame.data[0] if frame.data else 0
        why = ", ".join(t for bit, t in ERRORS.items() if err & bit) or f"error {err:02X}"
        raise FrameError("meter.meter_error", address=frame.address, detail=why)
    if frame.control != C_READ_OK:
        raise FrameError("meter.frame_malformed", detail=f"control {frame.control:02X}, not 91")
    if len(frame.data) != 8 or int.from_bytes(frame.data[:4], "little") != di:
        raise FrameError("meter.frame_malformed", detail="reply is not forward active energy")
    return Energy(frame.address, bcd_le_to_decimal(frame.data[4:8], 2))


def reply_reader(address: str | None = None):  # type: ignore[no-untyped-def]
    """A SerialLine frame reader giving the Energy of a read reply."""
    def read(buf: bytes):  # type: ignore[no-untyped-def]
        got = parse(buf)
        if got is None:
            return None
        return energy_of(got[0], address=address), got[1]
    return read
