"""The fault proxy of the sync fault tests (tests/support/fault_proxy.py), against a tiny
HTTP server in a thread: every fault mode is seen by a `requests` client as the right
exception, and the server sees the request exactly when it should."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.support.fault_proxy import (
    CUT_RESPONSE,
    DROP_RESPONSE,
    PASS,
    REFUSE,
    Always,
    FaultProxy,
    Script,
    Seeded,
    delay,
    is_post,
)


class Upstream:
    """A tiny JSON server that records every request it fully received (like a server that
    commits before it answers)."""

    def __init__(self) -> None:
        seen: list[tuple[str, str, bytes]] = []
        self.seen = seen

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self, body: bytes) -> None:
                seen.append((self.command, self.path, body))
                out = json.dumps({"got": len(body), "path": self.path, "pad": "x" * 2000}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def do_GET(self) -> None:  # noqa: N802
                self._answer(b"")

            def do_POST(self) -> None:  # noqa: N802
                if "chunked" in (self.headers.get("Transfer-Encoding") or ""):
                    body = b""
                    while True:
                        size = int(self.rfile.readline().strip(), 16)
                        if size == 0:
                            self.rfile.readline()
                            break
                        body += self.rfile.read(size)
                        self.rfile.readline()
                else:
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._answer(body)

            def log_message(self, *a: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    u = Upstream()
    yield u
    u.close()


@pytest.fixture
def proxy(upstream: Upstream) -> Iterator[FaultProxy]:
    with FaultProxy(upstream.port) as p:
        yield p


def test_pass_forwards_request_and_relays_response(proxy: FaultProxy, upstream: Upstream) -> None:
    body = {"events": list(range(1000))}
    r = requests.post(proxy.url + "/v1/push?x=1", json=body, timeout=10)
    assert r.status_code == 200 and r.json()["got"] == len(json.dumps(body))
    assert upstream.seen == [("POST", "/v1/push?x=1", json.dumps(body).encode())]
    assert proxy.stats.count("pass", forwarded=True, upstream_status=200) == 1
    rec = proxy.stats.records[0]
    assert rec.delivered and rec.server_seconds is not None and rec.server_seconds >= 0


def test_a_session_keeps_working_across_requests(proxy: FaultProxy, upstream: Upstream) -> None:
    with requests.Session() as s:
        for i in range(5):
            assert s.get(f"{proxy.url}/v1/hello?i={i}", timeout=10).status_code == 200
    assert [p for _, p, _ in upstream.seen] == [f"/v1/hello?i={i}" for i in range(5)]
    assert proxy.stats.summary()["connections"] == 5


def test_chunked_request_body_is_forwarded_whole(proxy: FaultProxy, upstream: Upstream) -> None:
    parts = [b"a" * 10, b"b" * 70000, b"c"]
    r = requests.post(proxy.url + "/v1/push", data=iter(parts), timeout=10)
    assert r.status_code == 200 and r.json()["got"] == sum(map(len, parts))
    assert upstream.seen[0][2] == b"".join(parts)


def test_refuse_never_reaches_the_server(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_policy(Always(REFUSE))
    with pytest.raises(requests.ConnectionError):
        requests.post(proxy.url + "/v1/push", json={"a": 1}, timeout=10)
    assert upstream.seen == []
    assert proxy.stats.count("refuse", forwarded=False) == 1


def test_drop_response_after_the_server_answered(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_policy(Script([DROP_RESPONSE]))
    with pytest.raises(requests.ConnectionError):
        requests.post(proxy.url + "/v1/push", json={"batch": 1}, timeout=10)
    # The server got (and, for a real server, committed) the request although the client failed.
    assert upstream.seen == [("POST", "/v1/push", b'{"batch": 1}')]
    assert proxy.stats.count("drop_response", forwarded=True, upstream_status=200) == 1
    assert proxy.stats.summary()["lost_after_commit"] == 1
    # The script is played out: the retry passes and the server sees the request a second time.
    assert requests.post(proxy.url + "/v1/push", json={"batch": 1}, timeout=10).status_code == 200
    assert len(upstream.seen) == 2


def test_cut_response_is_an_incomplete_body(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_policy(Always(CUT_RESPONSE))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(proxy.url + "/v1/pull?after=0", timeout=10)
    assert len(upstream.seen) == 1
    rec = proxy.stats.records[0]
    assert rec.fault == "cut_response" and rec.forwarded and rec.upstream_status == 200 and not rec.delivered


def test_delay_longer_than_the_client_timeout(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_policy(Script([delay(1.0)]))
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(proxy.url + "/v1/push", json={"slow": True}, timeout=0.2)
    # The request still reaches the server after the delay (the client has given up by then).
    assert proxy.wait_for(lambda st: st.count("delay", upstream_status=200) == 1, timeout=10)
    assert upstream.seen == [("POST", "/v1/push", b'{"slow": true}')]


def test_short_delay_passes(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_policy(Always(delay(0.05)))
    assert requests.get(proxy.url + "/v1/hello", timeout=10).status_code == 200
    assert proxy.stats.records[0].delivered


def test_upstream_down_is_a_connection_error(upstream: Upstream) -> None:
    port = upstream.port
    upstream.close()
    with FaultProxy(port) as p:
        with pytest.raises(requests.ConnectionError):
            requests.get(p.url + "/v1/hello", timeout=10)
        assert p.stats.records[0].error and not p.stats.records[0].forwarded


def test_seeded_faults_only_on_matching_requests_and_reproducible(upstream: Upstream) -> None:
    def run(seed: int) -> list[str]:
        with FaultProxy(upstream.port, Seeded(seed, {DROP_RESPONSE: 0.4, REFUSE: 0.2}, only=is_post("/v1/push"))) as p:
            outcome = []
            for i in range(30):
                try:
                    requests.post(p.url + "/v1/push", json={"i": i}, timeout=10)
                    outcome.append("ok")
                except requests.ConnectionError:
                    outcome.append("err")
                assert requests.get(p.url + "/v1/pull", timeout=10).status_code == 200  # never faulted
            assert p.stats.count(method="GET") == 30 and p.stats.count("pass", method="GET") == 30
            faults = [r.fault for r in sorted(p.stats.records, key=lambda r: r.n) if r.method == "POST"]
            assert [f == "pass" for f in faults] == [o == "ok" for o in outcome]
            return faults

    first = run(11)
    assert first == run(11)
    assert {"drop_response", "refuse", "pass"} <= set(first)
    assert first != run(12)


def test_seeded_limit_caps_the_faults(proxy: FaultProxy) -> None:
    proxy.set_policy(Seeded(1, {REFUSE: 1.0}, limit=3))
    errors = 0
    for _ in range(6):
        try:
            requests.get(proxy.url + "/v1/hello", timeout=10)
        except requests.ConnectionError:
            errors += 1
    assert errors == 3 and proxy.stats.by_fault() == {"refuse": 3, "pass": 3}


def test_counts_by_fault(proxy: FaultProxy) -> None:
    proxy.set_policy(Script([PASS, DROP_RESPONSE, REFUSE, CUT_RESPONSE, DROP_RESPONSE]))
    for _ in range(6):
        try:
            requests.get(proxy.url + "/x", timeout=10).json()
        except requests.RequestException:
            pass
    assert proxy.stats.by_fault() == {"pass": 2, "drop_response": 2, "refuse": 1, "cut_response": 1}
    assert proxy.stats.count(forwarded=True) == 5
