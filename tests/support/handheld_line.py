"""A handheld simulator on the master end of a real pty pair; the counter opens the slave end
with pyserial (the real driver path). Faults are injected by wrapping the simulator's port."""

from __future__ import annotations

import os
import threading
import tty
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from drivers.handheld import simulator as S


@dataclass
class Line:
    name: str  # the pty slave the counter opens
    handheld: S.Handheld
    port: Any  # the simulator's port (FdPort or a fault wrapper)


class FaultyPort:
    """Passes writes through, but `mangle(n, raw) -> bytes` may change the n-th write (0-based)."""

    def __init__(self, port: Any, mangle: Callable[[int, bytes], bytes]) -> None:
        self.port, self.mangle, self.writes = port, mangle, 0
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.port, name)

    @property
    def in_waiting(self) -> int:
        return self.port.in_waiting

    def read(self, n: int = 1) -> bytes:
        return self.port.read(n)

    def write(self, data: bytes) -> int:
        with self._lock:
            n = self.writes
            self.writes += 1
        self.port.write(self.mangle(n, data))
        return len(data)


@contextmanager
def handheld_line(handheld: S.Handheld | None = None, *, wrap: Callable[[Any], Any] | None = None,
                  pace: float | None = None, timeout: float = 0.5, serve: bool = True) -> Iterator[Line]:
    master, slave = os.openpty()
    tty.setraw(slave)
    hh = handheld or S.Handheld()
    port: Any = S.FdPort(master)
    if wrap is not None:
        port = wrap(port)
    stop = None
    t = None
    if serve:
        t, stop = S.start_thread(hh, port, pace=pace, timeout=timeout)
    try:
        yield Line(os.ttyname(slave), hh, port)
    finally:
        if stop is not None and t is not None:
            stop.set()
            t.join(5)
        os.close(master)
        os.close(slave)
