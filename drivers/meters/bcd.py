"""BCD helpers shared by the meter protocols: addresses and values are BCD, low byte first."""

from __future__ import annotations

from decimal import Decimal

from drivers.serial.line import FrameError


def bcd_byte(b: int) -> int:
    hi, lo = b >> 4, b & 0x0F
    if hi > 9 or lo > 9:
        raise FrameError("meter.bad_bcd", value=f"{b:02X}")
    return hi * 10 + lo


def to_bcd_byte(n: int) -> int:
    return ((n // 10) << 4) | (n % 10)


def bcd_le_to_int(data: bytes) -> int:
    """Little-endian BCD bytes -> integer (12 34 -> 3412)."""
    n = 0
    for b in reversed(data):
        n = n * 100 + bcd_byte(b)
    return n


def bcd_le_to_decimal(data: bytes, decimals: int) -> Decimal:
    return Decimal(bcd_le_to_int(data)).scaleb(-decimals)


def int_to_bcd_le(n: int, size: int) -> bytes:
    if n < 0 or n >= 100 ** size:
        from app.errors import InputError

        raise InputError("meter.bad_address", value=str(n), digits=size * 2)
    out = bytearray()
    for _ in range(size):
        out.append(to_bcd_byte(n % 100))
        n //= 100
    return bytes(out)


def address_bytes(address: str, size: int) -> bytes:
    """'000000000161' -> 61 01 00 00 00 00 (low byte first); digits only, padded with zeros."""
    from app.errors import InputError

    a = (address or "").strip()
    if not a.isascii() or not a.isdigit() or len(a) > size * 2:
        raise InputError("meter.bad_address", value=address, digits=size * 2)
    return int_to_bcd_le(int(a), size)


def address_text(data: bytes) -> str:
    """61 01 00 00 00 00 -> '000000000161' (AA bytes, the wildcard, stay 'AA')."""
    return "".join("AA" if b == 0xAA else f"{bcd_byte(b):02d}" for b in reversed(data))


def checksum(data: bytes) -> int:
    return sum(data) & 0xFF
