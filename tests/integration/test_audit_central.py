"""The audit chain head goes to central with every push (issue 15 item 3): central keeps it
per terminal, moves it on when the counter's chain still holds it, and refuses — with an
exception case for the manager — a head that does not extend it (the counter rewrote its
past). Central on SQLite and PostgreSQL; the counter's own push code builds the proof."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.central import audit_heads
from app.central.errors import HttpError
from app.context import AppContext
from app.db.models import AuditChainHead, AuditEvent, CentralAuditHead, ExceptionCase, SyncCursor, Terminal
from app.services import audit, outbox, users
from app.services.sync import push


class InProcessCentral:
    """Central's push answer for the events (all stored) and its real audit head check."""

    def __init__(self, central: AppContext) -> None:
        self.central, self.lose_audit_answer = central, False

    def push(self, terminal: str, events: list[dict[str, Any]], audit: dict[str, Any] | None = None) -> dict:
        with self.central.uow() as s:
            t = s.scalar(select(Terminal).where(Terminal.code == terminal))
            answer = audit_heads.receive(s, t, audit)
        reply = {"results": [{"event_id": e["event_id"], "status": "created"} for e in events],
                 "stored_seq": max(e["device_seq"] for e in events)}
        if answer is not None and not self.lose_audit_answer:
            reply["audit"] = answer
        return reply


@pytest.fixture
def counter(tmp_path):  # type: ignore[no-untyped-def]
    from tests.conftest import _ready_context

    c = _ready_context(f"sqlite:///{tmp_path / 'counter.db'}")
    yield c
    c.close()


@pytest.fixture
def central(any_db_url):  # type: ignore[no-untyped-def]
    c = AppContext.open(any_db_url)
    with c.uow() as s:
        users.ensure_terminal(s, "T1")
    yield c
    c.close()


def _act(ctx: AppContext, n: int, what: str = "test.act") -> None:
    with ctx.uow() as s:
        for i in range(n):
            audit.record(s, what, user="admin", terminal="T1", detail={"i": i})
        outbox.emit(s, "note", what, {"v": 1})


def _held(central: AppContext) -> tuple[int, str] | None:
    with central.uow() as s:
        row = s.get(CentralAuditHead, "T1")
        return (row.seq, row.hash) if row else None


def _local_head(ctx: AppContext) -> tuple[int, str]:
    with ctx.uow() as s:
        h = s.get(AuditChainHead, "T1")
        return h.seq, h.hash


def _cases(central: AppContext) -> list[ExceptionCase]:
    with central.uow() as s:
        return list(s.scalars(select(ExceptionCase).where(ExceptionCase.kind == "audit_rewritten")))


def _rewrite_past(ctx: AppContext, seq: int) -> None:
    """What a counter with the program's code could do: edit an event and re-hash the chain
    after it, head included — locally consistent, so only central can tell."""
    with ctx.uow() as s:
        evs = s.scalars(select(AuditEvent).where(AuditEvent.chain == "T1").order_by(AuditEvent.seq)).all()
        prev = audit.GENESIS
        for ev in evs:
            if ev.seq == seq:
                ev.detail = {"i": "rewritten"}
            ev.prev_hash = prev
            ev.hash = audit.event_hash(ev)
            prev = ev.hash
        head = s.get(AuditChainHead, "T1")
        head.hash = prev
    with ctx.uow() as s:
        assert audit.verify(s)["ok"]  # the counter alone cannot see it


def test_central_keeps_the_head_moves_it_on_and_refuses_a_rewritten_past(counter, central):
    ctx = counter
    link = InProcessCentral(central)
    _act(ctx, 3)
    push.push_batch(ctx.uow, link, "T1")
    assert _held(central) == _local_head(ctx)
    _act(ctx, 2)
    push.push_batch(ctx.uow, link, "T1")
    assert _held(central) == _local_head(ctx)
    with ctx.uow() as s:
        told = s.get(SyncCursor, push.AUDIT_CURSOR).value
    assert told == _local_head(ctx)[0]
    # a lost answer: the counter's proof is stale once, then it catches up
    link.lose_audit_answer = True
    _act(ctx, 1)
    push.push_batch(ctx.uow, link, "T1")
    link.lose_audit_answer = False
    held = _held(central)
    _act(ctx, 1)
    push.push_batch(ctx.uow, link, "T1")  # proof for the old seq: "stale", central tells its seq
    assert _held(central) == held
    _act(ctx, 1)
    push.push_batch(ctx.uow, link, "T1")
    assert _held(central) == _local_head(ctx) and not _cases(central)
    # the counter rewrites event 2 of its past and re-hashes everything after it
    before = _held(central)
    _rewrite_past(ctx, 2)
    _act(ctx, 1)
    push.push_batch(ctx.uow, link, "T1")
    assert _held(central) == before  # not moved on
    cases = _cases(central)
    assert len(cases) == 1 and cases[0].detail["terminal"] == "T1" and cases[0].detail["central_seq"] == before[0]
    _act(ctx, 1)
    push.push_batch(ctx.uow, link, "T1")
    assert len(_cases(central)) == 1  # one case per held head, not one per push


def test_a_head_that_goes_back_or_is_malformed_is_refused(central):
    with central.uow() as s:
        t = s.scalar(select(Terminal).where(Terminal.code == "T1"))
        ok = audit_heads.receive(s, t, {"chain": "T1", "seq": 5, "hash": "a" * 64, "proof_seq": 0,
                                        "proof_hash": audit.GENESIS})
        assert ok == {"seq": 5, "status": "ok"}
        back = audit_heads.receive(s, t, {"chain": "T1", "seq": 3, "hash": "b" * 64, "proof_seq": 0,
                                          "proof_hash": audit.GENESIS})
        assert back["status"] == "refused"
        for bad in ({"chain": "T2", "seq": 6, "hash": "a" * 64, "proof_seq": 5, "proof_hash": "a" * 64},
                    {"chain": "T1", "seq": True, "hash": "a" * 64, "proof_seq": 5, "proof_hash": "a" * 64},
                    {"chain": "T1", "seq": 6, "hash": "A" * 64, "proof_seq": 5, "proof_hash": "a" * 64},
                    "head", []):
            with pytest.raises(HttpError) as e:
                audit_heads.receive(s, t, bad)
            assert e.value.status == 400


@pytest.mark.postgres
def test_the_head_goes_over_http_to_the_real_central(counter, pg_url):
    """`central serve`'s app and the HTTP driver: the head arrives with a push; a rewrite is refused."""
    import socket
    import threading
    import time

    import uvicorn

    from app.central import terminals
    from app.central.server import create_app
    from drivers.central.http import HttpCentralLink

    central = AppContext.open(pg_url)
    with central.uow() as s:
        from app.db.models import Community

        s.add(Community(name="东区", options={}))
        s.flush()
        token = terminals.add_terminal(s, "T1", ["东区"])["token"]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(central), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.02)
        link = HttpCentralLink(f"http://127.0.0.1:{sock.getsockname()[1]}", token)
        _act(counter, 2, "note")
        push.push_batch(counter.uow, link, "T1")
        assert _held(central) == _local_head(counter)
        _rewrite_past(counter, 1)
        _act(counter, 1, "note")
        push.push_batch(counter.uow, link, "T1")
        assert _held(central) != _local_head(counter) and len(_cases(central)) == 1
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
        central.close()
