"""CJ/T 188-2004 household meter protocol (water, heat, gas): reading the cumulative register.

    FE FE … | 68 T A0..A6 C L DATA CS 16
T the meter type (10 cold water, 11 hot water, 12 drinking water, 13 reclaimed water,
20 heat, 21 cooling, 30 gas, 40 electricity); A0..A6 the 7-byte address, BCD low byte first
(the last two bytes are the maker's code); CS the sum mod 256 from the 68 to the end of DATA.
Read: C=01, L=03, DATA = DI SER (DI 90 1F; some makers put it on the wire as 1F 90, which
is accepted both ways). Reply C=81: DI SER, then for water and gas meters current cumulative
flow (4 BCD, 2 decimals) + unit, settlement-day cumulative flow + unit, meter time (7 BCD
ss mm hh DD MM YYYY), status ST (2 bytes); for heat meters settlement heat, current heat,
heat power, flow (each 4 BCD + unit), cumulative flow (4 BCD + unit), supply and return
temperature (3 BCD), working hours (3 BCD), meter time, ST. The "value" of a heat meter is
its current heat. A reply with bit 6 of C set is the meter's error reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from drivers.meters.bcd import address_bytes, address_text, bcd_byte, bcd_le_to_decimal, bcd_le_to_int, checksum
from drivers.meters.framing import find_frame, whole
from drivers.serial.line import FrameError

PREAMBLE = b"\xFE\xFE\xFE\xFE"
C_READ, C_READ_OK = 0x01, 0x81
DI_READ = b"\x90\x1F"
TYPES = {"water": 0x10, "hot_water": 0x11, "drinking_water": 0x12, "reclaimed_water": 0x13, "heat": 0x20,
         "cooling": 0x21, "gas": 0x30, "electricity": 0x40}
# Units (附录): code -> (unit as reported, factor to the base unit, base unit). Volumes are read
# in m³ and energy in kWh (what the meter's register is billed in); other heat units are kept.
UNITS = {0x2C: ("m3", Decimal(1), "m3"), 0x29: ("L", Decimal("0.001"), "m3"),
         0x05: ("kWh", Decimal(1), "kWh"), 0x02: ("Wh", Decimal("0.001"), "kWh"),
         0x08: ("MWh", Decimal(1000), "kWh"), 0x0A: ("MWh×100", Decimal(100000), "kWh"),
         0x01: ("J", Decimal(1), "J"), 0x0B: ("kJ", Decimal(1), "kJ"), 0x0E: ("MJ", Decimal(1), "MJ"),
         0x11: ("GJ", Decimal(1), "GJ"), 0x13: ("GJ×100", Decimal(100), "GJ"),
         0x14: ("W", Decimal(1), "W"), 0x17: ("kW", Decimal(1), "kW"), 0x1A: ("MW", Decimal(1), "MW"),
         0x32: ("L/h", Decimal(1), "L/h"), 0x35: ("m3/h", Decimal(1), "m3/h")}


@dataclass(frozen=True)
class Frame:
    meter_type: int
    address: str  # 14 digits, high first
    control: int
    data: bytes


def build(meter_type: int, address: str, control: int, data: bytes, *, preamble: bool = True) -> bytes:
    body = bytes([0x68, meter_type]) + address_bytes(address, 7) + bytes([control, len(data)]) + data
    return (PREAMBLE if preamble else b"") + body + bytes([checksum(body), 0x16])


def read_request(meter_type: int, address: str, ser: int = 0, *, di: bytes = DI_READ) -> bytes:
    return build(meter_type, address, C_READ, di + bytes([ser & 0xFF]))


def parse(buf: bytes) -> tuple[Frame, int] | None:
    """The first whole frame in `buf` and the bytes it used; None while incomplete; FrameError
    when the bytes cannot be a believed frame."""
    got = find_frame(buf, 11)
    if got is None:
        return None
    f, used = got
    return Frame(f[1], address_text(f[2:9]), f[9], bytes(f[11:-2])), used


def parse_complete(frame: bytes) -> Frame:
    return whole(parse, frame)


@dataclass(frozen=True)
class Reading:
    meter_type: int
    address: str
    value: Decimal  # current cumulative flow (m³) or current heat (kWh), in `unit`
    unit: str
    settlement: Decimal | None
    meter_time: datetime | None
    status: int  # ST, first byte low


def _amount(data: bytes) -> tuple[Decimal, str]:
    """4 BCD bytes (2 decimals) and a unit code -> (value in the base unit, base unit)."""
    code = data[4]
    unit = UNITS.get(code)
    if unit is None:
        raise FrameError("meter.frame_malformed", detail=f"unknown unit code {code:02X}")
    return bcd_le_to_decimal(data[:4], 2) * unit[1], unit[2]


def _time(data: bytes) -> datetime | None:
    ss, mm, hh, dd, mo = (bcd_byte(b) for b in data[:5])
    year = bcd_le_to_int(data[5:7])
    try:
        return datetime(year, mo, dd, hh, mm, ss)
    except ValueError:
        return None  # a meter clock never set reads 00 00 00 00 00 00 00: the flow still counts


def reading_of(frame: Frame, *, address: str | None = None, meter_type: int | None = None) -> Reading:
    if address and frame.address != address.zfill(14):
        raise FrameError("meter.frame_wrong_meter", got=frame.address, expected=address.zfill(14))
    if meter_type is not None and frame.meter_type != meter_type:
        raise FrameError("meter.frame_malformed", detail=f"meter type {frame.meter_type:02X}, not {meter_type:02X}")
    if frame.control & 0x40:
        st = frame.data[-2:].hex() if frame.data else ""
        raise FrameError("meter.meter_error", address=frame.address, detail=f"ST {st}")
    if frame.control != C_READ_OK:
        raise FrameError("meter.frame_malformed", detail=f"control {frame.control:02X}, not 81")
    d = frame.data
    if len(d) < 3 or d[:2] not in (b"\x90\x1F", b"\x1F\x90"):
        raise FrameError("meter.frame_malformed", detail="reply is not DI 901F")
    body = d[3:]
    if 0x20 <= frame.meter_type <= 0x29:  # heat meter
        if len(body) != 43:
            raise FrameError("meter.frame_malformed", detail=f"heat reply has {len(d)} data bytes, not 46")
        settle, _ = _amount(body[0:5])
        value, unit = _amount(body[5:10])
        when = _time(body[34:41])
        st = body[41] | body[42] << 8
        return Reading(frame.meter_type, frame.address, value, unit, settle, when, st)
    if len(body) != 19:
        raise FrameError("meter.frame_malformed", detail=f"reply has {len(d)} data bytes, not 22")
    value, unit = _amount(body[0:5])
    settle, _ = _amount(body[5:10])
    return Reading(frame.meter_type, frame.address, value, unit, settle, _time(body[10:17]), body[17] | body[18] << 8)


def reply_reader(address: str | None = None, meter_type: int | None = None):  # type: ignore[no-untyped-def]
    def read(buf: bytes):  # type: ignore[no-untyped-def]
        got = parse(buf)
        if got is None:
            return None
        return reading_of(got[0], address=address, meter_type=meter_type), got[1]
    return read
