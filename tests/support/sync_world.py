"""A small company for the sync fault tests and benchmarks: a central PostgreSQL database with
a demo company, the real `central serve` behind a fault proxy, counters joined through the
proxy, payments taken at a counter while it is offline, and the exactly-once checks.

Everything that changes state goes through the public command line (`init`, `terminal add`,
`sync join`, `sync run`, `shift open`, `pay`) and HTTP, except the bulk of the offline
payments: those are taken in-process with the cashier service a counter's GUI calls
(`pay_bills` / `prepay`), because starting `propdesk pay` costs ~3 s per payment on the CI
machine (200 payments would be 10 minutes). They are ordinary counter payments either way:
the outbox event is written by the service, not by the test.

The checks read the central and counter databases with plain SQL over tables that existed
before issue 11 (`payment`, `receipt`, `allocation`, `terminal`, `sync_outbox`,
`sync_cursor`, `sync_event`, `sync_conflict`), so they hold whatever the sync code looks like.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text

from tests.support import processes as P
from tests.support.fault_proxy import FaultProxy

CENTRAL_TERMINAL = "HQ"  # the demo's own payments are central's, not a counter's


@dataclass
class Counter:
    code: str
    db: str
    token: str

    def sync_once(self, expect: int | None = 0) -> Any:
        return P.sync_once(self.db, self.code, expect=expect)

    def status(self) -> dict[str, Any]:
        return P.cli(self.db, "sync", "status", terminal=self.code)


@dataclass
class World:
    """Central (PostgreSQL + `central serve`) behind `proxy`; counters join through the proxy,
    so central can be stopped, killed and restarted on another port while counters keep
    their link URL."""

    pg_url: str
    workdir: Path
    procs: P.Processes
    proxy: FaultProxy
    central: P.Central | None = None
    community: str = ""
    counters: dict[str, Counter] = field(default_factory=dict)

    # -- central ------------------------------------------------------------------------
    @classmethod
    def create(cls, pg_url: str, workdir: Path, procs: P.Processes, *, rooms: int = 60, seed: int = 1) -> World:
        P.run(pg_url, "init", "--demo", "--rooms", str(rooms), "--seed", str(seed), terminal=CENTRAL_TERMINAL)
        proxy = FaultProxy(0).start()
        w = cls(pg_url, workdir, procs, proxy)
        w.community = w.central_sql("SELECT name FROM community ORDER BY name")[0][0]
        w.start_central()
        return w

    def start_central(self) -> P.Central:
        self.central = self.procs.central(self.pg_url)
        self.proxy.upstream = ("127.0.0.1", self.central.port)
        return self.central

    def stop_central(self) -> None:
        assert self.central is not None
        self.central.stop()  # SIGTERM: must exit 0

    def kill_central(self) -> None:
        assert self.central is not None
        self.central.kill9()

    def close(self) -> None:
        self.proxy.stop()

    @property
    def url(self) -> str:
        """What counters are linked to: the proxy."""
        return self.proxy.url

    def direct_url(self) -> str:
        assert self.central is not None
        return self.central.url

    # -- counters -------------------------------------------------------------------------
    def add_counter(self, code: str, communities: list[str] | None = None) -> Counter:
        token = P.add_terminal(self.pg_url, code, communities or [self.community])
        db = f"sqlite:///{self.workdir / f'counter-{code}.db'}"
        P.join_counter(db, code, self.url, token)
        c = Counter(code, db, token)
        self.counters[code] = c
        return c

    # -- SQL reads ------------------------------------------------------------------------
    def central_sql(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        return sql_rows(self.pg_url, sql, **params)


def sql_rows(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    eng = create_engine(url)
    try:
        with eng.connect() as c:
            return [tuple(r) for r in c.execute(text(sql), params)]
    finally:
        eng.dispose()


# -- offline payments at a counter ----------------------------------------------------------

@contextmanager
def device_clock_shift(delta: timedelta) -> Iterator[None]:
    """This process's business clock moved by delta (a counter PC whose clock is wrong)."""
    from app import clock

    real = clock.now
    clock.now = lambda: real() + delta  # type: ignore[assignment]
    try:
        yield
    finally:
        clock.now = real  # type: ignore[assignment]


def _room_bills():  # type: ignore[no-untyped-def]
    """room_bills, wherever this tree keeps it (billing.bills, later receivables.bills)."""
    try:
        from app.services.receivables.bills import room_bills
    except ImportError:
        from app.services.billing.bills import room_bills
    return room_bills


def take_payments(counter: Counter, n: int, seed: int, *, rooms: list[str] | None = None) -> list[str]:
    """n payments at this counter (bills paid in full when the room owes, a prepaid top-up
    otherwise), in its own database, each its own unit of work; opens a shift if none is
    open. Returns the receipt numbers. Needs nothing from central (offline)."""
    from sqlalchemy import select

    from app import clock
    from app.context import AppContext
    from app.db.models import Room
    from app.errors import InputError
    from app.services.cashier import shifts
    from app.services.cashier.payments import Counter as Till
    from app.services.cashier.payments import pay_bills, prepay
    from app.services.cashier.tenders import TenderInput
    from app.services.rooms import resolve_room

    room_bills = _room_bills()
    rnd = random.Random(seed)
    ctx = AppContext.open(counter.db, counter.code, "admin", migrate=False)
    till = Till(counter.code, "admin")
    receipts: list[str] = []
    try:
        with ctx.uow() as s:
            term = shifts.users.ensure_terminal(s, counter.code)
            if shifts.current(s, term.id, shifts.users.get_user(s, "admin").id) is None:
                shifts.open_shift(s, counter.code, "admin", 0)
            keys = rooms or sorted(s.scalars(select(Room.room_key)))
        attempts = 0
        while len(receipts) < n:
            attempts += 1
            assert attempts < n * 5 + 50, f"could not take {n} payments ({len(receipts)} taken)"
            key = rnd.choice(keys)
            try:
                with ctx.uow() as s:
                    room = resolve_room(s, key)
                    due = room_bills(s, room.id, as_of=clock.today())
                    total = due["owed_fen"] + due["late_fee_fen"]
                    if total > 0 and rnd.random() < 0.8:
                        r = pay_bills(s, till, key, [TenderInput("cash", total + rnd.randint(0, 3) * 100)])
                    else:
                        r = prepay(s, till, key, [TenderInput("cash", rnd.randint(1, 300) * 100)])
                receipts.append(r["receipt_no"])
            except InputError:  # a room that cannot take this payment (e.g. not handed over)
                continue
    finally:
        ctx.close()
    return receipts


def outbox(counter: Counter) -> list[dict[str, Any]]:
    """The counter's unsent events as the push body carries them (docs/sync.md)."""
    import json

    rows = sql_rows(counter.db, "SELECT event_id, device_seq, event_type, payload FROM sync_outbox ORDER BY device_seq")
    return [{"event_id": e, "device_seq": int(q), "event_type": t, "payload": json.loads(p) if isinstance(p, str) else p}
            for e, q, t, p in rows]


def push(url: str, token: str, terminal: str, events: list[dict[str, Any]], **kw: Any) -> requests.Response:
    """POST /v1/push as a counter would."""
    return requests.post(url + "/v1/push", json={"terminal": terminal, "events": events},
                         headers={"Authorization": f"Bearer {token}"}, timeout=kw.pop("timeout", 60), **kw)


# -- the checks ---------------------------------------------------------------------------

def own_payments(url: str, code: str) -> dict[str, tuple[int, str]]:
    """payment id → (total_fen, receipt_no) of the payments made at terminal `code`."""
    rows = sql_rows(url, "SELECT p.id, p.total_fen, r.receipt_no FROM payment p JOIN terminal t ON t.id = p.terminal_id "
                         "LEFT JOIN receipt r ON r.payment_id = p.id WHERE t.code = :code", code=code)
    return {pid: (int(total), rno) for pid, total, rno in rows}


def allocations_of(url: str, code: str) -> int:
    return int(sql_rows(url, "SELECT count(*) FROM allocation a JOIN payment p ON p.id = a.payment_id "
                             "JOIN terminal t ON t.id = p.terminal_id WHERE t.code = :code", code=code)[0][0])


def issued_events(counter: Counter) -> int:
    rows = sql_rows(counter.db, "SELECT value FROM sync_cursor WHERE name = 'device_seq'")
    return int(rows[0][0]) if rows else 0


def assert_exactly_once(world: World, counter: Counter) -> dict[str, int]:
    """Every event of this counter is on central exactly once: the same payments (ids,
    totals, receipt numbers) on both sides, the same allocations, device_seq 1..N contiguous
    with N the counter's last issued number, nothing pending, the books proven on both sides."""
    status = counter.status()
    assert status["pending"] == 0, status
    mine = own_payments(counter.db, counter.code)
    theirs = own_payments(world.pg_url, counter.code)
    assert theirs == mine, (f"{counter.code}: {len(mine)} payments at the counter, {len(theirs)} on central; "
                            f"missing {len(set(mine) - set(theirs))}, extra {len(set(theirs) - set(mine))}")
    # Allocations: never one twice; central may hold fewer than the counter (a line another
    # counter had paid first turns this one's money into prepaid credit, docs/sync.md).
    on_central, at_counter = allocations_of(world.pg_url, counter.code), allocations_of(counter.db, counter.code)
    assert on_central <= at_counter, f"{counter.code}: {on_central} allocations on central, {at_counter} at the counter"
    twice = world.central_sql("SELECT a.payment_id, a.bill_line_id FROM allocation a JOIN payment p ON p.id = a.payment_id "
                              "JOIN terminal t ON t.id = p.terminal_id WHERE t.code = :c "
                              "GROUP BY a.payment_id, a.bill_line_id HAVING count(*) > 1", c=counter.code)
    assert not twice, f"{counter.code}: allocations stored twice on central: {twice[:5]}"
    seqs = [int(q) for (q,) in world.central_sql(
        "SELECT device_seq FROM sync_event WHERE terminal_code = :c ORDER BY device_seq", c=counter.code)]
    n = issued_events(counter)
    assert seqs == list(range(1, n + 1)), f"{counter.code}: central has {len(seqs)} events, counter issued {n}"
    assert_ledger_ok(world.pg_url)
    assert_ledger_ok(counter.db, counter.code)
    return {"payments": len(mine), "events": n}


def assert_ledger_ok(db: str, terminal: str | None = None) -> None:
    """`ledger check` passes (exit 0); otherwise the failed checks with their offenders."""
    import json

    proc = P.run(db, "ledger", "check", "--json", terminal=terminal, expect=None)
    if proc.returncode != 0:
        try:
            bad = [c for c in json.loads(proc.stdout)["checks"] if not c["ok"]]
        except (ValueError, KeyError):
            bad = [proc.stdout[-2000:], proc.stderr[-2000:]]
        raise AssertionError(f"ledger check failed on {db} (exit {proc.returncode}): "
                             f"{json.dumps(bad, ensure_ascii=False, default=str)[:3000]}")
    assert json.loads(proc.stdout)["ok"] is True


def counts(world: World) -> dict[str, int]:
    """Rows that any stored request leaves behind on central (for 'nothing stored')."""
    return {t: int(world.central_sql(f"SELECT count(*) FROM {t}")[0][0])
            for t in ("sync_event", "sync_conflict", "payment", "receipt", "exception_case")}


# -- kill -9 at random points (the tests run a small count, tests/bench/bench_sync_kills.py the full one) --

def _push_records(world: World) -> list[Any]:
    return [r for r in list(world.proxy.stats.records)
            if r.method == "POST" and r.path.startswith("/v1/push") and r.forwarded]


def _pushes_forwarded(st: Any) -> int:
    return st.count(method="POST", path_prefix="/v1/push", forwarded=True)


def counter_kills(world: World, counter: Counter, kills: int, seed: int, *, max_payments: int = 8) -> dict[str, int]:
    """`sync run` of this counter killed -9 `kills` times at seeded random points: some at a
    random moment after start (while starting, pushing, pulling or backing off), some just
    after a push reached central (inside the batch). New payments are taken between kills,
    so every round has something to push. Returns how the kills fell."""
    import time

    rnd = random.Random(seed)
    out = {"kills": 0, "after_push_forwarded": 0, "at_random_time": 0, "payments": 0}
    for i in range(kills):
        n = rnd.randint(0, max_payments)
        out["payments"] += len(take_payments(counter, n, seed=seed * 7919 + i))
        before = _pushes_forwarded(world.proxy.stats)
        loop = world.procs.sync_loop(counter.db, counter.code)
        if n > 0 and rnd.random() < 0.5:
            world.proxy.wait_for(lambda st: _pushes_forwarded(st) > before, timeout=120)
            time.sleep(rnd.uniform(0, 0.05))  # a kill point inside the batch's round trip
            out["after_push_forwarded"] += 1
        else:
            time.sleep(rnd.uniform(0, 4.0))  # a kill point anywhere in the loop's life
            out["at_random_time"] += 1
        loop.kill9()
        out["kills"] += 1
    return out


def central_kills(world: World, counter: Counter, kills: int, seed: int, *, payments: int = 150) -> dict[str, int]:
    """Central killed -9 `kills` times while it works on a batch: each round the counter takes
    `payments` payments with central down, central starts, the counter's `sync run --once`
    pushes, and central is killed a seeded moment after the push reached it. Returns how many
    kills fell before central answered (inside the batch)."""
    import time

    rnd = random.Random(seed)
    out = {"kills": 0, "inside_batch": 0, "payments": 0}
    for i in range(kills):
        if world.central is not None and world.central.alive():
            world.kill_central()
        out["payments"] += len(take_payments(counter, payments, seed=seed * 104729 + i))
        world.start_central()
        before = _pushes_forwarded(world.proxy.stats)
        seen = {r.n for r in _push_records(world)}
        pusher = world.procs.sync_loop(counter.db, counter.code,
                                       argv=P.propdesk_argv(counter.db, "sync", "run", "--once", terminal=counter.code))
        assert world.proxy.wait_for(lambda st: _pushes_forwarded(st) > before, timeout=120), pusher.log_tail()
        time.sleep(rnd.uniform(0, 0.05))
        world.kill_central()
        out["kills"] += 1
        new = [r for r in _push_records(world) if r.n not in seen]
        out["inside_batch"] += any(r.upstream_status is None or r.upstream_status >= 500 for r in new)
        pusher.wait(timeout=300)  # it fails on the lost connection (or finished first)
    world.start_central()
    return out
