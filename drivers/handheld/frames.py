"""Frames and records of the handheld dock protocol (docs/handheld-protocol.md).

Length-delimited frames: SOF 0x7E, LEN u16 LE, TYPE u8, SEQ u16 LE, PAYLOAD, CRC-16/CCITT-FALSE
(big-endian) over LEN..PAYLOAD. `Decoder` is fed whatever bytes arrive and never raises: it
hands back good frames and notes bad ones (for a NAK), resynchronising on the next 0x7E.
"""

from __future__ import annotations

import binascii
import struct
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

SOF = 0x7E
MAX_PAYLOAD = 4096
HEADER = struct.Struct("<HBH")  # LEN, TYPE, SEQ
OVERHEAD = 1 + HEADER.size + 2
VERSION = 1

HELLO, HELLO_REPLY = 0x01, 0x81
ROUTE_BEGIN, ROUTE_DATA, ROUTE_END, ROUTE_DONE = 0x02, 0x03, 0x04, 0x84
UPLOAD_REQ, UPLOAD_BEGIN, UPLOAD_DATA, UPLOAD_END = 0x05, 0x85, 0x86, 0x87
UPLOAD_COMMIT, COMMIT_OK, BYE, FAIL = 0x06, 0x88, 0x07, 0x8F
ACK, NAK = 0xF0, 0xF1
TYPES = frozenset({HELLO, HELLO_REPLY, ROUTE_BEGIN, ROUTE_DATA, ROUTE_END, ROUTE_DONE, UPLOAD_REQ,
                   UPLOAD_BEGIN, UPLOAD_DATA, UPLOAD_END, UPLOAD_COMMIT, COMMIT_OK, BYE, FAIL, ACK, NAK})
CONTROL = frozenset({ACK, NAK})


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, xorout 0 (check 0x29B1)."""
    return binascii.crc_hqx(data, 0xFFFF)


def crc32(data: bytes, start: int = 0) -> int:
    return zlib.crc32(data, start) & 0xFFFFFFFF


@dataclass(frozen=True)
class Frame:
    type: int
    seq: int
    payload: bytes = b""

    def encode(self) -> bytes:
        return encode(self.type, self.seq, self.payload)


def encode(ftype: int, seq: int, payload: bytes = b"") -> bytes:
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes > {MAX_PAYLOAD}")
    body = HEADER.pack(len(payload), ftype, seq & 0xFFFF) + payload
    return bytes((SOF,)) + body + crc16(body).to_bytes(2, "big")


class Decoder:
    """Bytes in, frames out. `feed` returns the good frames completed by these bytes;
    `errors` counts bad frames seen since the last `take_errors()` (each is worth a NAK)."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._errors = 0

    def take_errors(self) -> int:
        n, self._errors = self._errors, 0
        return n

    @property
    def pending(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        out: list[Frame] = []
        buf = self._buf
        while True:
            i = buf.find(SOF)
            if i < 0:
                buf.clear()
                return out
            if i:
                del buf[:i]
            if len(buf) < 1 + HEADER.size:
                return out
            length, ftype, seq = HEADER.unpack_from(buf, 1)
            if length > MAX_PAYLOAD or ftype not in TYPES:
                self._errors += 1
                del buf[:1]
                continue
            end = 1 + HEADER.size + length + 2
            if len(buf) < end:
                return out
            body = bytes(buf[1:end - 2])
            if crc16(body) != int.from_bytes(buf[end - 2:end], "big"):
                self._errors += 1
                del buf[:1]  # believe nothing of it; a real frame may start inside
                continue
            out.append(Frame(ftype, seq, body[HEADER.size:]))
            del buf[:end]

    def stale(self) -> list[Frame]:
        """No bytes came for a while: a partial frame at the front will never complete
        (truncated). Drop its start byte and look again at what followed it."""
        if not self._buf:
            return []
        self._errors += 1
        del self._buf[:1]
        return self.feed(b"")


# -- payload pieces --------------------------------------------------------------------------

class PayloadError(ValueError):
    """A payload that passed its CRC but does not say what its type says (a peer's bug)."""


def varint(n: int) -> bytes:
    if n < 0:
        raise ValueError("varint < 0")
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def str8(s: str) -> bytes:
    b = s.encode("utf-8")
    if len(b) > 255:
        raise ValueError(f"text longer than 255 bytes: {s[:20]}…")
    return bytes((len(b),)) + b


class Reader:
    """Reads payload pieces in order; any overrun is a PayloadError."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data, self.pos = data, pos

    def done(self) -> bool:
        return self.pos >= len(self.data)

    def _take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise PayloadError("payload too short")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u8(self) -> int:
        return self._take(1)[0]

    def u16(self) -> int:
        return int.from_bytes(self._take(2), "little")

    def u32(self) -> int:
        return int.from_bytes(self._take(4), "little")

    def varint(self) -> int:
        n = shift = 0
        while True:
            b = self.u8()
            n |= (b & 0x7F) << shift
            if not b & 0x80:
                return n
            shift += 7
            if shift > 63:
                raise PayloadError("varint too long")

    def str8(self) -> str:
        try:
            return self._take(self.u8()).decode("utf-8")
        except UnicodeDecodeError as e:
            raise PayloadError("text is not UTF-8") from e


def u16(n: int) -> bytes:
    return (n & 0xFFFF).to_bytes(2, "little")


def u32(n: int) -> bytes:
    return (n & 0xFFFFFFFF).to_bytes(4, "little")


# -- records ----------------------------------------------------------------------------------

EPOCH = date(1999, 12, 31)  # read_at is days since this day, so 0 can mean "not given"


@dataclass(frozen=True)
class RouteRecord:
    meter_no: str
    room: str = ""
    owner: str = ""
    kind: str = ""
    digits: int = 8
    last_reading: str = ""
    last_period: str = ""
    address: str = ""
    protocol: str = ""

    def encode(self) -> bytes:
        return b"".join((str8(self.meter_no), str8(self.room), str8(self.owner), str8(self.kind),
                         bytes((self.digits & 0xFF,)), str8(self.last_reading), str8(self.last_period),
                         str8(self.address), str8(self.protocol)))

    @classmethod
    def read(cls, r: Reader) -> "RouteRecord":
        return cls(r.str8(), r.str8(), r.str8(), r.str8(), r.u8(), r.str8(), r.str8(), r.str8(), r.str8())

    @classmethod
    def from_route(cls, row: dict) -> "RouteRecord":
        """One row of meter_intake.route(): None becomes "" (absent)."""
        def t(key: str) -> str:
            v = row.get(key)
            text = "" if v is None else str(v)
            while len(text.encode("utf-8")) > 255:  # a long owner name is cut for the handheld's screen
                text = text[:-1]
            return text

        return cls(t("meter_no"), t("room"), t("owner"), t("kind"), int(row.get("digits") or 8),
                   t("last_reading"), t("last_period"), t("address"), t("protocol"))


@dataclass(frozen=True)
class ReadingRecord:
    meter_no: str
    reading: Decimal
    read_at: date | None = None
    reader: str | None = None

    def encode(self, readers: dict[str, int]) -> bytes:
        days = 0 if self.read_at is None else (self.read_at - EPOCH).days
        idx = 0 if not self.reader else readers[self.reader]
        return str8(self.meter_no) + str8(str(self.reading)) + u16(days) + varint(idx)

    @classmethod
    def read(cls, r: Reader, readers: list[str]) -> "ReadingRecord":
        meter_no, text, days, idx = r.str8(), r.str8(), r.u16(), r.varint()
        try:
            value = Decimal(text)
        except InvalidOperation as e:
            raise PayloadError(f"reading {text!r} is not a number") from e
        if not value.is_finite():
            raise PayloadError(f"reading {text!r} is not a number")
        if idx > len(readers):
            raise PayloadError(f"reader {idx} not in the readers table")
        return cls(meter_no, value, EPOCH + timedelta(days=days) if days else None,
                   readers[idx - 1] if idx else None)


def split_records(records: list[bytes], first: int, limit: int = 1000) -> list[tuple[int, bytes]]:
    """Pack encoded records into data-frame payloads of about `limit` bytes:
    [(first index, varint(first) + records)]."""
    out: list[tuple[int, bytes]] = []
    i = 0
    while i < len(records):
        start, chunk, size = i, [varint(first + i)], 0
        while i < len(records) and (size == 0 or size + len(records[i]) <= limit):
            chunk.append(records[i])
            size += len(records[i])
            i += 1
        out.append((first + start, b"".join(chunk)))
    return out
