"""A pole display at the far end of a pty: it reads the real bytes the driver writes to the
serial port and decodes what the display would show (the lit lamp and the number). Tests use
it, and so does the demo (`python -m drivers.display.fake` prints the port to configure and
then every change of the display).

POSIX only (os.openpty); on Windows use a com0com pair and a real display.
"""

from __future__ import annotations

import os
import select
import threading
import tty
from dataclasses import dataclass

from drivers.display.base import ESC

LAMPS = {0: "", 1: "单价", 2: "总计", 3: "收款", 4: "找零"}


@dataclass(frozen=True)
class Shown:
    lamp: str  # "总计", "收款", "找零", "单价" or "" (off)
    text: str  # the digits and point, "" when cleared


class Decoder:
    """Feeds on bytes in whatever chunks they arrive; `events` lists every decoded command,
    `errors` any byte the command set does not have."""

    def __init__(self) -> None:
        self.buf = b""
        self.lamp = 0
        self.text = ""
        self.events: list[tuple] = []
        self.errors: list[bytes] = []
        self.history: list[Shown] = []  # what was shown after each command that changed it

    def _note(self) -> None:
        if not self.history or self.history[-1] != self.shown:
            self.history.append(self.shown)

    @property
    def shown(self) -> Shown:
        return Shown(LAMPS[self.lamp], self.text)

    def feed(self, data: bytes) -> None:
        self.buf += data
        while self.buf:
            b = self.buf
            if b[:1] == b"\x0c":
                self.text = ""
                self.events.append(("clear",))
                self._note()
                self.buf = b[1:]
            elif b[:1] == ESC:
                if len(b) < 2:
                    return
                if b[1:2] == b"@":
                    self.lamp, self.text = 0, ""
                    self.events.append(("init",))
                    self._note()
                    self.buf = b[2:]
                elif b[1:2] == b"s":
                    if len(b) < 3:
                        return
                    if b[2] in LAMPS:
                        self.lamp = b[2]
                        self.events.append(("lamp", b[2]))  # noted with the number that follows
                    else:
                        self.errors.append(b[:3])
                    self.buf = b[3:]
                elif b[1:3] == b"QA" or (b[1:2] == b"Q" and len(b) < 3):
                    end = b.find(b"\r")
                    if end < 0:
                        return
                    digits = b[3:end].decode("ascii", "replace")
                    if not digits or any(c not in "0123456789." for c in digits):
                        self.errors.append(b[:end + 1])
                    self.text = digits
                    self.events.append(("number", digits))
                    self._note()
                    self.buf = b[end + 1:]
                else:
                    self.errors.append(b[:2])
                    self.buf = b[2:]
            else:
                self.errors.append(b[:1])
                self.buf = b[1:]


class FakePoleDisplay:
    """Opens a pty; `port` is the name to give the serial driver. Decoding runs on a reader
    thread; `wait_for(pred)` blocks until the decoded state satisfies pred (or the timeout)."""

    def __init__(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        self.raw = b""
        self.decoder = Decoder()
        self._cond = threading.Condition()
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._read, name="fake-pole-display", daemon=True)
        self._thread.start()

    def __enter__(self) -> "FakePoleDisplay":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def shown(self) -> Shown:
        with self._cond:
            return self.decoder.shown

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self._master, self._wake_r], [], [])
            if self._wake_r in ready:
                return
            try:
                data = os.read(self._master, 4096)
            except OSError:
                return
            if not data:
                return
            with self._cond:
                self.raw += data
                self.decoder.feed(data)
                self._cond.notify_all()
            if self.on_change is not None:
                self.on_change(self.decoder.shown)

    on_change = None  # callable(Shown), e.g. the demo's printer

    @property
    def history(self) -> list[Shown]:
        with self._cond:
            return list(self.decoder.history)

    def wait_for(self, pred, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
        with self._cond:
            return self._cond.wait_for(lambda: pred(self), timeout)

    def close(self) -> None:
        os.write(self._wake_w, b"x")
        self._thread.join(5)
        for fd in (self._master, self._slave, self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass


def main() -> None:  # pragma: no cover - demo helper
    fake = FakePoleDisplay()
    print(f"客显模拟：串口 {fake.port}（在打印机设置中填入此串口） fake pole display on {fake.port}", flush=True)
    fake.on_change = lambda s: print(f"[{s.lamp or '—'}] {s.text}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.close()


if __name__ == "__main__":  # pragma: no cover
    main()
