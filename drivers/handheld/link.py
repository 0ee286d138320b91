"""Sequenced, acknowledged exchange of frames over a serial port (docs/handheld-protocol.md,
"Reliable exchange"): go-back-N with a window of 8, cumulative ACK, NAK on a bad or missing
frame, resend on NAK or timeout, a retry limit.

`port` is a pyserial port object (`serial.Serial` on a pty or a COM port, or anything with
`read(n)`, `write(b)`, `in_waiting` and a short `timeout`). One thread drives a Link.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from drivers.handheld import frames as F


class LinkLost(Exception):
    """The peer stopped acknowledging (or never answered): `answered` says whether anything
    ever came back in this session."""

    def __init__(self, answered: bool, detail: str = "") -> None:
        super().__init__(detail or ("line lost" if answered else "no answer"))
        self.answered = answered


class SessionReset(Exception):
    """The peer started a new session (a HELLO with a new id) while this end was mid-way
    through sending: what was being sent belongs to the old session and is dropped."""


def _behind(a: int, b: int) -> bool:
    """a comes before b in 16-bit sequence space."""
    return 0 < ((b - a) & 0xFFFF) < 0x8000


class Link:
    def __init__(self, port: Any, *, timeout: float = 1.0, retries: int = 5, window: int = 8,
                 handheld: bool = False) -> None:
        self.port = port
        self.timeout, self.retries, self.window = timeout, retries, window
        self.handheld = handheld  # a HELLO with a new session resets this end (the handheld)
        self.session: bytes | None = None
        self.on_reset: Callable[[], None] = lambda: None
        self.stats = {"sent": 0, "resent": 0, "naks_sent": 0, "bad_frames": 0}
        # Set when a new session's HELLO resets this end: any send still under way belongs to
        # the old session and raises SessionReset until the HELLO has been taken from the inbox.
        self.interrupted = False
        self.reset()

    def reset(self, keep_decoder: bool = False) -> None:
        # Counter: the session id its HELLO_REPLY must carry. Until that reply comes, frames of
        # an older session still in the line (sent before the handheld saw our HELLO) are
        # dropped unacknowledged, so none of them can pass for one of this session.
        self.awaiting: bytes | None = None
        if not keep_decoder:
            self.dec = F.Decoder()
        self.tx_seq = 0
        self.unacked: deque[tuple[int, bytes]] = deque()
        self.rx_expected = 0
        self.inbox: deque[F.Frame] = deque()
        self._nak_for: int | None = None
        self._nak_at = 0.0
        self._progress_at = time.monotonic()
        self._last_rx = time.monotonic()
        self._resends = 0
        self.answered = False

    # -- sending --------------------------------------------------------------------------
    def _write(self, raw: bytes) -> None:
        self.port.write(raw)

    def send(self, ftype: int, payload: bytes = b"") -> None:
        """Queue one frame reliably; blocks (pumping) while the window is full."""
        if self.interrupted:
            raise SessionReset()
        while len(self.unacked) >= self.window:
            self._pump(block=True)
            if self.interrupted:
                raise SessionReset()
        if not self.unacked:
            self._progress_at = time.monotonic()
        raw = F.encode(ftype, self.tx_seq, payload)
        self.unacked.append((self.tx_seq, raw))
        self.tx_seq = (self.tx_seq + 1) & 0xFFFF
        self._write(raw)
        self.stats["sent"] += 1
        self._pump(block=False)

    def flush(self) -> None:
        """Until every frame sent is acknowledged."""
        while self.unacked:
            self._pump(block=True)
            if self.interrupted:
                raise SessionReset()

    def recv(self, timeout: float | None = None) -> F.Frame:
        """The next frame in order. `timeout` None = the link's own (timeout × (retries+1)),
        0 = wait for ever (the handheld waiting for a session)."""
        limit = self.timeout * (self.retries + 1) if timeout is None else timeout
        deadline = time.monotonic() + limit if limit else None
        while not self.inbox:
            self._pump(block=True)
            if deadline is not None and not self.inbox and not self.unacked and time.monotonic() > deadline:
                raise LinkLost(self.answered, "no frame within the timeout")
        fr = self.inbox.popleft()
        if fr.type == F.HELLO:
            self.interrupted = False  # the new session's owner has it now
        return fr

    def _control(self, ftype: int) -> None:
        self._write(F.encode(ftype, 0, F.u16(self.rx_expected)))

    def _nak(self) -> None:
        now = time.monotonic()
        if self._nak_for == self.rx_expected and now - self._nak_at < self.timeout:
            return  # once per gap; the sender's timeout covers a lost NAK
        self._nak_for, self._nak_at = self.rx_expected, now
        self.stats["naks_sent"] += 1
        self._control(F.NAK)

    def _resend_all(self) -> None:
        self._resends += 1
        if self._resends > self.retries:
            raise LinkLost(self.answered)
        for _, raw in self.unacked:
            self._write(raw)
            self.stats["resent"] += 1
        self._progress_at = time.monotonic()

    def _acked_to(self, n: int) -> bool:
        moved = False
        while self.unacked and _behind(self.unacked[0][0], n):
            self.unacked.popleft()
            moved = True
        if moved:
            self._progress_at = time.monotonic()
            self._resends = 0
        return moved

    # -- receiving ------------------------------------------------------------------------
    def _read(self, block: bool) -> bytes:
        waiting = self.port.in_waiting
        if not waiting and not block:
            return b""
        data = self.port.read(waiting or 1)
        more = self.port.in_waiting
        if more:
            data += self.port.read(more)
        return data

    def _pump(self, block: bool) -> None:
        data = self._read(block)
        now = time.monotonic()
        if data:
            self._last_rx = now
            got = self.dec.feed(data)
        elif self.dec.pending and now - self._last_rx > self.timeout / 2:
            got = self.dec.stale()  # a truncated frame will never complete
            self._last_rx = now
        else:
            got = []
        ack = False
        for fr in got:
            ack |= self._handle(fr)
        bad = self.dec.take_errors()
        if bad:
            self.stats["bad_frames"] += bad
            self._nak()
        if ack:
            self._control(F.ACK)
        if self.unacked and time.monotonic() - self._progress_at > self.timeout:
            self._resend_all()

    def _handle(self, fr: F.Frame) -> bool:
        """Returns whether an ACK is due."""
        if fr.type in F.CONTROL:
            if len(fr.payload) != 2:
                return False
            n = int.from_bytes(fr.payload, "little")
            self.answered = True
            if fr.type == F.ACK:
                self._acked_to(n)
            else:
                self._acked_to(n)
                if self.unacked and self.unacked[0][0] == n:
                    self._resend_all()
            return False
        if self.handheld and fr.type == F.HELLO and fr.seq == 0 and fr.payload[1:5] != self.session:
            self.reset(keep_decoder=True)  # bytes after the HELLO in this read are the new session's
            self.session = fr.payload[1:5]
            self.interrupted = True
            self.on_reset()
        if self.awaiting is not None:
            ours = (fr.type == F.HELLO_REPLY and fr.payload[1:5] == self.awaiting) or (fr.type == F.FAIL and fr.seq == 0)
            if not ours or fr.seq != 0:
                return False
            self.awaiting = None
        self.answered = True
        if fr.seq == self.rx_expected:
            self.inbox.append(fr)
            self.rx_expected = (self.rx_expected + 1) & 0xFFFF
            self._nak_for = None
            return True
        if _behind(fr.seq, self.rx_expected):
            return True  # had it already: its ACK was lost
        self._nak()
        return False


class PacedPort:
    """A port wrapper whose writes reach the line no faster than `rate` bytes/s, like a UART
    draining its transmit buffer: a thread writes chunks on a continuous schedule (no credit
    is banked while the buffer is empty, none lost to sleep jitter while it is full).
    Reads pass through. `cut()` kills the line (nothing more is written, the buffer is lost)."""

    CHUNK = 64

    def __init__(self, port: Any, rate: float, buffer: int = 1024) -> None:
        self.port, self.rate, self.cap = port, rate, buffer
        self._buf = bytearray()
        self._cond = threading.Condition()
        self._closed = False
        self._dead = False
        self.written = 0
        self._thread = threading.Thread(target=self._run, name="paced-port", daemon=True)
        self._thread.start()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.port, name)

    @property
    def in_waiting(self) -> int:
        return self.port.in_waiting

    def read(self, n: int = 1) -> bytes:
        return self.port.read(n)

    def write(self, data: bytes) -> int:
        with self._cond:
            while len(self._buf) >= self.cap and not self._closed:
                self._cond.wait()
            if not self._dead:
                self._buf += data
            self._cond.notify_all()
        return len(data)

    def drain(self) -> None:
        with self._cond:
            while self._buf and not self._closed:
                self._cond.wait()

    def cut(self) -> None:
        with self._cond:
            self._dead = True
            self._buf.clear()
            self._cond.notify_all()

    def revive(self) -> None:
        with self._cond:
            self._dead = False

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        free_at = time.monotonic()
        while True:
            with self._cond:
                while not self._buf and not self._closed:
                    self._cond.wait()
                    free_at = max(free_at, time.monotonic())  # the line idled while empty
                if self._closed:
                    return
                chunk = bytes(self._buf[:self.CHUNK])
                del self._buf[:len(chunk)]
                self._cond.notify_all()
            try:
                self.port.write(chunk)
            except Exception:  # noqa: BLE001 - the other end went away; the line is dead
                with self._cond:
                    self._dead = True
                    self._buf.clear()
                continue
            self.written += len(chunk)
            free_at += len(chunk) / self.rate
            pause = free_at - time.monotonic()
            if pause > 0:
                time.sleep(pause)
