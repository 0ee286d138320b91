"""Raw TCP (port 9100, "JetDirect") — how counter PCs reach Ethernet/Wi-Fi thermal printers.

One connection per job: many such printers serve a single client at a time, and a
connection left open would lock out the next counter or the manager's PC.

A job counts as printed only when the printer has taken it all: after the bytes we ask for the
paper status (DLE EOT 4). Its answer comes after our data in the same stream, so it proves the
printer received the whole job and still has paper; a reset or close instead means it dropped
the job part-way. Printers that never answer status requests (some clones) are remembered as
such, and for them a clean send is the best proof there is.
"""

from __future__ import annotations

import socket
import threading
import time

from drivers.printer.base import (
    DLE_EOT,
    STATUS_PAPER,
    STATUS_PRINTER,
    PrinterError,
    PrinterStatus,
    paper_out_error,
    status_from_bytes,
)


class _Dropped(Exception):
    pass


class NetworkPrinter:
    def __init__(self, host: str, port: int = 9100, *, connect_timeout: float = 3.0,
                 status_timeout: float = 0.5) -> None:
        self.host, self.port = host, int(port)
        self.connect_timeout, self.status_timeout = connect_timeout, status_timeout
        self.answers_status: bool | None = None  # learnt from the first status request
        self._lock = threading.Lock()  # one job at a time per printer

    def __repr__(self) -> str:
        return f"NetworkPrinter({self.host}:{self.port})"

    def _connect(self, timeout: float) -> socket.socket:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=min(timeout, self.connect_timeout))
        except OSError as e:
            raise PrinterError("device.printer.cannot_connect", address=f"{self.host}:{self.port}", detail=str(e)) from e
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def _query(self, sock: socket.socket, n: int, timeout: float, expect: int = 1) -> int | None:
        """Ask DLE EOT n; returns the status byte, or None if the printer stays silent.

        `expect` > 1 when an earlier request's answer is still outstanding: answers come in
        order, so the one to this request is the last of `expect` bytes.
        """
        sock.sendall(DLE_EOT + bytes((n,)))
        deadline = time.monotonic() + timeout
        got = b""
        while len(got) < expect:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(16)
            except socket.timeout:
                return None
            if not chunk:
                raise _Dropped()
            got += chunk
        return got[-1]

    def _check_paper(self, sock: socket.socket, timeout: float, expect: int = 1) -> int | None:
        paper = self._query(sock, STATUS_PAPER, timeout, expect)
        if paper is not None:
            self.answers_status = True
            status = status_from_bytes(None, paper)
            if status.paper_out:
                raise paper_out_error()
        elif self.answers_status is None:
            self.answers_status = False
        return paper

    def send(self, data: bytes, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            sock = self._connect(timeout)
            try:
                outstanding = 0
                if self.answers_status is not False:
                    # Before: refuse a job the printer cannot print rather than half-print it.
                    if self._check_paper(sock, self.status_timeout) is None:
                        outstanding = 1  # a late answer may still come: don't take it for the next
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                sock.sendall(data)
                if self.answers_status:
                    # After: the answer arrives only once the printer has read the whole job;
                    # a full buffer may hold it back while it prints, hence the job's timeout.
                    if self._check_paper(sock, deadline - time.monotonic(), 1 + outstanding) is None:
                        raise PrinterError("device.printer.no_answer", address=f"{self.host}:{self.port}")
                else:
                    self._await_close(sock, min(self.status_timeout, deadline - time.monotonic()))
            except _Dropped:
                raise self._dropped() from None
            except socket.timeout as e:
                raise PrinterError("device.printer.timeout", address=f"{self.host}:{self.port}") from e
            except (ConnectionError, OSError) as e:
                raise self._dropped(e) from e
            finally:
                _close(sock)

    def _await_close(self, sock: socket.socket, timeout: float) -> None:
        """For printers that never answer status: half-close and wait briefly for theirs.

        Raw-9100 printers close their side once they have read everything after our FIN; a
        reset instead means the job was dropped. No answer within `timeout` proves nothing
        either way, and is taken as printed (the best a silent printer allows).
        """
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(max(0.01, timeout))
        try:
            while sock.recv(64):
                pass
        except socket.timeout:
            pass
        except ConnectionResetError:
            raise _Dropped() from None

    def _dropped(self, cause: Exception | None = None) -> PrinterError:
        return PrinterError("device.printer.dropped", address=f"{self.host}:{self.port}",
                            detail=f"({cause})" if cause else "")

    def status(self) -> PrinterStatus:
        with self._lock:
            try:
                sock = self._connect(self.connect_timeout)
            except PrinterError as e:
                return PrinterStatus(False, None, str(e))
            try:
                printer = self._query(sock, STATUS_PRINTER, self.status_timeout)
                paper = self._query(sock, STATUS_PAPER, self.status_timeout)
            except (_Dropped, OSError) as e:
                return PrinterStatus(False, None, f"打印机断开连接 / printer closed the connection: {e or 'EOF'}")
            finally:
                _close(sock)
        if printer is not None or paper is not None:
            self.answers_status = True
        return status_from_bytes(printer, paper)

    def close(self) -> None:
        pass  # nothing held between jobs


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()

