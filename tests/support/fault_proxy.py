"""A fault-injecting HTTP proxy on loopback, for the sync fault tests (issue 11).

It sits in front of an HTTP server (central) and decides, per request, what goes wrong:

    PASS            forward the request, relay the whole response
    REFUSE          reset the client's connection without forwarding the request (the
                    server never sees it; the client sees a connection error)
    DROP_RESPONSE   forward the whole request, read the server's whole response (so the
                    server has committed), then reset the client's connection without a byte:
                    the client sees a connection error although its batch was stored
    CUT_RESPONSE    forward the request, relay the response only up to half of its body,
                    then close: the client sees a broken (incomplete) response
    delay(s)        wait s seconds, then forward as PASS (a slow network; with a shorter
                    client timeout the client gives up while the server still gets the request)

Each client connection carries exactly one request: the proxy rewrites the request to
`Connection: close` and reads the server's response to its end, so "per request" and "per
connection" are the same thing and a response is known complete when the server closes.
Chunked and Content-Length request bodies are both forwarded whole.

Which fault a request gets is a `Policy`: a callable taking the `Request` (its number,
method and path) and returning a `Fault`. `Script` plays a list then a default, `Seeded` draws
faults from a seeded random generator (optionally only for matching requests), `Always`
gives one fault to everything. The policy can be swapped while the proxy runs.

`stats` counts what happened, so a test can check that e.g. ≥ 100 replies were really lost
after the server answered 200:

    with FaultProxy(upstream_port, Seeded(7, {DROP_RESPONSE: 0.5}, only=is_push)) as proxy:
        ... run the client against proxy.url ...
        assert proxy.stats.count("drop_response", upstream_status=200) >= 100

Threads only, no new package.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["Fault", "PASS", "REFUSE", "DROP_RESPONSE", "CUT_RESPONSE", "delay", "Request", "Policy", "Script",
           "Seeded", "Always", "is_post", "FaultProxy", "Stats", "Record"]

_IO_TIMEOUT = 300.0  # a stuck peer must not hang a test forever; the clients time out first
_MAX_HEAD = 64 * 1024


@dataclass(frozen=True)
class Fault:
    kind: str  # pass | refuse | drop_response | cut_response | delay
    seconds: float = 0.0

    def __str__(self) -> str:
        return f"delay({self.seconds:g})" if self.kind == "delay" else self.kind


PASS = Fault("pass")
REFUSE = Fault("refuse")
DROP_RESPONSE = Fault("drop_response")
CUT_RESPONSE = Fault("cut_response")


def delay(seconds: float) -> Fault:
    return Fault("delay", float(seconds))


@dataclass(frozen=True)
class Request:
    n: int  # 0-based number of the connection through this proxy
    method: str
    path: str  # as on the request line, with the query string


Policy = Callable[[Request], Fault]


class Always:
    def __init__(self, fault: Fault) -> None:
        self.fault = fault

    def __call__(self, req: Request) -> Fault:
        return self.fault


class Script:
    """Faults in order, one per request (matching `only`, if given), then `then` for ever."""

    def __init__(self, faults: Iterable[Fault], then: Fault = PASS, only: Callable[[Request], bool] | None = None):
        self._faults = list(faults)
        self._then = then
        self._only = only
        self._lock = threading.Lock()

    def __call__(self, req: Request) -> Fault:
        if self._only is not None and not self._only(req):
            return PASS
        with self._lock:
            return self._faults.pop(0) if self._faults else self._then

    @property
    def remaining(self) -> int:
        with self._lock:
            return len(self._faults)


class Seeded:
    """Faults drawn from a seeded generator: `weights` maps a fault to its probability; the
    rest of the probability is PASS. Requests not matching `only` always pass. The same seed
    and the same request order give the same faults."""

    def __init__(self, seed: int, weights: dict[Fault, float], only: Callable[[Request], bool] | None = None,
                 limit: int | None = None):
        if sum(weights.values()) > 1.0 + 1e-9:
            raise ValueError("fault probabilities add up to more than 1")
        self._rnd = random.Random(seed)
        self._weights = list(weights.items())
        self._only = only
        self._limit = limit  # at most this many faults, then PASS
        self._given = 0
        self._lock = threading.Lock()

    def __call__(self, req: Request) -> Fault:
        if self._only is not None and not self._only(req):
            return PASS
        with self._lock:
            if self._limit is not None and self._given >= self._limit:
                return PASS
            x = self._rnd.random()
            for fault, p in self._weights:
                if x < p:
                    self._given += 1
                    return fault
                x -= p
            return PASS


def is_post(path_prefix: str) -> Callable[[Request], bool]:
    """A matcher for `only=`: POST requests whose path starts with path_prefix."""
    return lambda req: req.method == "POST" and req.path.startswith(path_prefix)


@dataclass
class Record:
    n: int
    method: str
    path: str
    fault: str
    forwarded: bool = False  # the whole request reached the server
    upstream_status: int | None = None  # the status line the server answered (None: no answer)
    delivered: bool = False  # the whole response reached the client
    error: str | None = None
    t_accepted: float = 0.0  # time.monotonic() of each step (0.0: not reached)
    t_forwarded: float = 0.0
    t_answered: float = 0.0

    @property
    def server_seconds(self) -> float | None:
        """From the request reaching the server to its whole answer (the batch's latency)."""
        return self.t_answered - self.t_forwarded if self.t_answered and self.t_forwarded else None


@dataclass
class Stats:
    records: list[Record] = field(default_factory=list)

    def count(self, fault: str | None = None, *, forwarded: bool | None = None,
              upstream_status: int | None = None, method: str | None = None, path_prefix: str | None = None) -> int:
        n = 0
        for r in list(self.records):
            if fault is not None and r.fault != fault:
                continue
            if forwarded is not None and r.forwarded != forwarded:
                continue
            if upstream_status is not None and r.upstream_status != upstream_status:
                continue
            if method is not None and r.method != method:
                continue
            if path_prefix is not None and not r.path.startswith(path_prefix):
                continue
            n += 1
        return n

    def by_fault(self) -> dict[str, int]:
        return dict(Counter(r.fault for r in list(self.records)))

    def summary(self) -> dict[str, object]:
        recs = list(self.records)
        return {"connections": len(recs), "by_fault": self.by_fault(),
                "forwarded": sum(r.forwarded for r in recs), "delivered": sum(r.delivered for r in recs),
                "lost_after_commit": sum(r.fault == "drop_response" and r.upstream_status == 200 for r in recs)}


class FaultProxy:
    """A TCP proxy on 127.0.0.1 (port chosen by the OS unless given) in front of
    upstream_host:upstream_port. Use as a context manager or call start()/stop()."""

    def __init__(self, upstream_port: int, policy: Policy | None = None, *, upstream_host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.policy: Policy = policy or Always(PASS)
        self.stats = Stats()
        self._want_port = port
        self._sock: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._n = 0
        self._closing = False
        self._accepter: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FaultProxy:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self._want_port))
        s.listen(128)
        self._sock = s
        self._accepter = threading.Thread(target=self._accept_loop, name="fault-proxy-accept", daemon=True)
        self._accepter.start()
        return self

    def stop(self) -> None:
        self._closing = True
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
        if self._accepter is not None:
            self._accepter.join(timeout=5)
        for t in list(self._threads):
            t.join(timeout=_IO_TIMEOUT)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._sock is not None, "proxy not started"
        return self._sock.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_policy(self, policy: Policy) -> None:
        self.policy = policy

    def wait_for(self, predicate: Callable[[Stats], bool], timeout: float = 30.0) -> bool:
        """Block until predicate(stats) holds (checked whenever a request has been forwarded
        and whenever a connection is finished)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.stats):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    # -- the work --------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        assert self._sock is not None
        while not self._closing:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                n = self._n
                self._n += 1
            t = threading.Thread(target=self._serve, args=(conn, n), name=f"fault-proxy-{n}", daemon=True)
            self._threads = [x for x in self._threads if x.is_alive()]
            self._threads.append(t)
            t.start()

    def _finish(self, rec: Record) -> None:
        with self._changed:
            self._changed.notify_all()

    def _serve(self, client: socket.socket, n: int) -> None:
        client.settimeout(_IO_TIMEOUT)
        # The record is in `stats` from the start and each field is set *before* the client can
        # see its effect, so a test reading stats right after its request failed or returned
        # reads the truth without waiting.
        rec = Record(n, "", "", "pass", t_accepted=time.monotonic())
        with self._lock:
            self.stats.records.append(rec)
        try:
            head, body = _read_request(client)
            rec.method, rec.path = _request_line(head)
            fault = self.policy(Request(n, rec.method, rec.path))
            rec.fault = str(fault) if fault.kind != "delay" else "delay"
            if fault.kind == "refuse":  # never forwarded: the server sees nothing
                _reset(client)
                return
            if fault.kind == "delay":
                time.sleep(fault.seconds)
            try:
                up = socket.create_connection(self.upstream, timeout=_IO_TIMEOUT)
            except OSError as e:  # the server is down: the client sees the connection go
                rec.error = f"upstream: {e}"
                _reset(client)
                return
            with up:
                up.sendall(_close_connection(head) + body)
                rec.forwarded = True
                rec.t_forwarded = time.monotonic()
                self._finish(rec)  # wake wait_for(): a test may act while the server works on it
                response = _read_to_eof(up)
            rec.t_answered = time.monotonic()
            rec.upstream_status = _status(response)
            response = _close_connection_response(response)
            if fault.kind == "drop_response":
                _reset(client)
                return
            if fault.kind == "cut_response":
                client.sendall(response[:_cut_point(response)])
                client.shutdown(socket.SHUT_WR)
                client.close()
                return
            rec.delivered = True
            client.sendall(response)
            client.shutdown(socket.SHUT_WR)
            client.close()
        except (OSError, ValueError) as e:
            rec.error = str(e)
            rec.delivered = False
            try:
                client.close()
            except OSError:
                pass
        finally:
            self._finish(rec)


# -- HTTP/1.1 framing, just enough -------------------------------------------------------

def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0): the peer sees 'connection reset', not a clean end."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def _recv_until(sock: socket.socket, buf: bytearray, marker: bytes) -> int:
    while True:
        i = buf.find(marker)
        if i >= 0:
            return i
        if len(buf) > _MAX_HEAD:
            raise ValueError("request head too large")
        chunk = sock.recv(65536)
        if not chunk:
            raise ValueError("connection closed inside the request head")
        buf += chunk


def _line_end(sock: socket.socket, buf: bytearray, pos: int) -> int:
    """Index of the CRLF ending the line that starts at pos (receiving more as needed)."""
    while True:
        i = buf.find(b"\r\n", pos)
        if i >= 0:
            return i
        if len(buf) - pos > _MAX_HEAD:
            raise ValueError("chunk line too long")
        chunk = sock.recv(65536)
        if not chunk:
            raise ValueError("connection closed inside a chunked body")
        buf += chunk


def _recv_exact(sock: socket.socket, buf: bytearray, n: int) -> None:
    while len(buf) < n:
        chunk = sock.recv(max(65536, n - len(buf)))
        if not chunk:
            raise ValueError("connection closed inside the request body")
        buf += chunk


def _read_request(sock: socket.socket) -> tuple[bytes, bytes]:
    """(head including the blank line, body as sent) of one request."""
    buf = bytearray()
    end = _recv_until(sock, buf, b"\r\n\r\n") + 4
    head = bytes(buf[:end])
    rest = bytearray(buf[end:])
    headers = _headers(head)
    if "chunked" in headers.get("transfer-encoding", "").lower():
        # Forward the chunks as sent: read up to the terminating 0-chunk and its trailers.
        pos = 0
        while True:
            i = _line_end(sock, rest, pos)
            size = int(bytes(rest[pos:i]).split(b";")[0].strip() or b"0", 16)
            pos = i + 2
            if size == 0:
                while True:  # trailers, up to an empty line
                    j = _line_end(sock, rest, pos)
                    empty = j == pos
                    pos = j + 2
                    if empty:
                        return head, bytes(rest[:pos])
            _recv_exact(sock, rest, pos + size + 2)
            pos += size + 2
    length = int(headers.get("content-length", "0") or "0")
    _recv_exact(sock, rest, length)
    return head, bytes(rest[:length])


def _headers(head: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            out[k.strip().lower()] = v.strip()
    return out


def _request_line(head: bytes) -> tuple[str, str]:
    parts = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    if len(parts) < 2:
        raise ValueError("bad request line")
    return parts[0], parts[1]


def _close_connection(head: bytes) -> bytes:
    """The same message head with `Connection: close` (one request per connection)."""
    lines = head.decode("latin-1").split("\r\n")
    kept = [ln for ln in lines[1:] if ln and not ln.lower().startswith(("connection:", "keep-alive:"))]
    return ("\r\n".join([lines[0], *kept, "Connection: close"]) + "\r\n\r\n").encode("latin-1")


def _close_connection_response(response: bytes) -> bytes:
    """The response with `Connection: close`, so the client never reuses the connection the
    proxy is about to close (a reused, closed connection would look like a fault)."""
    end = response.find(b"\r\n\r\n")
    if end < 0:
        return response
    return _close_connection(response[:end + 4]) + response[end + 4:]


def _read_to_eof(sock: socket.socket) -> bytes:
    buf = bytearray()
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return bytes(buf)
        buf += chunk


def _status(response: bytes) -> int | None:
    try:
        return int(response.split(b"\r\n", 1)[0].split(b" ")[1])
    except (IndexError, ValueError):
        return None


def _cut_point(response: bytes) -> int:
    """Half-way into the body (at least one byte of the body is withheld)."""
    end = response.find(b"\r\n\r\n")
    if end < 0:
        return len(response) // 2
    body_start = end + 4
    body_len = len(response) - body_start
    return body_start + body_len // 2 if body_len > 1 else body_start
