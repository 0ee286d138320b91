"""A serial line to meters or a handheld: ports by name (COM3, /dev/ttyUSB0, a pty path),
per-device settings, request/answer exchanges with a deadline and retries, and errors a
person can act on (message codes in app/messages/meters.py: serial.*).

RS-485 meter buses are half duplex and slow (2400 baud: ~4.6 ms a byte with 8E1), and a meter
asleep misses the first bytes, so every exchange is: drop stale input, write the request,
read until the protocol's frame reader has a whole frame or the deadline passes; on a
timeout or a frame that is not believed, try again up to `retries` more times.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

import serial

try:
    import termios
except ImportError:  # Windows
    termios = None  # type: ignore[assignment]
_OPEN_ERRORS: tuple[type[BaseException], ...] = (OSError, ValueError) + ((termios.error,) if termios else ())

from app.errors import AppError

T = TypeVar("T")
PARITIES = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}
BYTESIZES = {5: serial.FIVEBITS, 6: serial.SIXBITS, 7: serial.SEVENBITS, 8: serial.EIGHTBITS}
STOPBITS = {1: serial.STOPBITS_ONE, 2: serial.STOPBITS_TWO}
BAUDS = (300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


class SerialError(AppError):
    """A serial line failed (missing port, busy, no answer…); `code` says which."""


class FrameError(AppError):
    """Bytes that are not a frame to believe (bad checksum, truncated, malformed)."""


@dataclass(frozen=True)
class LineSettings:
    baudrate: int = 2400
    bytesize: int = 8
    parity: str = "E"  # N | E | O
    stopbits: int = 1
    timeout: float = 1.5  # seconds to wait for one whole answer
    retries: int = 2  # further tries after the first

    def checked(self) -> "LineSettings":
        problems = []
        if self.baudrate not in BAUDS:
            problems.append(f"baud {self.baudrate} (allowed: {', '.join(map(str, BAUDS))})")
        if self.bytesize not in BYTESIZES:
            problems.append(f"bytesize {self.bytesize}")
        if self.parity not in PARITIES:
            problems.append(f"parity {self.parity!r} (N, E or O)")
        if self.stopbits not in STOPBITS:
            problems.append(f"stopbits {self.stopbits}")
        if not 0 < self.timeout <= 60:
            problems.append(f"timeout {self.timeout}")
        if not 0 <= self.retries <= 10:
            problems.append(f"retries {self.retries}")
        if problems:
            raise SerialError("serial.bad_settings", detail="; ".join(problems))
        return self

    def with_(self, **kw) -> "LineSettings":  # type: ignore[no-untyped-def]
        return replace(self, **{k: v for k, v in kw.items() if v is not None}).checked()


METER_LINE = LineSettings(2400, 8, "E", 1)  # DL/T 645-2007 and CJ/T 188-2004 both default to 2400 8E1
HANDHELD_LINE = LineSettings(115200, 8, "N", 1, timeout=2.0)


def open_port(port: str, settings: LineSettings) -> serial.Serial:
    """The port opened exclusively with `settings`, or a SerialError saying why not."""
    settings.checked()
    if not port or not port.strip():
        raise SerialError("serial.missing", port=port or "?")
    try:
        ser = serial.Serial(port=None, baudrate=settings.baudrate, bytesize=BYTESIZES[settings.bytesize],
                            parity=PARITIES[settings.parity], stopbits=STOPBITS[settings.stopbits], timeout=0.05,
                            write_timeout=max(2.0, settings.timeout))
        ser.port = port
        if os.name == "posix":
            ser.exclusive = True  # a second program on the same line would garble both
        ser.open()
        return ser
    except serial.SerialException as e:
        raise _open_error(port, e) from e
    except _OPEN_ERRORS as e:
        raise SerialError("serial.open_failed", port=port, detail=str(e)[:200]) from e


def _open_error(port: str, e: Exception) -> SerialError:
    code = getattr(e, "errno", None)
    text = str(e)
    if code == errno.ENOENT or "No such file" in text or "FileNotFoundError" in text or "cannot find" in text:
        return SerialError("serial.missing", port=port)
    if code in (errno.EBUSY, errno.EAGAIN) or "exclusively lock" in text or "busy" in text.lower() \
            or "Access is denied" in text:  # Windows says "access denied" for a port in use
        return SerialError("serial.busy", port=port)
    if code == errno.EACCES or "Permission denied" in text:
        return SerialError("serial.denied", port=port)
    return SerialError("serial.open_failed", port=port, detail=text[:200])


FrameReader = Callable[[bytes], "tuple[T, int] | None"]


class SerialLine:
    """One open line. `exchange(request, reader)` writes the request and feeds what arrives
    to `reader(buffer)`, which returns None while the frame is incomplete, (value, used) once
    it is whole, or raises FrameError when the bytes are not to be believed."""

    def __init__(self, port: str, settings: LineSettings = METER_LINE, *, sleep: Callable[[float], None] = time.sleep):
        self.port = port
        self.settings = settings.checked()
        self._ser: serial.Serial | None = None
        self._sleep = sleep

    def open(self) -> "SerialLine":
        if self._ser is None:
            self._ser = open_port(self.port, self.settings)
        return self

    def close(self) -> None:
        if self._ser is not None:
            try:
                self._ser.close()
            except (serial.SerialException, OSError):
                pass
            self._ser = None

    def __enter__(self) -> "SerialLine":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, data: bytes) -> None:
        ser = self.open()._ser
        assert ser is not None
        try:
            ser.write(data)
            ser.flush()
        except (serial.SerialException, OSError) as e:
            self.close()
            raise SerialError("serial.io_failed", port=self.port, detail=str(e)[:200]) from e

    def read_frame(self, reader: FrameReader, timeout: float | None = None) -> T:  # type: ignore[type-var]
        """Bytes until `reader` has a frame; SerialError serial.timeout after `timeout`."""
        ser = self.open()._ser
        assert ser is not None
        limit = self.settings.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        buf = bytearray()
        while True:
            got = reader(bytes(buf)) if buf else None
            if got is not None:
                return got[0]
            left = deadline - time.monotonic()
            if left <= 0:
                raise SerialError("serial.timeout", port=self.port, seconds=_secs(limit), tries=1)
            try:
                # The port's read timeout stays at its short opening value: changing it
                # reconfigures the line (tcsetattr), which some adapters and ptys refuse.
                chunk = ser.read(max(1, ser.in_waiting or 1))
            except (serial.SerialException, OSError) as e:
                self.close()
                raise SerialError("serial.io_failed", port=self.port, detail=str(e)[:200]) from e
            buf += chunk

    def exchange(self, request: bytes, reader: FrameReader, *, retries: int | None = None) -> T:  # type: ignore[type-var]
        """Write `request`, read the answer; retry on a timeout or a frame not believed. The
        last error is raised when every try failed (a timeout says how many tries)."""
        tries = 1 + (self.settings.retries if retries is None else retries)
        last: AppError | None = None
        for attempt in range(tries):
            ser = self.open()._ser
            assert ser is not None
            try:
                ser.reset_input_buffer()  # an earlier late answer must not pass for this one
            except (serial.SerialException, OSError) as e:
                self.close()
                raise SerialError("serial.io_failed", port=self.port, detail=str(e)[:200]) from e
            self.write(request)
            try:
                return self.read_frame(reader)
            except SerialError as e:
                if e.code != "serial.timeout":
                    raise
                last = SerialError("serial.timeout", port=self.port, seconds=_secs(self.settings.timeout), tries=attempt + 1)
            except FrameError as e:
                last = e
        assert last is not None
        raise last


def _secs(x: float) -> str:
    return f"{x:g}"


def list_ports() -> list[tuple[str, str]]:
    """(device, description) of the serial ports the system knows, for a port picker."""
    try:
        from serial.tools import list_ports as lp

        return sorted((p.device, p.description or "") for p in lp.comports())
    except Exception:  # noqa: BLE001 - a picker without suggestions still takes a typed path
        return []
