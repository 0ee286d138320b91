"""The HTTP link (drivers.central.http) against real sockets on loopback: a scripted server
for status codes and gzip, and the fake central served over HTTP for the `sync` commands
end to end (join, run --once, status, a reply lost after central stored the batch)."""

from __future__ import annotations

import gzip
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import func, select

import drivers.cli_sync  # noqa: F401  (registers `sync`, as the entry point does when installed)
from app.cli import main
from app.context import AppContext
from app.db.models import SyncOutbox
from app.services import outbox
from app.services.sync import loop
from app.services.sync.errors import (CentralBadReply, CentralRefused, CentralRequestRejected, CentralServerError,
                                      CentralUnreachable)
from drivers.central.fake import FakeCentral, FakeCentralServer
from drivers.central.http import HttpCentralLink


class Scripted:
    """A loopback HTTP server answering from a script of (status, body bytes, gzip?)."""

    def __init__(self, script: list[tuple[int, Any, bool]]) -> None:
        self.script = list(script)
        self.seen: list[dict[str, str]] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                outer.seen.append({"path": self.path, **dict(self.headers)})
                status, body, zipped = outer.script.pop(0)
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                if zipped:
                    raw = gzip.compress(raw)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def __enter__(self) -> "Scripted":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


PULL_EMPTY = {"changes": [], "last": 0, "more": False}


def test_401_is_refused_and_not_retried(ctx):
    from app.db.models import SyncCursor

    with ctx.uow() as s:
        s.add(SyncCursor(name="pull", value=0))
        outbox.emit(s, "note", "e1", {"v": 1})
    with Scripted([(401, {"error": "auth.bad_token"}, False)]) as srv:
        link = HttpCentralLink(srv.url, "secret-token")
        waits: list[float] = []
        state = loop.run_forever(ctx.uow, link, "T1", threading.Event(), sleep=waits.append)
        assert isinstance(state.error, CentralRefused) and not state.error.retryable
        assert state.error.code == "sync.token_refused" and waits == []
        assert srv.seen[0]["Authorization"] == "Bearer secret-token"
        assert srv.script == []  # asked once only


def test_403_and_413_are_not_retryable_and_say_why():
    with Scripted([(403, {}, False), (413, {"error": "too_big", "message_en": "body above 8 MiB"}, False)]) as srv:
        link = HttpCentralLink(srv.url, "t")
        with pytest.raises(CentralRefused) as e:
            link.snapshot("A")
        assert e.value.code == "sync.community_refused"
        with pytest.raises(CentralRequestRejected) as e2:
            link.push("T1", [])
        assert not e2.value.retryable and "8 MiB" in e2.value.text("en")


def test_503_is_retried_with_backoff_then_succeeds(ctx):
    from app.db.models import SyncCursor

    with ctx.uow() as s:
        s.add(SyncCursor(name="pull", value=0))
        seq = outbox.emit(s, "note", "e1", {"v": 1})
        event_id = s.get(SyncOutbox, seq).event_id
    ok = {"results": [{"event_id": event_id, "status": "created"}], "stored_seq": 1}
    with Scripted([(503, b"busy", False), (503, b"busy", False), (200, ok, False), (200, PULL_EMPTY, False)]) as srv:
        link = HttpCentralLink(srv.url, "t")
        stop = threading.Event()
        waits: list[float] = []

        def sleep(sec: float) -> None:
            waits.append(sec)
            if len(waits) == 3:
                stop.set()

        state = loop.run_forever(ctx.uow, link, "T1", stop, sleep=sleep, rand=lambda: 0.0, interval=5)
        assert waits == [1, 2, 5] and state.online and state.totals["pushed"] == 1
    with ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(SyncOutbox)) == 0


def test_5xx_error_is_retryable():
    with Scripted([(502, b"", False)]) as srv:
        with pytest.raises(CentralServerError) as e:
            HttpCentralLink(srv.url, "t").hello()
        assert e.value.retryable and e.value.status == 502


def test_gzip_body_is_decoded_and_gzip_is_asked_for():
    changes = [{"seq": i, "kind": "master", "community": "A", "rows": {"community": []}} for i in range(1, 3001)]
    doc = {"changes": changes, "last": 3000, "more": False}
    with Scripted([(200, doc, True)]) as srv:
        got = HttpCentralLink(srv.url, "t").pull(0, 5000)
        assert got == doc
        assert "gzip" in srv.seen[0]["Accept-Encoding"]
        assert srv.seen[0]["path"] == "/v1/pull?after=0&limit=5000"


def test_garbled_reply_is_a_retryable_bad_reply():
    with Scripted([(200, b'{"changes": [', False)]) as srv:
        with pytest.raises(CentralBadReply) as e:
            HttpCentralLink(srv.url, "t").pull(0, 10)
        assert e.value.retryable


def test_nobody_listening_is_unreachable():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(CentralUnreachable) as e:
        HttpCentralLink(f"http://127.0.0.1:{port}", "t", timeout=(2, 2)).hello()
    assert e.value.retryable


# -- the commands end to end over HTTP ---------------------------------------------------

def run_cli(capsys, db: str, *args: str) -> tuple[int, Any, str]:  # type: ignore[no-untyped-def]
    code = main(["--db", db, *args, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else None, err


def test_sync_commands_end_to_end_with_a_lost_reply(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PROPDESK_CENTRAL_LINK", raising=False)
    db = f"sqlite:///{tmp_path / 'counter.db'}"
    ctx = AppContext.open(db)
    with ctx.uow() as s:
        from app.services import users

        users.ensure_user(s, "admin", "admin", "管理员", password="admin")
        users.ensure_terminal(s, "T1")
    central = FakeCentral(communities=["A"])
    central.snapshots["A"] = {"community": [{"id": "c1", "name": "A", "options": {},
                                             "created_at": "2026-01-01T00:00:00+00:00"}]}
    with FakeCentralServer(central) as srv:
        code, doc, err = run_cli(capsys, db, "sync", "status")
        assert code == 0 and doc["central"] is None and doc["online"] is False
        code, doc, err = run_cli(capsys, db, "sync", "join", "--central", srv.url, "--token", "wrong")
        assert code == 2 and doc is None and "sync.token_refused" in err
        code, doc, err = run_cli(capsys, db, "sync", "join", "--central", srv.url, "--token", central.token)
        assert code == 0, err
        assert doc == {"central": srv.url, "pulled": 1, "communities": ["A"]}
        assert central.token not in (tmp_path / "counter.db").read_bytes().decode("latin-1")
        with ctx.uow() as s:
            for i in range(7):
                outbox.emit(s, "note", f"e{i}", {"v": 1, "i": i})
        central.fail("push", "lose_reply")
        code, doc, err = run_cli(capsys, db, "sync", "run", "--once")
        assert code == 1 and "sync.unreachable" in err
        assert len(central.stored("T1")) == 7  # central has them; the counter kept its rows
        code, doc, err = run_cli(capsys, db, "sync", "run", "--once")
        assert code == 0 and doc == {"pushed": 7, "pulled": 0, "pending": 0, "rejected": 0}
        assert len(central.stored("T1")) == 7  # the retry was answered `exists`: no duplicate
        code, doc, err = run_cli(capsys, db, "sync", "status")
        assert code == 0 and doc["online"] is True and doc["pending"] == 0 and doc["central"] == srv.url
        assert set(doc) == {"central", "online", "pending", "rejected", "last_push_at", "last_pull_at", "pulled_seq"}
        assert central.token not in json.dumps(doc)
        # the joined counter refuses imports
        rooms = tmp_path / "rooms.csv"
        rooms.write_text("小区,楼栋,单元,房号,建筑面积\nA,1栋,1,101,88.5\n", encoding="utf-8")
        code, doc, err = run_cli(capsys, db, "import", "rooms", str(rooms))
        assert code == 2 and "sync.central_owns" in err
    code, doc, err = run_cli(capsys, db, "sync", "status")
    assert code == 0 and doc["online"] is False
    ctx.close()


def test_sync_run_keeps_going_until_sigterm_then_stops_cleanly(tmp_path, capsys, monkeypatch):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from app.services import users

    monkeypatch.delenv("PROPDESK_CENTRAL_LINK", raising=False)
    root = Path(__file__).resolve().parents[2]
    db = f"sqlite:///{tmp_path / 'counter.db'}"
    ctx = AppContext.open(db)
    with ctx.uow() as s:
        users.ensure_user(s, "admin", "admin", "管理员", password="admin")
        users.ensure_terminal(s, "T1")
    central = FakeCentral(communities=[])
    with FakeCentralServer(central) as srv:
        assert run_cli(capsys, db, "sync", "join", "--central", srv.url, "--token", central.token)[0] == 0
        with ctx.uow() as s:
            for i in range(5):
                outbox.emit(s, "note", f"e{i}", {"v": 1, "i": i})
        env = {**os.environ, "PYTHONPATH": str(root)}
        proc = subprocess.Popen(
            [sys.executable, "-c", "import sys, drivers.cli_sync; from app.cli import main; sys.exit(main(sys.argv[1:]))",
             "--db", db, "sync", "run", "--json"], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while len(central.stored("T1")) < 5 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)  # polling central's state, not standing in for synchronisation
            assert len(central.stored("T1")) == 5
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, err.decode()
    assert json.loads(out) == {"pushed": 5, "pulled": 0, "pending": 0, "rejected": 0}
    ctx.close()
