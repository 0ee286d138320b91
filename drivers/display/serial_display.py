"""The pole display on a serial port (RS-232, or a USB-serial adapter's COM port), via pyserial.

Settings come from the device registry app.devices ("display": port, baudrate; 8N1 as these
displays are wired). The port is opened on first use and kept open (a COM port is exclusive
anyway; on POSIX we ask for an exclusive lock so a second program cannot interleave bytes), and
reopened after an error. Errors are coded: the port missing, the port busy (another program
holds it), a write timing out.
"""

from __future__ import annotations

import errno

import serial

from drivers.serial.held_port import HeldPort

from drivers.display.base import INIT, ByteDisplay, DisplayError

_MISSING = {errno.ENOENT, errno.ENODEV, errno.ENXIO}
_BUSY = {errno.EBUSY, errno.EACCES, errno.EAGAIN}


def open_error(port: str, e: Exception) -> DisplayError:
    """The coded error for a port that would not open: missing, busy, or other."""
    code = getattr(e, "errno", None)
    text = str(e)
    lowered = text.lower()
    if code in _MISSING or "no such file" in lowered or "filenotfound" in lowered or "cannot find" in lowered:
        return DisplayError("device.display.missing", port=port, detail=text)
    if code in _BUSY or "lock" in lowered or "busy" in lowered or "access is denied" in lowered:
        return DisplayError("device.display.busy", port=port, detail=text)
    return DisplayError("device.display.cannot_open", port=port, detail=text)


class SerialDisplay(HeldPort, ByteDisplay):
    def __init__(self, port: str, baudrate: int = 2400, parity: str = "N", *, write_timeout: float = 2.0) -> None:
        self.port, self.baudrate, self.write_timeout = str(port), int(baudrate), write_timeout
        if parity not in (serial.PARITY_NONE, serial.PARITY_ODD, serial.PARITY_EVEN):
            raise ValueError(f"parity {parity!r} not one of N, O, E")
        self.parity = parity
        HeldPort.__init__(self)

    def __repr__(self) -> str:
        return f"SerialDisplay({self.port}, {self.baudrate})"

    def _open(self) -> serial.SerialBase:
        if self._ser is None or not self._ser.is_open:
            if not self.port:
                raise DisplayError("device.display.no_port")
            extra = {} if "://" in self.port else {"exclusive": True}
            try:
                ser = serial.serial_for_url(self.port, baudrate=self.baudrate, bytesize=serial.EIGHTBITS,
                                            parity=self.parity, stopbits=serial.STOPBITS_ONE,
                                            write_timeout=self.write_timeout, **extra)
            except (serial.SerialException, OSError, ValueError) as e:
                raise open_error(self.port, e) from e
            ser.write(INIT)
            self._ser = ser
        return self._ser

    def write(self, data: bytes) -> None:
        with self._lock:
            ser = self._open()
            try:
                ser.write(data)
                ser.flush()
            except serial.SerialTimeoutException as e:
                self._drop()
                raise DisplayError("device.display.write_timeout", port=self.port) from e
            except (serial.SerialException, OSError) as e:
                self._drop()
                raise DisplayError("device.display.failed", port=self.port, detail=str(e)) from e



def open_display(settings: dict) -> SerialDisplay:
    """A display from the registry's settings ({"port", "baudrate", "parity"})."""
    return SerialDisplay(str(settings.get("port") or ""), int(settings.get("baudrate") or 2400),
                         str(settings.get("parity") or "N"))
