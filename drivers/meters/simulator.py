"""Meters on the other end of a line, for tests and the demo: answers real DL/T 645-2007 and
CJ/T 188-2004 read requests arriving on a file descriptor (the master side of an
`os.openpty()` pair, whose slave path the code under test opens as its serial port).

Faults on demand, per meter address: "silent" (never answers), "bad_checksum",
"truncated" (half a frame, then nothing), "error" (the meter's error reply),
"once_silent" (misses the first request, answers the next — a meter waking up).
"""

from __future__ import annotations

import os
import select
import termios
import threading
from decimal import Decimal

from drivers.meters import cjt188, dlt645
from drivers.meters.bcd import int_to_bcd_le
from drivers.serial.line import FrameError


class MeterSimulator:
    def __init__(self, fd: int, protocol: str) -> None:
        self.fd, self.protocol = fd, protocol
        self.values: dict[str, Decimal] = {}  # address -> register value
        self.types: dict[str, int] = {}  # cjt188 address -> meter type
        self.faults: dict[str, str] = {}
        self.requests: list[str] = []  # addresses asked, in order
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"meter-sim-{protocol}", daemon=True)

    def add(self, address: str, value: str | Decimal, *, meter_type: int = 0x10, fault: str | None = None) -> None:
        self.values[address] = Decimal(value)
        self.types[address] = meter_type
        if fault:
            self.faults[address] = fault

    def start(self) -> "MeterSimulator":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        buf = b""
        parse = dlt645.parse if self.protocol == "dlt645" else cjt188.parse
        while not self._stop.is_set():
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 512)
            except OSError:
                return
            buf += chunk
            while buf:
                try:
                    got = parse(buf)
                except FrameError:
                    buf = buf[1:]  # resynchronise on the next byte, as a meter does
                    continue
                if got is None:
                    break
                frame, used = got
                buf = buf[used:]
                answer = self._answer(frame)
                if answer:
                    os.write(self.fd, answer)

    def _answer(self, frame) -> bytes | None:  # type: ignore[no-untyped-def]
        if self.protocol == "dlt645":
            if frame.control != dlt645.C_READ:
                return None
            address = frame.address
            if address == dlt645.BROADCAST:  # a single meter on the line answers a broadcast read
                address = next(iter(self.values), address)
        else:
            if frame.control != cjt188.C_READ:
                return None
            address = frame.address
        self.requests.append(address)
        if address not in self.values:
            return None
        fault = self.faults.get(address)
        if fault == "silent":
            return None
        if fault == "once_silent":
            del self.faults[address]
            return None
        reply = self._reply(address, frame, error=fault == "error")
        if fault == "bad_checksum":
            reply = reply[:-2] + bytes([(reply[-2] + 1) & 0xFF]) + reply[-1:]
        if fault == "truncated":
            reply = reply[: len(reply) // 2]
        return reply

    def _reply(self, address: str, frame, *, error: bool) -> bytes:  # type: ignore[no-untyped-def]
        value = int(self.values[address].scaleb(2))
        if self.protocol == "dlt645":
            if error:
                return dlt645.build(address, dlt645.C_READ_ERR, b"\x02")
            return dlt645.build(address, dlt645.C_READ_OK, frame.data[:4] + int_to_bcd_le(value % 10**8, 4))
        t = self.types[address]
        if error:
            return cjt188.build(t, address, 0xC1, frame.data[:3] + b"\x00\x00")
        amount = int_to_bcd_le(value % 10**8, 4)
        clock = bytes.fromhex("00 00 12 01 12 26 20")  # 2026-12-01 12:00:00
        if 0x20 <= t <= 0x29:
            unit = b"\x05"
            body = (amount + unit) * 2 + (b"\x00" * 4 + b"\x17") + (b"\x00" * 4 + b"\x35") + (b"\x00" * 4 + b"\x2C") \
                + b"\x00" * 9 + clock + b"\x00\x00"
        else:
            body = amount + b"\x2C" + amount + b"\x2C" + clock + b"\x00\x00"
        return cjt188.build(t, address, cjt188.C_READ_OK, frame.data[:3] + body)


class PtyPair:
    """An `os.openpty()` pair: `path` is the serial port to open, `fd` the far end."""

    def __init__(self) -> None:
        import tty

        self.fd, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line discipline before pyserial opens it
        self.path = os.ttyname(self._slave)
        self._raw = termios.tcgetattr(self._slave)

    def reset(self) -> None:
        """Back to the raw settings of a fresh pair. A Linux pty refuses pyserial's second
        reconfiguration after a close (EINVAL on tcsetattr), which real serial ports accept:
        a test that opens the same pty twice resets it in between."""
        termios.tcsetattr(self._slave, termios.TCSANOW, self._raw)

    def close(self) -> None:
        for fd in (self.fd, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass
