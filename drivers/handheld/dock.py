"""The counter's side of the handheld dock (docs/handheld-protocol.md): a session per
operation, `download(route)`, `upload()` → readings, `commit()` once they are stored.

An interrupted upload leaves its records in a resume file under `state_dir`; the next upload
from the same handheld for the same period asks to continue from there (the counter says where
it is), so nothing is lost and nothing arrives twice.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import serial

from app.errors import AppError, InputError
from drivers.handheld import frames as F
from drivers.handheld.link import Link, LinkLost

BAUD = 115200


class HandheldError(AppError):
    """The handheld or its line failed; a message code from app/messages/handheld.py."""


def open_port(name: str, *, baud: int = BAUD) -> serial.SerialBase:
    """The dock's port through the shared serial foundation (drivers/serial/line.py), 8N1; a
    missing or busy port is a handheld message that says what to do in the 抄表机 window."""
    from drivers.serial.line import HANDHELD_LINE, SerialError
    from drivers.serial.line import open_port as open_line

    try:
        return open_line(name, HANDHELD_LINE.with_(baudrate=baud))
    except SerialError as e:
        if e.code == "serial.busy":
            raise InputError("handheld.port_busy", port=name, detail=e.text("en")) from e
        if e.code in ("serial.missing", "serial.denied", "serial.open_failed"):
            raise InputError("handheld.port_missing", port=name, detail=e.text("en")) from e
        raise


def split_readings(payload: bytes, pos: int) -> list[bytes]:
    """The raw reading records in a data payload from `pos` (walking the fields, not decoding)."""
    r = F.Reader(payload, pos)
    out = []
    while not r.done():
        start = r.pos
        r.str8()
        r.str8()
        r.u16()
        r.varint()
        out.append(payload[start:r.pos])
    return out


@dataclass
class Upload:
    device: str
    period: str
    transfer: int
    readings: list[F.ReadingRecord]
    resumed_from: int
    bytes: int  # reading-record payload bytes received in this session
    seconds: float


class ResumeFile:
    """<dir>/<device>-<period>.upload: magic, transfer u32, then one block per data frame
    (u32 length, records). Appended and flushed as frames arrive; a torn last block (a crash
    while writing) is cut off when read."""

    MAGIC = b"PDHU1"

    def __init__(self, directory: Path, device: str, period: str) -> None:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in f"{device}-{period}")
        self.path = directory / f"{safe}.upload"
        self.transfer = 0
        self.records: list[bytes] = []
        self._fh: Any = None

    def load(self) -> None:
        self.transfer, self.records = 0, []
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        if not data.startswith(self.MAGIC) or len(data) < len(self.MAGIC) + 4:
            return
        pos = len(self.MAGIC)
        transfer = int.from_bytes(data[pos:pos + 4], "little")
        pos += 4
        records: list[bytes] = []
        good = pos
        while pos + 4 <= len(data):
            n = int.from_bytes(data[pos:pos + 4], "little")
            if pos + 4 + n > len(data):
                break
            try:
                records += split_readings(data[pos + 4:pos + 4 + n], 0)
            except F.PayloadError:
                break
            pos += 4 + n
            good = pos
        if good < len(data):
            with open(self.path, "r+b") as fh:
                fh.truncate(good)
        self.transfer, self.records = transfer, records

    def start(self, transfer: int) -> None:
        self.close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(self.MAGIC + F.u32(transfer))
        os.replace(tmp, self.path)
        self.transfer, self.records = transfer, []

    def append(self, records: list[bytes]) -> None:
        if self._fh is None:
            self._fh = open(self.path, "ab")
        block = b"".join(records)
        self._fh.write(F.u32(len(block)) + block)
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.records += records

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def delete(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


@dataclass
class Hello:
    device: str
    route_period: str
    route_count: int
    readings_count: int
    extra: dict = field(default_factory=dict)


class Dock:
    """One docked handheld on `port` (an open pyserial port). `port_name` is for messages."""

    def __init__(self, port: Any, *, state_dir: Path | str, port_name: str = "", timeout: float = 1.0,
                 retries: int = 5) -> None:
        self.port, self.port_name = port, port_name or getattr(port, "port", "") or "?"
        self.state_dir = Path(state_dir)
        self.link = Link(port, timeout=timeout, retries=retries)
        self.hello_info: Hello | None = None
        self._pending: tuple[ResumeFile, Upload] | None = None

    @classmethod
    def open(cls, name: str, *, state_dir: Path | str, baud: int = BAUD, timeout: float = 1.0,
             retries: int = 5) -> "Dock":
        return cls(open_port(name, baud=baud), state_dir=state_dir, port_name=name, timeout=timeout, retries=retries)

    def close(self) -> None:
        try:
            if self.hello_info is not None:
                self.link.send(F.BYE)
                self.link.flush()
        except (LinkLost, serial.SerialException, OSError):
            pass
        finally:
            self.hello_info = None
            try:
                self.port.close()
            except (serial.SerialException, OSError):
                pass

    def __enter__(self) -> "Dock":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- session ---------------------------------------------------------------------------
    def _lost(self, e: LinkLost, code: str = "handheld.line_lost", **params: Any) -> HandheldError:
        self.hello_info = None  # the session is over: no BYE into a dead line (close stays quick)
        if not e.answered:
            return HandheldError("handheld.no_answer", port=self.port_name)
        return HandheldError(code, port=self.port_name, **params)

    def _expect(self, *types: int) -> F.Frame:
        fr = self.link.recv()
        if fr.type == F.FAIL:
            r = F.Reader(fr.payload)
            try:
                reason, detail = r.str8(), r.str8()
            except F.PayloadError:
                reason, detail = "?", ""
            if reason == "version":
                raise HandheldError("handheld.version", version=detail, ours=F.VERSION)
            raise HandheldError("handheld.refused", reason=reason, detail=detail)
        if fr.type not in types:
            raise HandheldError("handheld.protocol", detail=f"frame type 0x{fr.type:02X}")
        return fr

    def hello(self) -> Hello:
        """Open a session (a fresh link: sequence numbers from 0)."""
        with self._port_errors():
            return self._hello()

    @contextlib.contextmanager
    def _port_errors(self) -> Iterator[None]:
        """A port that fails under us (a USB adapter pulled out) is a coded error."""
        try:
            yield
        except serial.SerialException as e:
            raise HandheldError("handheld.port_failed", port=self.port_name, detail=str(e)) from e

    def _hello(self) -> Hello:
        try:
            self.port.reset_input_buffer()
        except (AttributeError, serial.SerialException, OSError):
            pass
        self.link.reset()
        session = secrets.token_bytes(4)
        self.link.awaiting = session
        try:
            self.link.send(F.HELLO, bytes((F.VERSION,)) + session)
            fr = self._expect(F.HELLO_REPLY)
        except LinkLost as e:  # acknowledged but never answered is still no answer
            raise self._lost(e, "handheld.no_answer") from e
        try:
            r = F.Reader(fr.payload)
            version, _session, device, rp, rc, n = r.u8(), r.u32(), r.str8(), r.str8(), r.varint(), r.varint()
        except F.PayloadError as e:
            raise HandheldError("handheld.protocol", detail=str(e)) from e
        if version != F.VERSION:
            raise HandheldError("handheld.version", version=version, ours=F.VERSION)
        self.hello_info = Hello(device, rp, rc, n)
        return self.hello_info

    # -- route download ----------------------------------------------------------------------
    def download(self, route: list[dict], period: str,
                 on_progress: Callable[[int, int], None] | None = None) -> dict:
        """Send the reading route (rows of meter_intake.route) for `period`; the handheld
        replaces its route only when all of it arrived intact."""
        with self._port_errors():
            return self._download(route, period, on_progress)

    def _download(self, route: list[dict], period: str, on_progress: Callable[[int, int], None] | None) -> dict:
        hello = self.hello_info or self.hello()
        records = [F.RouteRecord.from_route(r).encode() for r in route]
        t0 = time.monotonic()
        try:
            self.link.send(F.ROUTE_BEGIN, F.u32(secrets.randbits(32)) + F.str8(period) + F.varint(len(records)))
            chunks = F.split_records(records, 0)
            for i, (_first, payload) in enumerate(chunks):
                self.link.send(F.ROUTE_DATA, payload)
                if on_progress:
                    on_progress(chunks[i + 1][0] if i + 1 < len(chunks) else len(records), len(records))
            self.link.send(F.ROUTE_END, F.varint(len(records)) + F.u32(F.crc32(b"".join(records))))
            fr = self._expect(F.ROUTE_DONE)
        except LinkLost as e:
            raise self._lost(e, "handheld.download_lost") from e
        held = F.Reader(fr.payload).varint()
        if held != len(records):
            raise HandheldError("handheld.check_failed", detail=f"{held} != {len(records)}")
        return {"device": hello.device, "period": period, "sent": len(records),
                "bytes": sum(map(len, records)), "seconds": round(time.monotonic() - t0, 3)}

    # -- readings upload ---------------------------------------------------------------------
    def upload(self, period: str, on_progress: Callable[[int, int], None] | None = None) -> Upload:
        """Receive the handheld's readings for `period`, continuing an interrupted transfer.
        Call `commit()` once they are stored."""
        hello = self.hello_info or self.hello()
        state = ResumeFile(self.state_dir, hello.device, period)
        try:
            state.load()
            return self._upload(period, hello, state, on_progress)
        except serial.SerialException as e:  # (an OSError too) the port itself failed: unplugged
            state.close()
            raise HandheldError("handheld.port_failed", port=self.port_name, detail=str(e)) from e
        except OSError as e:  # the resume file cannot be kept: nothing may be received unsaved
            state.close()
            raise HandheldError("handheld.state_failed", path=str(state.path), detail=str(e)) from e

    def _upload(self, period: str, hello: Hello, state: ResumeFile,
                on_progress: Callable[[int, int], None] | None) -> Upload:
        t0 = time.monotonic()
        got_bytes = 0
        total = 0
        try:
            self.link.send(F.UPLOAD_REQ, F.str8(period) + F.u32(state.transfer) + F.varint(len(state.records)))
            fr = self._expect(F.UPLOAD_BEGIN)
            r = F.Reader(fr.payload)
            transfer, total, start = r.u32(), r.varint(), r.varint()
            readers = [r.str8() for _ in range(r.varint())]
            if transfer != state.transfer or start != len(state.records):
                if start != 0:
                    raise HandheldError("handheld.protocol", detail=f"resume at {start}, have {len(state.records)}")
                state.start(transfer)
            resumed_from = len(state.records)
            if on_progress:
                on_progress(resumed_from, total)
            while True:
                fr = self._expect(F.UPLOAD_DATA, F.UPLOAD_END)
                r = F.Reader(fr.payload)
                if fr.type == F.UPLOAD_END:
                    end_total, check = r.varint(), r.u32()
                    break
                first = r.varint()
                if first != len(state.records):
                    raise HandheldError("handheld.protocol", detail=f"records from {first}, expected {len(state.records)}")
                recs = split_readings(fr.payload, r.pos)
                state.append(recs)
                got_bytes += sum(map(len, recs))
                if on_progress:
                    on_progress(len(state.records), total)
        except LinkLost as e:
            state.close()
            raise self._lost(e, received=len(state.records), total=total) from e
        except F.PayloadError as e:
            state.close()
            raise HandheldError("handheld.protocol", detail=str(e)) from e
        state.close()
        if end_total != len(state.records) or check != F.crc32(b"".join(state.records)):
            state.delete()  # a wrong set must not be resumed from
            raise HandheldError("handheld.check_failed",
                                detail=f"{len(state.records)}/{end_total} records, CRC-32 {check:08X}")
        try:
            readings = [F.ReadingRecord.read(F.Reader(rec), readers) for rec in state.records]
        except F.PayloadError as e:
            state.delete()
            raise HandheldError("handheld.protocol", detail=str(e)) from e
        up = Upload(hello.device, period, transfer, readings, resumed_from, got_bytes, time.monotonic() - t0)
        self._pending = (state, up)
        return up

    def commit(self) -> None:
        """The readings of the last upload are stored: tell the handheld, forget the resume file.
        If the handheld does not confirm, the file stays (a re-upload is idempotent)."""
        if self._pending is None:
            return
        state, up = self._pending
        try:
            with self._port_errors():
                self.link.send(F.UPLOAD_COMMIT, F.u32(up.transfer))
                self._expect(F.COMMIT_OK)
        except LinkLost as e:
            raise self._lost(e, received=len(up.readings), total=len(up.readings)) from e
        state.delete()
        self._pending = None


def split_route(payload: bytes) -> list[bytes]:
    """The raw route records in a ROUTE_DATA payload (after its first-index varint)."""
    r = F.Reader(payload)
    r.varint()
    out = []
    while not r.done():
        start = r.pos
        F.RouteRecord.read(r)
        out.append(payload[start:r.pos])
    return out
