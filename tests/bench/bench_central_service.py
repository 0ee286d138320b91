"""The central service alone (C2): push N events as batches of 500 over real HTTP on loopback
to a throwaway PostgreSQL, then pull them from another terminal. The applier is a stand-in
that inserts one row per event, so this measures the service's own cost (auth, JSON, the
ON CONFLICT insert, savepoints, the change sequence); the real payment appliers come on top
(the end-to-end sync benchmark measures those).

    .venv/bin/python -m tests.bench.bench_central_service --events 10000
    .venv/bin/python -m tests.bench.bench_central_service --events 10000 --terminals 20
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from typing import Any

import requests
import uvicorn
from sqlalchemy import func, select

from app import sync_events
from app.central import terminals
from app.central.server import create_app
from app.context import AppContext
from app.db.models import Community, Party, SyncEvent
from app.ids import new_id
from app.services import users
from tests.support import pgserver


def _stub(s: Any, payload: dict[str, Any], origin: str) -> None:
    s.add(Party(id=payload["pid"], name=payload["name"], note=origin))


def run(events: int, batch: int = 500) -> dict[str, Any]:
    saved = dict(sync_events.event_types())  # the built-in ones loaded first, so restoring keeps them
    sync_events.register("bench_pay")(_stub)
    pg = pgserver.start()
    try:
        ctx = AppContext.open(pg.create_database("bench_central"))
        with ctx.uow() as s:
            users.ensure_user(s, "admin", "admin")
            c = Community(name="A")
            s.add(c)
            s.flush()
            pusher = terminals.add_terminal(s, "T1", ["A"])["token"]
            puller = terminals.add_terminal(s, "T2", ["A"])["token"]
            cid = c.id
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        server = uvicorn.Server(uvicorn.Config(create_app(ctx), log_level="warning"))
        th = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        th.start()
        while not server.started:
            time.sleep(0.01)
        evs = [{"event_id": new_id(), "device_seq": i + 1, "event_type": "bench_pay",
                "payload": {"v": 1, "community_id": cid, "pid": new_id(), "name": "张三", "total_fen": 12345,
                            "tenders": [{"method": "cash", "amount_fen": 12345}], "memo": "x" * 300}}
               for i in range(events)]
        http = requests.Session()
        lat = []
        t0 = time.perf_counter()
        for i in range(0, events, batch):
            b0 = time.perf_counter()
            r = http.post(f"{url}/v1/push", json={"terminal": "T1", "events": evs[i:i + batch]},
                          headers={"Authorization": f"Bearer {pusher}"}, timeout=120)
            lat.append(time.perf_counter() - b0)
            r.raise_for_status()
        push_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        after, pulled = 0, 0
        while True:
            page = http.get(f"{url}/v1/pull", params={"after": after, "limit": 1000}, timeout=120,
                            headers={"Authorization": f"Bearer {puller}", "Accept-Encoding": "gzip"}).json()
            pulled += len(page["changes"])
            after = page["last"]
            if not page["more"]:
                break
        pull_s = time.perf_counter() - t1
        with ctx.uow() as s:
            applied = s.scalar(select(func.count()).select_from(Party))
            stored = s.scalar(select(func.count()).select_from(SyncEvent))
        server.should_exit = True
        th.join(60)
        ctx.close()
        lat.sort()
        return {"events": events, "batch": batch, "push_seconds": round(push_s, 2),
                "events_per_second": round(events / push_s), "p95_batch_seconds": round(lat[max(0, int(len(lat) * .95) - 1)], 3),
                "stored": stored, "applied": applied, "pulled": pulled, "pull_seconds": round(pull_s, 2)}
    finally:
        sync_events.EVENT_TYPES.clear()
        sync_events.EVENT_TYPES.update(saved)
        pg.stop()


def run_concurrent(terminals_n: int, per_terminal: int, batch: int = 100) -> dict[str, Any]:
    """`terminals_n` counters pushing `per_terminal` events each at the same time (a thread
    each, batches of `batch`): every event stored exactly once, throughput, p95 batch latency."""
    saved = dict(sync_events.event_types())  # the built-in ones loaded first, so restoring keeps them
    sync_events.register("bench_pay")(_stub)
    pg = pgserver.start()
    try:
        ctx = AppContext.open(pg.create_database("bench_central_many"))
        with ctx.uow() as s:
            users.ensure_user(s, "admin", "admin")
            c = Community(name="A")
            s.add(c)
            s.flush()
            tokens = {f"T{i + 1}": terminals.add_terminal(s, f"T{i + 1}", ["A"])["token"] for i in range(terminals_n)}
            cid = c.id
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        server = uvicorn.Server(uvicorn.Config(create_app(ctx), log_level="warning"))
        th = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        th.start()
        while not server.started:
            time.sleep(0.01)
        lat: list[float] = []
        errors: list[str] = []

        def counter(code: str) -> None:
            http = requests.Session()
            evs = [{"event_id": new_id(), "device_seq": i + 1, "event_type": "bench_pay",
                    "payload": {"v": 1, "community_id": cid, "pid": new_id(), "name": code, "total_fen": 100}}
                   for i in range(per_terminal)]
            for i in range(0, per_terminal, batch):
                b0 = time.perf_counter()
                r = http.post(f"{url}/v1/push", json={"terminal": code, "events": evs[i:i + batch]},
                              headers={"Authorization": f"Bearer {tokens[code]}"}, timeout=300)
                lat.append(time.perf_counter() - b0)
                if r.status_code != 200 or r.json()["stored_seq"] != min(i + batch, per_terminal):
                    errors.append(f"{code}: {r.status_code} {r.text[:200]}")

        threads = [threading.Thread(target=counter, args=(code,)) for code in tokens]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        secs = time.perf_counter() - t0
        with ctx.uow() as s:
            applied = s.scalar(select(func.count()).select_from(Party))
            stored = s.scalar(select(func.count()).select_from(SyncEvent))
            distinct = s.scalar(select(func.count(func.distinct(SyncEvent.event_id))))
        server.should_exit = True
        th.join(60)
        ctx.close()
        lat.sort()
        total = terminals_n * per_terminal
        return {"terminals": terminals_n, "per_terminal": per_terminal, "batch": batch, "seconds": round(secs, 2),
                "events_per_second": round(total / secs), "p95_batch_seconds": round(lat[max(0, int(len(lat) * .95) - 1)], 3),
                "expected": total, "stored": stored, "distinct": distinct, "applied": applied, "errors": errors[:5]}
    finally:
        sync_events.EVENT_TYPES.clear()
        sync_events.EVENT_TYPES.update(saved)
        pg.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--terminals", type=int, default=0, help="N counters pushing --events/N each at the same time")
    a = ap.parse_args()
    if a.terminals:
        print(json.dumps(run_concurrent(a.terminals, a.events // a.terminals, min(a.batch, 100))))
    else:
        print(json.dumps(run(a.events, a.batch)))


if __name__ == "__main__":
    main()
