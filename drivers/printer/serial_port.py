"""Serial (RS-232, or a USB printer's virtual COM port) via pyserial.

The port stays open between jobs — a COM port is exclusive anyway — and is reopened after an
error. `port` may also be a pyserial URL (`loop://`, `socket://host:port`, `rfc2217://…`),
which the tests use. Hardware flow control matters on serial printers: without RTS/CTS (or
DSR/DTR) a long job overruns the printer's buffer and prints garbage, so set the one the
printer is wired for.
"""

from __future__ import annotations


import serial

from drivers.serial.held_port import HeldPort

from drivers.printer.base import (
    DLE_EOT,
    STATUS_PAPER,
    PrinterError,
    PrinterStatus,
    paper_out_error,
    status_from_bytes,
)


class SerialPrinter(HeldPort):
    def __init__(self, port: str, baudrate: int = 9600, *, rtscts: bool = False, dsrdtr: bool = False,
                 status_timeout: float = 0.5) -> None:
        self.port, self.baudrate = port, int(baudrate)
        self.rtscts, self.dsrdtr = bool(rtscts), bool(dsrdtr)
        self.status_timeout = status_timeout
        HeldPort.__init__(self)

    def __repr__(self) -> str:
        return f"SerialPrinter({self.port}, {self.baudrate})"

    def _open(self, timeout: float) -> serial.SerialBase:
        if self._ser is None or not self._ser.is_open:
            try:
                self._ser = serial.serial_for_url(self.port, baudrate=self.baudrate, rtscts=self.rtscts,
                                                  dsrdtr=self.dsrdtr, timeout=self.status_timeout,
                                                  write_timeout=timeout)
            except (serial.SerialException, ValueError) as e:
                raise PrinterError("device.serial.cannot_open", port=self.port, detail=str(e)) from e
        self._ser.write_timeout = timeout
        return self._ser

    def _paper_byte(self, ser: serial.SerialBase) -> int | None:
        ser.reset_input_buffer()
        ser.write(DLE_EOT + bytes((STATUS_PAPER,)))
        ser.flush()
        answer = ser.read(1)
        return answer[0] if answer else None

    def send(self, data: bytes, timeout: float = 10.0) -> None:
        with self._lock:
            ser = self._open(timeout)
            try:
                paper = self._paper_byte(ser)
                if paper is not None and status_from_bytes(None, paper).paper_out:
                    raise paper_out_error()
                ser.write(data)
                ser.flush()
            except serial.SerialTimeoutException as e:
                self._drop()
                raise PrinterError("device.serial.write_timeout", port=self.port) from e
            except (serial.SerialException, OSError) as e:
                self._drop()
                raise PrinterError("device.serial.failed", port=self.port, detail=str(e)) from e

    def status(self) -> PrinterStatus:
        with self._lock:
            try:
                ser = self._open(self.status_timeout)
                paper = self._paper_byte(ser)
            except PrinterError as e:
                return PrinterStatus(False, None, str(e))
            except (serial.SerialException, OSError) as e:
                self._drop()
                return PrinterStatus(False, None, f"串口出错 / port error: {e}")
        return status_from_bytes(None, paper)

