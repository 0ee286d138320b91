"""A bill run never makes a counter payment fail (issue 9 item 4).

A bill run over a few thousand rooms runs in a thread on its own connection while the
counter pays, one payment after another, on another: every payment succeeds, the books
balance, and the run's result is exactly that of a run nobody disturbed. Between two chunks
the run waits until a payment has gone through, so payments and chunks interleave on every
machine, however loaded (no sleeps, no timing). Also: when SQLite stays locked past the
busy timeout, the error is `db.busy`, never a raw driver error.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from app import clock
from app.context import AppContext
from app.db import engine as engine_module
from app.db.models import BillLine, FeeItem, Room
from app.errors import AppError
from app.services import users
from app.services.billing.bill_run import _Writer, bill_run
from app.services.receivables.bills import room_lines
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, pay_bills, prepay
from app.services.cashier.tenders import TenderInput
from app.services.ledger_check import full_check
from app.services.rooms import resolve_room
from tests.bench.bench_bill_run import PERIOD, build
from tests.bench.bench_pay_during_bill_run import (COUNTER_COMMUNITY, PAYER_TERMINAL, PAYER_USER,
                                                    build_counter_community)
from tests.conftest import _counter, _ready_context

ROOMS = 2000
COUNTER_ROOMS = 12
RESULT_KEYS = ("period", "lines", "total_fen", "skipped_existing", "by_fee_item", "missing_readings", "problems")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_urls(request, tmp_path) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'busy.db'}", f"sqlite:///{tmp_path / 'quiet.db'}"
    else:
        server = request.getfixturevalue("pg")
        yield tuple(server.create_database(f"t{os.getpid()}_{next(_counter)}") for _ in range(2))  # type: ignore[misc]


def _setup(url: str) -> AppContext:
    ctx = _ready_context(url)
    build(ctx, ROOMS)
    build_counter_community(ctx, COUNTER_ROOMS)
    return ctx


def _period_lines(ctx: AppContext) -> list[tuple]:
    with ctx.uow() as s:
        rows = s.execute(select(Room.room_key, FeeItem.code, BillLine.amount_fen, BillLine.detail)
                         .join(Room, Room.id == BillLine.room_id).join(FeeItem, FeeItem.id == BillLine.fee_item_id)
                         .where(BillLine.period == PERIOD)).all()
    return sorted((k, c, a, repr(sorted(d.items()))) for k, c, a, d in rows)


def _pay_once(ctx: AppContext, c: Counter, key: str) -> None:
    """What a cashier does: the room's oldest open line in cash, or a top-up if it owes nothing."""
    with ctx.uow() as s:
        room = resolve_room(s, key)
        open_lines = [v for v in room_lines(s, room.id, as_of=clock.today()) if v.outstanding_fen > 0]
        if open_lines:
            v = open_lines[0]
            pay_bills(s, c, key, [TenderInput("cash", v.outstanding_fen + v.late_fee_fen)], line_ids=[v.id])
        else:
            prepay(s, c, key, [TenderInput("cash", 5000)])


def test_payments_during_a_bill_run_all_succeed(two_urls, monkeypatch):
    busy_url, quiet_url = two_urls
    quiet = _setup(quiet_url)
    with quiet.uow() as s:
        reference = bill_run(s, PERIOD, user="bench", chunk_rooms=250)
    reference_lines = _period_lines(quiet)
    quiet.close()

    counter_ctx = _setup(busy_url)
    c = Counter(PAYER_TERMINAL, PAYER_USER)
    with counter_ctx.uow() as s:
        shifts.open_shift(s, PAYER_TERMINAL, PAYER_USER, 0)
    keys = [f"{COUNTER_COMMUNITY}/9-{i + 101}" for i in range(COUNTER_ROOMS)]

    # Between two chunks the run waits (outside any transaction) for one more payment.
    cond = threading.Condition()
    state = {"paid": 0, "seen": 0, "gaps": 0}
    real_between = _Writer._between_chunks

    def between_chunks_after_a_payment(self):  # type: ignore[no-untyped-def]
        real_between(self)
        with cond:
            if not cond.wait_for(lambda: state["paid"] > state["seen"], timeout=300):
                raise AssertionError("no payment went through between two chunks")
            state["seen"] = state["paid"]
            state["gaps"] += 1

    monkeypatch.setattr(_Writer, "_between_chunks", between_chunks_after_a_payment)
    # A commit after every chunk (the payer waits for each anyway: this makes it certain).
    monkeypatch.setattr("app.services.billing.bill_run.SQLITE_MAX_OPEN_ROOMS", 250)
    outcome: dict = {}

    def run() -> None:
        run_ctx = AppContext.open(busy_url, migrate=False)  # its own engine: its own connections
        try:
            with run_ctx.uow() as s:
                outcome["result"] = bill_run(s, PERIOD, user="bench", chunk_rooms=250)
        except BaseException as e:  # noqa: BLE001 — re-raised in the test's thread
            outcome["error"] = e
        finally:
            run_ctx.close()

    runner = threading.Thread(target=run)
    runner.start()
    failures: list[BaseException] = []
    made = 0
    while runner.is_alive():
        try:
            _pay_once(counter_ctx, c, keys[made % len(keys)])
        except Exception as e:  # noqa: BLE001 — every failed payment is counted and shown
            failures.append(e)
        made += 1
        with cond:
            state["paid"] += 1
            cond.notify_all()
    runner.join()
    if "error" in outcome:
        raise outcome["error"]
    assert failures == [], [str(e) for e in failures[:3]]
    result = outcome["result"]
    assert state["gaps"] >= 8 and made >= state["gaps"]  # 2,012 rooms in chunks of 250: 9 chunks
    for key in RESULT_KEYS:
        assert result[key] == reference[key], key
    assert _period_lines(counter_ctx) == reference_lines
    with counter_ctx.uow() as s:
        check = full_check(s)
    counter_ctx.close()
    assert check["ok"], check["problems"][:5]


def test_sqlite_locked_past_the_busy_timeout_is_db_busy(ctx, monkeypatch):
    """Another connection holds the write lock for longer than the busy timeout: the
    waiting unit of work fails with the message code db.busy (exit 1, nothing written),
    both when it waits to begin and when a statement inside it waits."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    path = ctx.settings.db_url.removeprefix("sqlite:///")
    other = AppContext.open(ctx.settings.db_url, migrate=False)  # connects with the short timeout
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(AppError) as e:
            with other.uow() as s:
                users.ensure_terminal(s, "T9")
        assert e.value.code == "db.busy" and e.value.exit_status == 1
        # A transaction that began as a read and then writes waits in the statement itself.
        with pytest.raises(AppError) as e2:
            with other.uow() as s:
                s.connection(execution_options={engine_module.READ_ONLY: True})
                s.execute(text("SELECT 1"))
                s.execute(text("INSERT INTO terminal (id, code, name, hmac_key, created_at) "
                               "VALUES ('x', 'T9', 'x', 'x', '2026-01-01 00:00:00')"))
        assert e2.value.code == "db.busy"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with other.uow() as s:
        assert s.scalar(text("SELECT count(*) FROM terminal WHERE code = 'T9'")) == 0
    other.close()


@pytest.mark.postgres
def test_postgres_payment_commits_while_a_chunk_holding_its_room_is_open(pg_url, monkeypatch):
    """On PostgreSQL a chunk holds row locks only: a payment for a room whose new lines
    the open chunk has just written commits without waiting for the chunk."""
    from app.services.billing import bill_run as bill_run_module

    ctx = _setup_counter_only(pg_url)
    c = Counter(PAYER_TERMINAL, PAYER_USER)
    with ctx.uow() as s:
        shifts.open_shift(s, PAYER_TERMINAL, PAYER_USER, 0)
    chunk_open, paid = threading.Event(), threading.Event()
    real_post = bill_run_module.post_chunk

    def post_then_hold(s, lines, **kw):  # type: ignore[no-untyped-def]
        real_post(s, lines, **kw)
        chunk_open.set()
        if not paid.wait(timeout=120):  # the payment is blocked behind this chunk
            raise AssertionError("the payment waited for the open chunk")

    monkeypatch.setattr(bill_run_module, "post_chunk", post_then_hold)
    outcome: dict = {}

    def run() -> None:
        run_ctx = AppContext.open(pg_url, migrate=False)
        try:
            with run_ctx.uow() as s:
                outcome["result"] = bill_run(s, "2026-10", user="bench", community=COUNTER_COMMUNITY)
        except BaseException as e:  # noqa: BLE001
            outcome["error"] = e
        finally:
            run_ctx.close()

    runner = threading.Thread(target=run)
    runner.start()
    assert chunk_open.wait(timeout=120)
    key = f"{COUNTER_COMMUNITY}/9-101"
    _pay_once(ctx, c, key)  # the oldest line of a room in the open chunk
    with ctx.uow() as s:
        prepay(s, c, key, [TenderInput("cash", 700)])
    paid.set()
    runner.join()
    if "error" in outcome:
        raise outcome["error"]
    assert outcome["result"]["lines"] == COUNTER_ROOMS
    with ctx.uow() as s:
        check = full_check(s)
    ctx.close()
    assert check["ok"], check["problems"][:5]


def _setup_counter_only(url: str) -> AppContext:
    ctx = _ready_context(url)
    build_counter_community(ctx, COUNTER_ROOMS)
    return ctx
