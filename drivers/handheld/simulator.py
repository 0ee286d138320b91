"""The handheld (抄表机) end of a dock line, for tests and the demo (`handheld simulate`).

It serves sessions until stopped: keeps the route last downloaded, and uploads readings —
those of a readings CSV (the import format of shared/spec/billing-rules.md: meter_no, period,
reading, read_at, reader; Chinese headers accepted), or, without one, readings it makes up
from its route (last reading + a plausible usage; `leaks` get a leak's usage). It can pace its
bytes at the line rate (a real UART) and cut the line once mid-upload (a fault for tests).
"""

from __future__ import annotations

import csv
import fcntl
import os
import select
import struct
import termios
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.errors import InputError
from drivers.handheld import frames as F
from drivers.handheld.link import Link, LinkLost, PacedPort, SessionReset

LINE_RATE_8N1 = 115200 / 10  # bytes/s: start bit + 8 data bits + stop bit


class FdPort:
    """A pyserial-like port over a raw file descriptor (the master end of `os.openpty()`),
    so the simulator can sit on the other end of the pty the counter opens with pyserial."""

    def __init__(self, fd: int, timeout: float = 0.02) -> None:
        self.fd, self.timeout = fd, timeout
        self.port = f"fd:{fd}"

    @property
    def in_waiting(self) -> int:
        try:
            buf = fcntl.ioctl(self.fd, termios.FIONREAD, struct.pack("i", 0))
        except OSError:  # closed: nothing will come
            return 0
        return struct.unpack("i", buf)[0]

    def read(self, n: int = 1) -> bytes:
        try:
            r, _, _ = select.select([self.fd], [], [], self.timeout)
        except (OSError, ValueError):  # closed under us (a test pulling the plug)
            time.sleep(self.timeout)
            return b""
        if not r:
            return b""
        try:
            return os.read(self.fd, n)
        except OSError:  # EIO: the other end is closed
            return b""

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]
        return len(data)

    def reset_input_buffer(self) -> None:
        while self.in_waiting:
            os.read(self.fd, self.in_waiting)

    def close(self) -> None:
        pass  # the fd belongs to whoever opened the pty


def read_readings_csv(path: str | Path) -> list[tuple[str, F.ReadingRecord]]:
    """(period, reading) rows of a readings CSV; a bad row is a coded error naming it."""
    names = {"meter_no": "meter_no", "表号": "meter_no", "period": "period", "账期": "period",
             "reading": "reading", "本次读数": "reading", "read_at": "read_at", "抄表日期": "read_at",
             "reader": "reader", "抄表员": "reader"}
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError as e:
        raise InputError("handheld.readings_file_missing", file=str(path)) from e
    out = []
    with fh:
        rows = csv.reader(fh)
        header = [names.get(h.strip(), h.strip()) for h in next(rows, [])]
        for missing in ("meter_no", "period", "reading"):
            if missing not in header:
                raise InputError("handheld.bad_readings_file", file=str(path), row=1, detail=f"no column {missing}")
        for n, raw in enumerate(rows, start=2):
            if not any(c.strip() for c in raw):
                continue
            row = {k: (raw[i].strip() if i < len(raw) else "") for i, k in enumerate(header)}
            try:
                value = Decimal(row["reading"])
                read_at = date.fromisoformat(row["read_at"]) if row.get("read_at") else None
            except (InvalidOperation, ValueError) as e:
                raise InputError("handheld.bad_readings_file", file=str(path), row=n, detail=str(e)) from e
            out.append((row["period"], F.ReadingRecord(row["meter_no"], value, read_at, row.get("reader") or None)))
    return out


class _Cut(Exception):
    """The fault fired: the line is dead for the rest of this session."""


@dataclass
class Handheld:
    device_id: str = "HH-SIM-0001"
    readings: list[tuple[str, F.ReadingRecord]] | None = None  # None: make them up from the route
    leaks: set[str] = field(default_factory=set)
    route: list[F.RouteRecord] = field(default_factory=list)
    route_period: str = ""
    committed: set[int] = field(default_factory=set)
    cut_after: int | None = None  # cut the line once, after this many reading-record bytes
    frame_bytes: int = 1000  # records per data frame up to this many bytes (a small handheld sends less)
    sessions: int = 0
    uploads: int = 0

    # -- what it holds ------------------------------------------------------------------------
    def readings_for(self, period: str) -> list[F.ReadingRecord]:
        if self.readings is not None:
            return [r for p, r in self.readings if p == period]
        out = []
        for rec in self.route:
            if not rec.last_reading:
                continue
            usage = 3 + zlib.crc32(f"{rec.meter_no}/{period}".encode()) % 13  # a plausible month
            if rec.meter_no in self.leaks:
                usage *= 40
            value = Decimal(rec.last_reading) + usage
            limit = Decimal(10) ** rec.digits
            if value >= limit:
                value -= limit  # the register rolls over
            out.append(F.ReadingRecord(rec.meter_no, value, None, None))
        return out

    def _upload_set(self, period: str) -> tuple[int, list[str], list[bytes]]:
        recs = self.readings_for(period)
        readers = sorted({r.reader for r in recs if r.reader})
        index = {name: i + 1 for i, name in enumerate(readers)}
        encoded = [r.encode(index) for r in recs]
        transfer = F.crc32(b"".join(map(F.str8, readers)) + b"".join(encoded), F.crc32(period.encode())) or 1
        return transfer, readers, encoded

    # -- serving ------------------------------------------------------------------------------
    def serve(self, port: Any, *, stop: threading.Event | None = None, timeout: float = 1.0,
              retries: int = 5) -> None:
        """Answer sessions on `port` until `stop` is set (or for ever)."""
        link = Link(port, timeout=timeout, retries=retries, handheld=True)
        self.link = link  # tests read its stats
        muted: list[bool] = [False]
        original_write = link._write

        def write(raw: bytes) -> None:
            if not muted[0]:
                original_write(raw)

        def new_session() -> None:
            muted[0] = False
            self.sessions += 1
            if hasattr(port, "revive"):
                port.revive()

        link._write = write  # type: ignore[method-assign]
        link.on_reset = new_session
        while stop is None or not stop.is_set():
            try:
                fr = link.recv(timeout=0.2)
            except LinkLost:
                link.unacked.clear()  # the counter went away mid-session: wait for the next HELLO
                continue
            except OSError:
                if stop is not None and stop.is_set():
                    return
                raise
            if muted[0]:
                continue
            try:
                self._answer(link, fr, muted)
            except _Cut:
                muted[0] = True
                link.unacked.clear()
                if hasattr(port, "cut"):
                    port.cut()
            except LinkLost:
                link.unacked.clear()
            except SessionReset:
                pass  # re-docked mid-transfer: the new session's HELLO is next in the inbox

    def _fail(self, link: Link, reason: str, detail: str = "") -> None:
        link.send(F.FAIL, F.str8(reason) + F.str8(detail[:200]))

    def _answer(self, link: Link, fr: F.Frame, muted: list[bool]) -> None:
        r = F.Reader(fr.payload)
        try:
            if fr.type == F.HELLO:
                if r.u8() != F.VERSION:
                    return self._fail(link, "version", str(F.VERSION))
                n = len(self.readings_for(self.route_period)) if self.route_period or self.readings else 0
                link.send(F.HELLO_REPLY, bytes((F.VERSION,)) + fr.payload[1:5] + F.str8(self.device_id)
                          + F.str8(self.route_period)
                          + F.varint(len(self.route)) + F.varint(n))
            elif fr.type == F.ROUTE_BEGIN:
                r.u32()
                self._incoming = (r.str8(), r.varint(), [])
            elif fr.type == F.ROUTE_DATA:
                period, count, recs = self._incoming
                if r.varint() != len(recs):
                    return self._fail(link, "route_order")
                while not r.done():
                    recs.append(F.RouteRecord.read(r))
            elif fr.type == F.ROUTE_END:
                period, count, recs = self._incoming
                n, check = r.varint(), r.u32()
                if n != len(recs) or check != F.crc32(b"".join(x.encode() for x in recs)):
                    return self._fail(link, "route_check", f"{len(recs)}/{n}")
                self.route, self.route_period = recs, period
                link.send(F.ROUTE_DONE, F.varint(len(recs)))
            elif fr.type == F.UPLOAD_REQ:
                self._send_readings(link, r.str8(), r.u32(), r.varint())
            elif fr.type == F.UPLOAD_COMMIT:
                transfer = r.u32()
                self.committed.add(transfer)
                link.send(F.COMMIT_OK, F.u32(transfer))
            elif fr.type == F.BYE:
                link.flush()
        except (F.PayloadError, AttributeError) as e:
            self._fail(link, "bad_request", str(e))

    def _send_readings(self, link: Link, period: str, transfer: int, start: int) -> None:
        mine, readers, encoded = self._upload_set(period)
        if transfer != mine or start > len(encoded):
            start = 0
        self.uploads += 1
        link.send(F.UPLOAD_BEGIN, F.u32(mine) + F.varint(len(encoded)) + F.varint(start)
                  + F.varint(len(readers)) + b"".join(map(F.str8, readers)))
        sent = 0
        for _first, payload in F.split_records(encoded[start:], start, self.frame_bytes):
            if self.cut_after is not None and sent + len(payload) > self.cut_after:
                self.cut_after = None  # once
                raw = F.encode(F.UPLOAD_DATA, link.tx_seq, payload)
                link._write(raw[:len(raw) // 2])  # the line dies mid-frame
                if hasattr(link.port, "drain"):
                    link.port.drain()
                raise _Cut()
            link.send(F.UPLOAD_DATA, payload)
            sent += len(payload)
        link.send(F.UPLOAD_END, F.varint(len(encoded)) + F.u32(F.crc32(b"".join(encoded))))
        link.flush()


def serve_port(handheld: Handheld, port: Any, *, pace: float | None = None, stop: threading.Event | None = None,
               timeout: float = 1.0) -> None:
    """Serve on an open port, pacing writes at `pace` bytes/s when given."""
    line = PacedPort(port, pace) if pace else port
    try:
        handheld.serve(line, stop=stop, timeout=timeout)
    finally:
        if isinstance(line, PacedPort):
            line.close()


def start_thread(handheld: Handheld, port: Any, **kw: Any) -> tuple[threading.Thread, threading.Event]:
    """The simulator on a daemon thread (in-process tests); set the event to stop it."""
    stop = threading.Event()
    t = threading.Thread(target=serve_port, args=(handheld, port), kwargs={**kw, "stop": stop},
                         name="handheld-sim", daemon=True)
    t.start()
    return t, stop

