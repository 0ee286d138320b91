"""An in-memory central that keeps the protocol's promises (docs/sync.md), for tests and
demos: events stored by id and by (terminal, device_seq), answered created / exists /
conflict / rejected, `stored_seq` the highest contiguous seq of the terminal; pull serves
the changes a test feeds it (`add_rows`, `add_event`) plus the events other terminals push;
snapshots serve the rows a test gives per community and table.

Faults are scripted per call: `fail("push", "down")` raises before anything is stored,
`fail("push", "lose_reply")` stores and then loses the answer (the counter sees a network
error after central committed) — the case exactly-once is about."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.services.sync.errors import CentralRefused, CentralServerError, CentralUnreachable
from app.sync_columns import from_dicts


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@dataclass
class StoredEvent:
    event_id: str
    terminal: str
    device_seq: int
    event_type: str
    payload: dict[str, Any]
    status: str  # created | rejected
    reason: str | None = None


@dataclass
class FakeCentral:
    terminal: str = "T1"
    communities: list[str] = field(default_factory=lambda: ["示范小区"])
    token: str = "fake-token"
    # event → a rejection reason, or None to accept (stands in for central's appliers)
    reject: Callable[[dict[str, Any]], str | None] = lambda ev: None
    events: dict[str, StoredEvent] = field(default_factory=dict)
    slots: dict[tuple[str, int], str] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    snapshots: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    batches: list[list[dict[str, Any]]] = field(default_factory=list)
    _faults: dict[str, list[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- test controls --------------------------------------------------------------------
    def fail(self, op: str, *kinds: str) -> None:
        """Script the next calls of `op`: "down" | "lose_reply" | "500" | "401" | "ok"."""
        self._faults.setdefault(op, []).extend(kinds)

    def _fault(self, op: str) -> str:
        queue = self._faults.get(op)
        return queue.pop(0) if queue else "ok"

    def _before(self, op: str, fault: str) -> None:
        self.calls.append(op)
        if fault == "down":
            raise CentralUnreachable("sync.unreachable", detail="fake: central down")
        if fault == "500":
            raise CentralServerError("sync.server_error", status=500)
        if fault == "401":
            raise CentralRefused("sync.token_refused", status=401)

    def add_rows(self, community: str, rows: dict[str, list[dict[str, Any]]], kind: str = "master") -> int:
        seq = len(self.changes) + 1
        self.changes.append({"seq": seq, "kind": kind, "community": community, "rows": rows})
        return seq

    def add_event(self, terminal: str, device_seq: int, event_type: str, payload: dict[str, Any],
                  event_id: str | None = None) -> int:
        seq = len(self.changes) + 1
        self.changes.append({"seq": seq, "kind": "event", "event": {
            "event_id": event_id or f"{terminal}-{device_seq}", "terminal": terminal, "device_seq": device_seq,
            "event_type": event_type, "payload": payload}})
        return seq

    def stored_seq(self, terminal: str) -> int:
        n = 0
        while (terminal, n + 1) in self.slots:
            n += 1
        return n

    def stored(self, terminal: str | None = None) -> list[StoredEvent]:
        return sorted((e for e in self.events.values() if terminal is None or e.terminal == terminal),
                      key=lambda e: (e.terminal, e.device_seq))

    # -- the protocol ---------------------------------------------------------------------
    def hello(self) -> dict[str, Any]:
        self._before("hello", self._fault("hello"))
        return {"terminal": self.terminal, "communities": list(self.communities), "time": "2026-01-01T00:00:00+00:00"}

    def push(self, terminal: str, events: list[dict[str, Any]],
             audit: dict[str, Any] | None = None) -> dict[str, Any]:
        fault = self._fault("push")
        self._before("push", fault)
        with self._lock:
            self.batches.append(events)
            if audit is not None:  # kept for tests; the real check is app/central/audit_heads.py
                self.__dict__.setdefault("audit_heads", []).append(audit)
            results = [self._store(terminal, ev) for ev in events]
            reply = {"results": results, "stored_seq": self.stored_seq(terminal)}
        if fault == "lose_reply":
            raise CentralUnreachable("sync.unreachable", detail="fake: reply lost")
        return reply

    def _store(self, terminal: str, ev: dict[str, Any]) -> dict[str, Any]:
        eid, seq = ev["event_id"], ev["device_seq"]
        old = self.events.get(eid)
        slot = self.slots.get((terminal, seq))
        if old is not None:
            if old.terminal == terminal and old.device_seq == seq and old.event_type == ev["event_type"] \
                    and _same(old.payload, ev["payload"]):
                return {"event_id": eid, "status": "exists"}
            self.conflicts.append({"terminal": terminal, **ev})
            self.slots.setdefault((terminal, seq), eid)  # a conflict occupies its slot
            return {"event_id": eid, "status": "conflict"}
        if slot is not None:
            self.conflicts.append({"terminal": terminal, **ev})
            return {"event_id": eid, "status": "conflict"}
        reason = self.reject(ev)
        self.events[eid] = StoredEvent(eid, terminal, seq, ev["event_type"], ev["payload"],
                                       "rejected" if reason else "created", reason)
        self.slots[(terminal, seq)] = eid
        if reason:
            return {"event_id": eid, "status": "rejected", "reason": reason}
        self.add_event(terminal, seq, ev["event_type"], ev["payload"], eid)
        return {"event_id": eid, "status": "created"}

    def pull(self, after: int, limit: int) -> dict[str, Any]:
        fault = self._fault("pull")
        self._before("pull", fault)
        with self._lock:
            page = [c for c in self.changes if c["seq"] > after][:limit]
            last = page[-1]["seq"] if page else after
            more = bool(page) and page[-1]["seq"] < len(self.changes)
        if fault == "lose_reply":
            raise CentralUnreachable("sync.unreachable", detail="fake: reply lost")
        return {"changes": page, "last": last, "more": more}

    def snapshot(self, community: str, table: str | None = None, after_key: str | None = None,
                 limit: int = 1000) -> dict[str, Any]:
        self._before("snapshot", self._fault("snapshot"))
        if community not in self.communities:
            raise CentralRefused("sync.community_refused", status=403)
        tables = self.snapshots.get(community, {})
        if table is None:
            return {"community": community, "tables": list(tables), "last": len(self.changes)}
        rows = sorted(tables.get(table, []), key=lambda r: str(r["id"]))
        if after_key is not None:
            rows = [r for r in rows if str(r["id"]) > after_key]
        page = rows[:limit]
        columns, values = from_dicts(table, page)  # the wire's column shape (app/sync_columns.py)
        return {"table": table, "columns": columns, "rows": values,
                "next": str(page[-1]["id"]) if len(rows) > limit else None}

    def close(self) -> None:
        pass


class FakeCentralServer:
    """The fake central behind real HTTP on loopback (tests of the HTTP link and the CLI, the
    demo): the protocol's paths, Bearer token check (401), 403 for a community not granted,
    400 for malformed JSON, gzip for bodies of at least `gzip_min` bytes when the client
    accepts it. A scripted "down"/"500" fault answers 503/500; "lose_reply" drops the
    connection after storing."""

    def __init__(self, central: FakeCentral, host: str = "127.0.0.1", port: int = 0, gzip_min: int = 64 * 1024) -> None:
        import gzip
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        from app.services.sync.errors import CentralError

        fake, server_self = central, self
        self.gzip_min = gzip_min
        self.requests: list[tuple[str, str, dict[str, str]]] = []

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet tests
                pass

            def _send(self, status: int, doc: Any) -> None:
                body = json.dumps(doc, ensure_ascii=False).encode()
                headers = {"Content-Type": "application/json"}
                if len(body) >= server_self.gzip_min and "gzip" in self.headers.get("Accept-Encoding", ""):
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self, method: str) -> None:
                url = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                server_self.requests.append((method, url.path, dict(self.headers)))
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    return self._send(401, {"error": "auth.bad_token", "message": "令牌无效", "message_en": "bad token"})
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    return self._send(400, {"error": "bad_json", "message": "格式错误", "message_en": "malformed JSON"})
                try:
                    if url.path == "/v1/hello":
                        doc = fake.hello()
                    elif url.path == "/v1/push" and method == "POST":
                        doc = fake.push(body["terminal"], body["events"])
                    elif url.path == "/v1/pull":
                        doc = fake.pull(int(q.get("after", 0)), int(q.get("limit", 500)))
                    elif url.path == "/v1/snapshot":
                        doc = fake.snapshot(q["community"], q.get("table"), q.get("after"), int(q.get("limit", 1000)))
                    else:
                        return self._send(404, {"error": "not_found"})
                except CentralError as e:
                    if e.code == "sync.unreachable" and "reply lost" in str(e.params.get("detail")):
                        self.close_connection = True
                        self.connection.shutdown(2)  # central committed; the answer never arrives
                        return None
                    status = e.status or 503
                    return self._send(status, {"error": e.code, "message": e.text("zh"), "message_en": e.text("en")})
                return self._send(200, doc)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="fake-central", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "FakeCentralServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def main(argv: list[str] | None = None) -> None:
    """`python -m drivers.central.fake --listen 127.0.0.1:8765 --terminal T1 --token demo
    --community 示范小区`: a throwaway central for a demo of the counter's sync (events kept in
    memory; nothing to install). Stops on Ctrl+C / SIGTERM."""
    import argparse
    import signal

    p = argparse.ArgumentParser(prog="python -m drivers.central.fake")
    p.add_argument("--listen", default="127.0.0.1:8765")
    p.add_argument("--terminal", default="T1")
    p.add_argument("--token", default="demo-token")
    p.add_argument("--community", action="append", default=[])
    a = p.parse_args(argv)
    host, port = a.listen.rsplit(":", 1)
    central = FakeCentral(terminal=a.terminal, token=a.token, communities=a.community or ["示范小区"])
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    with FakeCentralServer(central, host, int(port)) as srv:
        print(f"fake central at {srv.url} (terminal {a.terminal})", flush=True)
        done.wait()
    print(f"stored {len(central.events)} events", flush=True)


if __name__ == "__main__":
    main()
