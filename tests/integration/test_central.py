"""The central sync service over real HTTP on loopback, against the throwaway PostgreSQL:
auth, malformed and oversized bodies, push idempotency/conflicts/rejections, pull order and
paging, snapshot paging, gzip, and SIGTERM of `propdesk central serve`."""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from app import sync_events
from app.central import terminals
from app.central.changes import record_change
from app.central.server import MAX_BODY, create_app
from app.context import AppContext
from app.db.models import Building, Community, ExceptionCase, Party, Room, SyncConflict, SyncEvent, Terminal
from app.ids import new_id
from app.services import users
from app.sync_events import EventRejected

pytestmark = pytest.mark.postgres


def _test_applier(s, payload: dict[str, Any], origin: str) -> None:  # type: ignore[no-untyped-def]
    """A stand-in for C1's appliers: one party per event, named after it; `bad` is refused."""
    if payload.get("bad"):
        raise EventRejected("sync.unknown_event_type", event_type="bad")
    s.add(Party(id=payload["party_id"], name=payload.get("name", "x")[:100], note=origin))
    if payload.get("broken"):  # fails after writing: the write must not survive
        s.flush()
        raise KeyError("room")


@pytest.fixture
def appliers() -> Iterator[None]:
    saved = dict(sync_events.event_types())  # the built-in ones loaded first, so restoring keeps them
    sync_events.register("test_pay")(_test_applier)
    yield
    sync_events.EVENT_TYPES.clear()
    sync_events.EVENT_TYPES.update(saved)


class Central:
    def __init__(self, ctx: AppContext, url: str, ids: dict[str, str], tokens: dict[str, str]) -> None:
        self.ctx, self.url, self.ids, self.tokens = ctx, url, ids, tokens

    def h(self, terminal: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[terminal]}"}

    def push(self, terminal: str, events: list[dict[str, Any]]) -> requests.Response:
        return requests.post(f"{self.url}/v1/push", json={"terminal": terminal, "events": events},
                             headers=self.h(terminal), timeout=30)

    def get(self, terminal: str, path: str, **params: Any) -> requests.Response:
        return requests.get(f"{self.url}{path}", params=params, headers=self.h(terminal), timeout=30)

    def count(self, model: Any) -> int:
        with self.ctx.uow() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0


def _seed(ctx: AppContext) -> tuple[dict[str, str], dict[str, str]]:
    with ctx.uow() as s:
        users.ensure_user(s, "admin", "admin", "管理员", password="admin")
        ids = {}
        for name in ("东区", "西区"):
            c = Community(name=name)
            s.add(c)
            s.flush()
            b = Building(community_id=c.id, name="1")
            s.add(b)
            s.flush()
            for i in range(5):
                r = Room(community_id=c.id, building_id=b.id, number=f"10{i}", room_key=f"1-10{i}", area=100)
                s.add(r)
            s.flush()
            ids[name] = c.id
            ids[f"room:{name}"] = r.id
        tokens = {"T1": terminals.add_terminal(s, "T1", ["东区"])["token"],
                  "T2": terminals.add_terminal(s, "T2", ["东区"])["token"],
                  "T3": terminals.add_terminal(s, "T3", ["西区"])["token"],
                  "TR": terminals.add_terminal(s, "TR", ["东区"])["token"]}
        terminals.revoke_terminal(s, "TR")
    return ids, tokens


@pytest.fixture
def central(pg_url: str, appliers: None) -> Iterator[Central]:
    import uvicorn

    ctx = AppContext.open(pg_url)
    ids, tokens = _seed(ctx)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(ctx), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "central did not start"
        time.sleep(0.02)
    yield Central(ctx, f"http://127.0.0.1:{port}", ids, tokens)
    server.should_exit = True
    thread.join(30)
    sock.close()
    ctx.close()


def ev(seq: int, community: str, **extra: Any) -> dict[str, Any]:
    payload = {"v": 1, "community_id": community, "party_id": extra.pop("party_id", new_id()), **extra}
    return {"event_id": extra.pop("event_id", None) or new_id(), "device_seq": seq, "event_type": "test_pay",
            "payload": payload}


def _error(r: requests.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == code
    assert body["message"] and body["message_en"] and body["message"] != body["message_en"]


# --- auth ---------------------------------------------------------------------------------

def test_bad_tokens_and_other_community_are_refused_and_store_nothing(central: Central) -> None:
    a = central.ids["东区"]
    batch = {"terminal": "T1", "events": [ev(1, a)]}
    r = requests.post(f"{central.url}/v1/push", json=batch, timeout=30)
    _error(r, 401, "sync.token_missing")
    r = requests.post(f"{central.url}/v1/push", json=batch, headers={"Authorization": "Bearer nope"}, timeout=30)
    _error(r, 401, "sync.token_unknown")
    r = requests.post(f"{central.url}/v1/push", json={"terminal": "TR", "events": [ev(1, a)]},
                      headers=central.h("TR"), timeout=30)
    _error(r, 401, "sync.token_revoked")
    _error(central.get("TR", "/v1/pull", after=0), 401, "sync.token_revoked")
    _error(central.push("T3", [ev(1, a)]), 403, "sync.other_community")  # T3 has 西区 only
    # no community_id in the payload: the community of its room decides
    by_room = ev(1, a)
    del by_room["payload"]["community_id"]
    by_room["payload"]["room_id"] = central.ids["room:东区"]
    _error(central.push("T3", [by_room]), 403, "sync.other_community")
    _error(central.get("T3", "/v1/snapshot", community=a), 403, "sync.other_community")
    # a token of T1 naming T2 in the batch
    r = requests.post(f"{central.url}/v1/push", json={"terminal": "T2", "events": [ev(1, a)]},
                      headers=central.h("T1"), timeout=30)
    _error(r, 403, "sync.wrong_terminal")
    assert central.count(SyncEvent) == 0 and central.count(Party) == 0
    with central.ctx.uow() as s:
        assert s.scalar(select(Terminal.pushed_seq).where(Terminal.code == "T1")) == 0
    hello = central.get("T1", "/v1/hello").json()
    assert hello["terminal"] == "T1" and [c["name"] for c in hello["communities"]] == ["东区"]


def test_malformed_json_is_400_and_oversized_bodies_413(central: Central) -> None:
    h = {**central.h("T1"), "Content-Type": "application/json"}
    _error(requests.post(f"{central.url}/v1/push", data=b'{"terminal": "T1", "events": [', headers=h, timeout=30),
           400, "sync.bad_json")
    _error(requests.post(f"{central.url}/v1/push", data=b"\xff\xfe", headers=h, timeout=30), 400, "sync.bad_json")
    _error(central.push("T1", [{"event_id": new_id(), "device_seq": "1", "event_type": "test_pay", "payload": {}}]),
           400, "sync.bad_request")
    big = b'{"terminal": "T1", "events": [], "pad": "' + b"x" * MAX_BODY + b'"}'
    _error(requests.post(f"{central.url}/v1/push", data=big, headers=h, timeout=60), 413, "sync.body_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the bytes themselves are counted
        yield b'{"terminal": "T1", "events": [], "pad": "'
        for _ in range(MAX_BODY // 65536 + 1):
            yield b"x" * 65536
        yield b'"}'

    r = requests.post(f"{central.url}/v1/push", data=chunks(), headers=h, timeout=60)
    _error(r, 413, "sync.body_too_large")
    _error(central.push("T1", [ev(i + 1, central.ids["东区"]) for i in range(501)]), 413, "sync.batch_too_large")
    twice = ev(1, central.ids["东区"])
    _error(central.push("T1", [twice, {**twice, "device_seq": 2}]), 400, "sync.bad_request")
    _error(central.get("T1", "/v1/pull", after="x"), 400, "sync.bad_request")
    _error(central.get("T1", "/v1/pull", after=0, limit=0), 400, "sync.bad_paging")
    assert central.count(SyncEvent) == 0 and central.count(Party) == 0


# --- push -----------------------------------------------------------------------------------

def test_push_is_idempotent_keeps_conflicts_and_rejections_never_block(central: Central) -> None:
    a = central.ids["东区"]
    batch = [ev(1, a), ev(2, a), ev(3, a)]
    r = central.push("T1", batch).json()
    assert [x["status"] for x in r["results"]] == ["created"] * 3 and r["stored_seq"] == 3
    r = central.push("T1", batch).json()  # the reply was lost: the same batch again
    assert [x["status"] for x in r["results"]] == ["exists"] * 3 and r["stored_seq"] == 3
    assert central.count(Party) == 3 and central.count(SyncEvent) == 3

    # same event id, other payload: conflict, kept once, the original untouched
    other = {**batch[1], "payload": {**batch[1]["payload"], "name": "changed"}}
    for _ in range(2):
        r = central.push("T1", [other]).json()
        assert r["results"] == [{"event_id": other["event_id"], "status": "conflict", "reason": "sync.conflict"}]
    with central.ctx.uow() as s:
        kept = s.scalars(select(SyncConflict)).all()
        assert len(kept) == 1 and kept[0].payload["payload"]["name"] == "changed"
        stored = s.scalar(select(SyncEvent).where(SyncEvent.event_id == other["event_id"]))
        assert stored.payload == batch[1]["payload"]
        assert s.scalar(select(func.count()).select_from(ExceptionCase).where(ExceptionCase.kind == "sync_conflict")) == 1
    # another event at an occupied terminal+seq is a conflict too
    r = central.push("T1", [ev(3, a)]).json()
    assert r["results"][0]["status"] == "conflict" and r["stored_seq"] == 3

    # a rejected event is kept with its reason and does not block the next one
    bad, good = ev(4, a, bad=True), ev(5, a)
    r = central.push("T1", [bad, good]).json()
    assert [x["status"] for x in r["results"]] == ["rejected", "created"]
    assert r["results"][0]["reason"] == "sync.unknown_event_type" and r["stored_seq"] == 5
    r = central.push("T1", [bad, good]).json()  # a retry gets the first outcome again
    assert [x["status"] for x in r["results"]] == ["rejected", "exists"]
    with central.ctx.uow() as s:
        rej = s.scalar(select(SyncEvent).where(SyncEvent.event_id == bad["event_id"]))
        assert rej.status == "rejected" and rej.reason["code"] == "sync.unknown_event_type"
        assert s.scalar(select(func.count()).select_from(ExceptionCase).where(ExceptionCase.kind == "rejected_event")) == 1
    assert central.count(Party) == 4

    # stored_seq is the highest CONTIGUOUS seq: a gap holds it back until filled
    e6, e7 = ev(6, a), ev(7, a)
    assert central.push("T1", [e7]).json()["stored_seq"] == 5
    assert central.push("T1", [e6]).json()["stored_seq"] == 7

    # a failure in the middle of a batch: only that event is rejected, its writes undone
    mid = [ev(8, a), ev(9, a, broken=True), ev(10, a)]
    r = central.push("T1", mid).json()
    assert [x["status"] for x in r["results"]] == ["created", "rejected", "created"] and r["stored_seq"] == 10
    assert r["results"][1]["reason"] == "sync.payload_incomplete"  # a KeyError in an applier: a field missing
    with central.ctx.uow() as s:
        assert s.get(Party, mid[1]["payload"]["party_id"]) is None
        assert s.get(Party, mid[2]["payload"]["party_id"]) is not None
    # an event without community_id is filed under its room's community
    by_room = ev(11, a)
    del by_room["payload"]["community_id"]
    by_room["payload"]["room_id"] = central.ids["room:东区"]
    assert central.push("T1", [by_room]).json()["results"][0]["status"] == "created"
    with central.ctx.uow() as s:
        assert s.scalar(select(SyncEvent.community_id).where(SyncEvent.event_id == by_room["event_id"])) == a
    listed = {t["code"]: t for t in _terminal_list(central)}
    assert listed["T1"]["pushed_seq"] == 11 and listed["T1"]["last_seen"]


def _terminal_list(central: Central) -> list[dict[str, Any]]:
    with central.ctx.uow() as s:
        return terminals.list_terminals(s)


def test_concurrent_retries_of_one_batch_store_each_event_once(central: Central) -> None:
    a = central.ids["东区"]
    batch = [ev(i + 1, a) for i in range(50)]
    replies: list[dict[str, Any]] = []

    def send() -> None:
        replies.append(central.push("T1", batch).json())

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r["stored_seq"] == 50 for r in replies)
    statuses = sorted(x["status"] for r in replies for x in r["results"])
    assert statuses.count("created") == 50 and statuses.count("exists") == 150
    assert central.count(Party) == 50 and central.count(SyncEvent) == 50


# --- pull -----------------------------------------------------------------------------------

def test_pull_in_commit_order_with_paging_skips_own_and_other_communities(central: Central) -> None:
    a, b = central.ids["东区"], central.ids["西区"]
    t1 = [ev(i + 1, a) for i in range(5)]
    central.push("T1", t1[:3])
    central.push("T3", [ev(1, b)])  # another community: T2 never sees it
    central.push("T1", [ev(4, a, bad=True)])  # rejected: nobody pulls it
    with central.ctx.uow() as s:
        record_change(s, a, "master", {"tables": ["room", "building"]})
    central.push("T1", [{**t1[4], "device_seq": 5}])
    got: list[dict[str, Any]] = []
    after, pages = 0, 0
    while True:
        r = central.get("T2", "/v1/pull", after=after, limit=2).json()
        got += r["changes"]
        assert r["last"] >= after
        after, pages = r["last"], pages + 1
        if not r["more"]:
            break
    assert pages >= 3
    seqs = [c["seq"] for c in got]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    events = [c["event"]["event_id"] for c in got if c["kind"] == "event"]
    assert events == [t1[0]["event_id"], t1[1]["event_id"], t1[2]["event_id"], t1[4]["event_id"]]
    master = [c for c in got if c["kind"] == "master"]
    assert len(master) == 1 and list(master[0]["rows"]) == ["building", "room"]
    assert sorted(r["room_key"] for r in master[0]["rows"]["room"]) == [f"1-10{i}" for i in range(5)]
    assert all(r["community_id"] == a for r in master[0]["rows"]["room"])
    # the pushing terminal skips its own events; the cursor still moves past them
    mine = central.get("T1", "/v1/pull", after=0, limit=100).json()
    assert [c["kind"] for c in mine["changes"]] == ["master"] and mine["last"] == after and not mine["more"]
    # a page of only its own events is passed over: never `more` with nothing in it
    first = central.get("T1", "/v1/pull", after=0, limit=1).json()
    assert [c["kind"] for c in first["changes"]] == ["master"] and first["more"]
    # T3 sees only its community's changes
    assert [c["kind"] for c in central.get("T3", "/v1/pull", after=0).json()["changes"]] == []


def test_change_seq_order_is_commit_order(central: Central) -> None:
    """A change numbered before a push's must not become visible after it: the push waits for
    the sequence lock, so a pull never advances past an uncommitted lower number."""
    from sqlalchemy import insert, text

    from app.central.changes import lock_changes
    from app.db.base import utcnow
    from app.db.models import SyncChange

    a = central.ids["东区"]
    held = central.ctx.sessions()  # a central writer between taking its number and committing
    tx = held.begin()
    lock_changes(held)
    first = held.execute(insert(SyncChange).values(community_id=a, kind="master", ref={"tables": ["room"]},
                                                   created_at=utcnow()).returning(SyncChange.change_seq)).scalar()
    e1 = ev(1, a)
    reply: list[dict[str, Any]] = []
    pusher = threading.Thread(target=lambda: reply.append(central.push("T1", [e1]).json()))
    pusher.start()
    try:
        deadline = time.monotonic() + 30
        with central.ctx.engine.connect() as watch:  # the push is waiting for the lock, not done
            while not watch.execute(text("select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                                         "and datname = current_database()")).scalar():
                assert time.monotonic() < deadline and pusher.is_alive(), "push did not wait for the lock"
                watch.rollback()  # pg_stat_activity is read once per transaction
                time.sleep(0.02)
        seen = central.get("T2", "/v1/pull", after=0).json()
        assert seen["changes"] == [] and seen["last"] == 0  # nothing committed yet: the cursor stays
    finally:
        tx.commit()
        held.close()
        pusher.join(30)
    assert reply[0]["results"][0]["status"] == "created"
    got = central.get("T2", "/v1/pull", after=0).json()["changes"]
    assert [(c["seq"], c["kind"]) for c in got] == [(first, "master"), (first + 1, "event")]


def test_large_pull_is_gzip_encoded(central: Central) -> None:
    a = central.ids["东区"]
    central.push("T1", [ev(i + 1, a, name="张" * 60, pad="付款" * 8000) for i in range(5)])
    r = requests.get(f"{central.url}/v1/pull", params={"after": 0}, timeout=30,
                     headers={**central.h("T2"), "Accept-Encoding": "gzip"}, stream=True)
    assert r.headers["Content-Encoding"] == "gzip"
    raw = r.raw.read()
    body = json.loads(gzip.decompress(raw))
    assert len(body["changes"]) == 5 and len(raw) < 65536
    small = central.get("T2", "/v1/hello")
    assert "Content-Encoding" not in small.headers


# --- snapshot -------------------------------------------------------------------------------

def test_snapshot_manifest_and_keyset_pages(central: Central) -> None:
    a = central.ids["东区"]
    central.push("T1", [ev(1, a), ev(2, a), ev(3, a)])
    man = central.get("T2", "/v1/snapshot", community=a).json()
    assert man["tables"][:3] == ["community", "building", "room"] and "bill_line" in man["tables"]
    counts = {p["table"]: p["rows"] for p in man["parts"]}
    assert counts["room"] == 5 and counts["community"] == 1
    assert counts["bill_line"] is None and counts["allocation"] is None  # facts and bills are not counted
    # the snapshot carries the payment facts themselves: the pull goes on from where it began
    assert man["last"] == man["snapshot_last"] == 3
    assert {"shift", "payment", "receipt", "tender", "allocation", "deposit", "receipt_void"} <= set(man["tables"])
    assert man["tables"].index("payment") > man["tables"].index("bill_line")
    by_name = central.get("T2", "/v1/snapshot", community="东区").json()  # hello lists names
    assert by_name["community"] == a and by_name["tables"] == man["tables"]
    seen: list[dict[str, Any]] = []
    key = None
    while True:
        params = {"community": a, "table": "room", "limit": 2, **({"after_key": key} if key else {})}
        page = central.get("T2", "/v1/snapshot", **params).json()
        seen += [dict(zip(page["columns"], r)) for r in page["rows"]]  # the column shape
        assert page["next"] == page["next_key"]
        key = page["next_key"]
        if key is None:
            break
    assert len(seen) == 5 and len({r["id"] for r in seen}) == 5
    assert [r["id"] for r in seen] == sorted(r["id"] for r in seen)
    _error(central.get("T2", "/v1/snapshot", community=a, table="sync_event"), 400, "sync.unknown_table")
    _error(central.get("T2", "/v1/snapshot", community=central.ids["西区"], table="room"), 403,
           "sync.other_community")
    _error(central.get("T2", "/v1/snapshot", community="西区"), 403, "sync.other_community")


def test_snapshot_pages_bill_lines_before_their_corrections(pg_url: str) -> None:
    """One `bill_line` table, served in two phases (charges, then the deltas pointing at
    them) with opaque keys, whatever the page size: each line once, no delta before its target."""
    from app.central.snapshot import page as snapshot_page
    from app.db.models import BillLine
    from app.services.billing.bill_run import bill_run
    from app.services.billing.corrections import correct_price
    from tests.support.builders import World

    ctx = AppContext.open(pg_url)
    try:
        with ctx.uow() as s:
            users.ensure_user(s, "admin", "admin", "管理员", password="admin")
            w = World(s)
            for i in range(7):
                w.room(f"1-1-10{i}", "100")
            w.fee("PM", "area", "1.25", name="物业服务费")
            terminals.add_terminal(s, "T1", ["阳光花园"])
            cid = w.community.id
        with ctx.uow() as s:
            bill_run(s, "2026-11", community="阳光花园", user="admin")
        with ctx.uow() as s:
            correct_price(s, "阳光花园", "PM", "2026-11", reason="单价录错", user="admin", unit_price="1.5")
        with ctx.uow() as s:
            t = s.scalar(select(Terminal).where(Terminal.code == "T1"))
            total = s.scalar(select(func.count()).select_from(BillLine))
            assert total == 14
            for size in (1, 3, 7, 14, 100):
                got, key = [], None
                while True:
                    page = snapshot_page(s, t, cid, "bill_line", key, size)
                    assert len(page["rows"]) <= size
                    got += [dict(zip(page["columns"], r)) for r in page["rows"]]
                    key = page["next_key"]
                    if key is None:
                        break
                ids = [r["id"] for r in got]
                assert len(ids) == len(set(ids)) == total, size
                pos = {r["id"]: i for i, r in enumerate(got)}
                assert all(pos[r["corrects_id"]] < pos[r["id"]] for r in got if r["corrects_id"])
    finally:
        ctx.close()


# --- CLI and the real process -----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_central_serve_stops_cleanly_on_sigterm(pg_url: str) -> None:
    env = {**os.environ, "PROPDESK_PASSWORD": "admin"}
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "--db", pg_url, "central", "serve", "--listen",
                             f"127.0.0.1:{port}"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                r = requests.get(f"http://127.0.0.1:{port}/v1/hello", timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "central serve did not come up"
                time.sleep(0.05)
        _error(r, 401, "sync.token_missing")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
        assert "stopped" in (proc.stderr.read() if proc.stderr else "")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_terminals_and_exceptions(pg_url: str, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli import main

    ctx = AppContext.open(pg_url)
    _seed(ctx)
    with ctx.uow() as s:
        users.ensure_user(s, "c1", "cashier", password="1234")
        s.add(ExceptionCase(kind="double_payment", ref_type="payment", ref_id="p1",
                            detail={"room": "1-101", "amount_fen": 12345}))
    ctx.close()
    db = ["--db", pg_url]
    assert main([*db, "terminal", "add", "T9", "--community", "东区,西区", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["terminal"] == "T9" and out["communities"] == ["东区", "西区"] and len(out["token"]) >= 40
    assert main([*db, "terminal", "add", "T8", "--community", "北区", "--json"]) == 2
    assert "北区" in capsys.readouterr().err
    monkeypatch.setenv("PROPDESK_PASSWORD", "1234")  # c1 signed in: refused for the right, not the password
    assert main([*db, "--user", "c1", "terminal", "add", "T8", "--community", "东区"]) == 2
    assert "may not" in capsys.readouterr().err
    monkeypatch.setenv("PROPDESK_PASSWORD", "admin")
    assert main([*db, "terminal", "revoke", "T9", "--json"]) == 0
    capsys.readouterr()
    assert main([*db, "terminal", "list", "--json"]) == 0
    listed = {t["code"]: t for t in json.loads(capsys.readouterr().out)["terminals"]}
    assert listed["T9"]["revoked"] and listed["T1"]["communities"] == ["东区"] and listed["T1"]["pushed_seq"] == 0
    with AppContext.open(pg_url).uow() as s:  # only the hash is stored
        assert s.scalar(select(Terminal.token_hash).where(Terminal.code == "T9")) == terminals.token_hash(out["token"])

    assert main([*db, "exceptions", "list", "--open", "--json"]) == 0
    cases = json.loads(capsys.readouterr().out)["exceptions"]
    assert [(c["kind"], c["room"], c["amount_fen"], c["status"]) for c in cases] == [
        ("double_payment", "1-101", 12345, "open")]
    cid = cases[0]["id"]
    monkeypatch.setenv("PROPDESK_PASSWORD", "1234")
    assert main([*db, "--user", "c1", "exceptions", "resolve", cid, "--note", "退款"]) == 2
    assert "may not" in capsys.readouterr().err
    monkeypatch.setenv("PROPDESK_PASSWORD", "admin")
    assert main([*db, "exceptions", "resolve", cid, "--json"]) == 2  # a note is required
    capsys.readouterr()
    assert main([*db, "exceptions", "resolve", cid, "--note", "已退预存", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"id": cid, "status": "resolved"}
    assert main([*db, "exceptions", "list", "--open", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"exceptions": []}


def test_central_serve_refuses_sqlite_and_bad_listen(sqlite_url: str, pg_url: str,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    monkeypatch.delenv("PROPDESK_CENTRAL_ALLOW_SQLITE", raising=False)
    assert main(["--db", sqlite_url, "central", "serve"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err
    assert main(["--db", pg_url, "central", "serve", "--listen", "nohost"]) == 2
    assert "HOST:PORT" in capsys.readouterr().err


# --- what central's own writes ship --------------------------------------------------------------

def test_import_and_bill_run_on_central_reach_the_pull_as_rows(pg_url: str) -> None:
    """An import and a bill run on central each record one change; a pull ships their rows
    (rooms and owners; the run, its lines and a balanced ledger txn), each table once."""
    from app.central.pull import pull
    from app.services.billing.bill_run import bill_run
    from app.services.imports import import_file
    from tests.support.builders import World
    from tests.unit.import_support import FIXTURES

    ctx = AppContext.open(pg_url)
    try:
        with ctx.uow() as s:
            users.ensure_user(s, "admin", "admin", "管理员", password="admin")
            w = World(s)
            w.room("9-1-101", "100.5", owner="赵六")
            w.fee("PM", "area", "1.25", name="物业服务费")
            terminals.add_terminal(s, "T1", ["阳光花园"])
            cid = w.community.id
        import_file(ctx, "rooms", FIXTURES / "rooms.csv", user="admin")
        import_file(ctx, "rooms", FIXTURES / "rooms.csv", user="admin")  # unchanged: no second change
        with ctx.uow() as s:
            run = bill_run(s, "2026-11", community="阳光花园", user="admin")
        with ctx.uow() as s:
            t = s.scalar(select(Terminal).where(Terminal.code == "T1"))
            got = pull(s, t, 0, 100)
        assert [c["kind"] for c in got["changes"]] == ["master", "bill_run"] and not got["more"]
        master, billed = got["changes"]
        assert list(master["rows"]) == ["community", "building", "room", "party", "occupancy", "vehicle", "bank_mandate",
                                        "ledger_account"]
        keys = {r["room_key"] for r in master["rows"]["room"]}
        assert {"9-1-101", "3-2-1502", "3-2-1501"} <= keys
        assert {p["name"] for p in master["rows"]["party"]} >= {"张三", "赵六"}
        assert all(r["community_id"] == cid for r in master["rows"]["room"])
        rows = billed["rows"]
        assert [r["id"] for r in rows["bill_run"]] == [run["bill_run_id"]]
        assert len(rows["bill_line"]) == run["lines"] > 0
        assert sum(r["amount_fen"] for r in rows["bill_line"]) == run["total_fen"]
        assert len(rows["ledger_txn"]) == 1 and sum(p["amount_fen"] for p in rows["posting"]) == 0
        shipped_accounts = {a["id"] for a in rows["ledger_account"]}
        assert {p["account_id"] for p in rows["posting"]} == shipped_accounts

        # a price correction: the delta lines, the lines they correct, and their ledger txns
        from app.services.billing.corrections import correct_price

        with ctx.uow() as s:
            correct_price(s, "阳光花园", "PM", "2026-11", reason="单价录错", user="admin", unit_price="1.5")
        with ctx.uow() as s:
            t = s.scalar(select(Terminal).where(Terminal.code == "T1"))
            more = pull(s, t, got["last"], 100)
        assert [c["kind"] for c in more["changes"]] == ["correction"]
        fixed = more["changes"][0]["rows"]
        deltas = [r for r in fixed["bill_line"] if r["corrects_id"]]
        targets = {r["id"] for r in fixed["bill_line"] if not r["corrects_id"]}
        assert deltas and {d["corrects_id"] for d in deltas} <= targets
        assert len(fixed["ledger_txn"]) == len(deltas) and sum(p["amount_fen"] for p in fixed["posting"]) == 0
    finally:
        ctx.close()


def test_users_roles_and_accounts_shipped_to_an_initialised_counter_upsert_cleanly(pg_url: str,
                                                                                   sqlite_url: str) -> None:
    """Roles, users and ledger accounts are made on central AND on every counter (`init`, the
    first payment); their ids come from their natural keys, so central's rows upsert onto the
    counter's by primary key instead of clashing on the unique code/username."""
    from app.central.shipping import master_rows
    from app.services import ledger
    from app.sync_rows import upsert_rows

    central = AppContext.open(pg_url)
    counter = AppContext.open(sqlite_url)
    try:
        with central.uow() as s:
            users.ensure_user(s, "admin", "admin", "管理员", password="central-pw")
            users.ensure_user(s, "c1", "cashier", "收银员一", password="1234")
            s.add(Community(name="东区"))
            ledger.ensure_accounts(s, ["TND:cash:T1", "LATE:x"])
            cid = s.scalar(select(Community.id))
            rows = master_rows(s, cid, ["role", "app_user", "ledger_account"])
        with counter.uow() as s:
            users.ensure_user(s, "admin", "admin", "管理员", password="admin")
            ledger.ensure_accounts(s, ["TND:cash:T1"])
        with counter.uow() as s:
            for table in ("role", "app_user", "ledger_account"):
                upsert_rows(s, table, rows[table])
        with counter.uow() as s:
            assert users.authenticate(s, "c1", "1234")["role"] == "cashier"
            assert users.authenticate(s, "admin", "central-pw")["role"] == "admin"  # central owns users
            assert len(ledger.ensure_accounts(s, ["TND:cash:T1", "LATE:x"])) == 2
    finally:
        central.close()
        counter.close()
