"""A serial port a device object keeps open between calls."""

from __future__ import annotations

import threading

import serial


class HeldPort:
    """Holds `_ser` (opened by the subclass's `_open`) under `_lock`; `_drop` forgets a port
    that failed, so the next call opens it afresh; `close` is safe at any time."""

    def __init__(self) -> None:
        self._ser: serial.SerialBase | None = None
        self._lock = threading.Lock()

    def _drop(self) -> None:
        if self._ser is not None:
            try:
                self._ser.close()
            except (serial.SerialException, OSError):
                pass
        self._ser = None

    def close(self) -> None:
        with self._lock:
            self._drop()
