"""A fake network receipt printer: a real TCP server on 127.0.0.1 speaking the raw-9100 side
of ESC/POS, for tests and for demo mode.

It collects the bytes of each connection, answers real-time status requests (DLE EOT n) the
way an Epson-compatible printer does, and can be told to run out of paper, go offline, stay
silent, or drop a connection part-way through a job (with a TCP reset, as a printer that
jams or reboots does). Status requests inside raster images or QR data are not answered,
because the scanner skips those payloads by their declared lengths, as a printer does.

    with FakePrinterServer() as fake:
        printer = open_printer(fake.settings)
        printer.send(job)
        fake.wait_for_jobs(1)
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

_BASE = 0x12  # bits 1 and 4 are always set in a status byte


@dataclass
class FakeConnection:
    data: bytearray = field(default_factory=bytearray)  # print data, status requests removed
    queries: list[int] = field(default_factory=list)  # n of each DLE EOT n, in order
    dropped: bool = False
    closed: threading.Event = field(default_factory=threading.Event)


class _Scanner:
    """Splits an ESC/POS stream into print data and DLE EOT requests, across chunk bounds."""

    def __init__(self) -> None:
        self.pending = b""
        self.skip = 0  # bytes of a binary payload still to pass through

    def feed(self, chunk: bytes) -> tuple[bytes, list[int]]:
        buf, out, queries, i = self.pending + chunk, bytearray(), [], 0
        while i < len(buf):
            if self.skip:
                take = min(self.skip, len(buf) - i)
                out += buf[i:i + take]
                i, self.skip = i + take, self.skip - take
                continue
            b = buf[i]
            if b == 0x10:  # DLE EOT n
                if len(buf) - i < 3:
                    break
                if buf[i + 1] == 0x04:
                    queries.append(buf[i + 2])
                    i += 3
                    continue
            elif b == 0x1D:  # GS v 0 / GS ( k / GS ( L carry binary payloads
                head = buf[i:i + 8]
                if len(head) < 3 or (head[1:3] == b"v0" and len(head) < 8) or (head[1:2] == b"(" and len(head) < 5):
                    break
                if head[1:3] == b"v0":
                    xb, h = struct.unpack("<HH", head[4:8])
                    out += head
                    i, self.skip = i + 8, xb * h
                    continue
                if head[1:2] == b"(" and head[2:3] in (b"k", b"L"):
                    out += head[:5]
                    i, self.skip = i + 5, head[3] | head[4] << 8
                    continue
            out.append(b)
            i += 1
        self.pending = buf[i:]
        return bytes(out), queries


class FakePrinterServer:
    def __init__(self, *, paper_out: bool = False, near_end: bool = False, offline: bool = False,
                 answer_status: bool = True, drop_after: int | None = None,
                 on_job: Callable[[bytes], None] | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        # All of these may be changed while the server runs.
        self.paper_out, self.near_end, self.offline = paper_out, near_end, offline
        self.answer_status = answer_status
        self.drop_after = drop_after  # reset the connection once this many print bytes arrived
        self.on_job = on_job
        self.connections: list[FakeConnection] = []
        self._sock = socket.create_server((host, port))
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def address(self) -> tuple[str, int]:
        host, port = self._sock.getsockname()[:2]
        return host, port

    @property
    def settings(self) -> dict[str, object]:
        host, port = self.address
        return {"transport": "network", "host": host, "port": port}

    def start(self) -> "FakePrinterServer":
        t = threading.Thread(target=self._accept_loop, name="fake-printer", daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def stop(self) -> None:
        self._stop.set()
        for t in list(self._threads):
            t.join(timeout=2)
        self._sock.close()

    def __enter__(self) -> "FakePrinterServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests look at ---------------------------------------------------------------
    @property
    def jobs(self) -> list[bytes]:
        """The print data of each finished, undropped connection that carried any."""
        with self._lock:
            return [bytes(c.data) for c in self.connections if c.closed.is_set() and c.data and not c.dropped]

    def wait_for_jobs(self, n: int, timeout: float = 5.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while len(self.jobs) < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"fake printer got {len(self.jobs)} jobs, expected {n}")
            time.sleep(0.01)
        return self.jobs

    # -- the printer ----------------------------------------------------------------------
    def status_byte(self, n: int) -> int:
        offline = self.offline or self.paper_out  # Epson-style: paper end takes it offline
        if n == 1:
            return _BASE | (0x08 if offline else 0)
        if n == 2:
            return _BASE | (0x04 if self.offline else 0) | (0x20 if self.paper_out else 0)
        if n == 4:
            return _BASE | (0x60 if self.paper_out else 0) | (0x0C if self.near_end else 0)
        return _BASE

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            record = FakeConnection()
            with self._lock:
                self.connections.append(record)
            t = threading.Thread(target=self._serve, args=(conn, record), daemon=True)
            t.start()
            self._threads.append(t)

    def _serve(self, conn: socket.socket, record: FakeConnection) -> None:
        scanner = _Scanner()
        conn.settimeout(0.1)
        try:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(4096)
                except socket.timeout:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                data, queries = scanner.feed(chunk)
                with self._lock:
                    record.data += data
                    record.queries += queries
                if self.drop_after is not None and len(record.data) >= self.drop_after:
                    del record.data[self.drop_after:]
                    record.dropped = True
                    # SO_LINGER 0: close with a reset, like a printer that reboots mid-job
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    break
                if self.answer_status and queries:
                    conn.sendall(bytes(self.status_byte(n) for n in queries))
        finally:
            conn.close()
            record.closed.set()
            if record.data and not record.dropped and self.on_job is not None:
                self.on_job(bytes(record.data))


def main(argv: list[str] | None = None) -> None:
    """Run a fake printer until Ctrl-C, saving each job as .bin and a .png preview:

        python -m drivers.printer.fake_server --port 9100 --out /tmp/receipts
    """
    import argparse
    import itertools
    from pathlib import Path

    from app.printing.escpos_preview import render_png

    ap = argparse.ArgumentParser(description="fake ESC/POS network printer")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--out", default=".")
    ap.add_argument("--width", type=int, default=58, choices=(58, 80))
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    counter = itertools.count(1)

    def save(job: bytes) -> None:
        stem = out / f"job-{next(counter):04d}"
        stem.with_suffix(".bin").write_bytes(job)
        stem.with_suffix(".png").write_bytes(render_png(job, args.width))
        print(f"printed {len(job)} bytes -> {stem}.png", flush=True)

    server = FakePrinterServer(host=args.host, port=args.port, on_job=save).start()
    print(f"fake printer on {server.address[0]}:{server.address[1]}, jobs in {out}", flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
