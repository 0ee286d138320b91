"""The bill run writes chunk by chunk: a run interrupted inside its k-th chunk leaves whole
rooms only (lines, ledger and all), and running it again writes exactly the rest — the
same lines and totals as a run that was never interrupted. Also: who may run it, and the
`bills` command refuses an unknown user."""

from __future__ import annotations

import json
import os
from collections import Counter as Tally
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.context import AppContext
from app.db.models import AuditEvent, BillLine, BillRun, FeeItem, LedgerTxn, Room
from app.errors import NotFound, PermissionDenied
from app.services import users
from app.services.billing import ahead as ahead_module
from app.services.billing import bill_run as bill_run_module
from app.services.billing.bill_run import bill_run
from app.services.ledger_check import full_check
from tests.conftest import _counter, _ready_context
from tests.support.builders import World

TIERS = [{"up_to": "10", "unit_price": "3"}, {"up_to": None, "unit_price": "4.5"}]
ROOMS = 23  # with chunks of 5 rooms: 5 chunks, the last one short


def build(ctx: AppContext, more: "Callable[[World], None] | None" = None) -> None:
    with ctx.uow() as s:
        w = World(s)
        if more is not None:
            more(w)
        for i in range(ROOMS):
            key = f"{i % 3 + 1}-{i + 101}"
            w.room(key, f"{60 + i * 7}.5{i % 10}")
            if i % 4:  # most rooms have a water meter
                w.meter(f"W{i}", "water", key)
                w.reading(f"W{i}", "2026-09", "100")
                w.reading(f"W{i}", "2026-10", str(100 + i * 3))
        w.fee("PM", "area", "1.85")
        w.fee("GARB", "fixed", "12")
        w.fee("WATER", "usage", tiers=TIERS, tier_period="month", meter_kind="water")
        w.meter("PUB", "electricity", None, multiplier="20")
        w.reading("PUB", "2026-09", "0")
        w.reading("PUB", "2026-10", "77")
        w.fee("PUBE", "apportioned", "0.61", apportion={"meter_no": "PUB", "by": "area", "scope": "community"})


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_ctx(request, tmp_path) -> Iterator[tuple[AppContext, AppContext]]:  # type: ignore[no-untyped-def]
    """Two fresh databases of the same kind: one for the interrupted run, one for the reference."""
    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"]
    else:
        server = request.getfixturevalue("pg")
        urls = [server.create_database(f"t{os.getpid()}_{next(_counter)}") for _ in range(2)]
    ctxs = [_ready_context(u) for u in urls]
    yield ctxs[0], ctxs[1]
    for c in ctxs:
        c.close()


def _lines(ctx: AppContext) -> list[tuple]:
    """Every bill line as data that does not depend on the database's own ids."""
    with ctx.uow() as s:
        rows = s.execute(select(Room.room_key, BillLine.fee_item_id, BillLine.period, BillLine.amount_fen,
                                BillLine.quantity, BillLine.detail, BillLine.due_date)
                         .join(Room, Room.id == BillLine.room_id)).all()
        codes = dict(s.execute(select(FeeItem.id, FeeItem.code)).all())
    return sorted((r[0], codes[r[1]], r[2], r[3], str(r[4]), json.dumps(r[5], sort_keys=True), r[6]) for r in rows)


@pytest.fixture(params=["child", "thread"])
def computing(request, monkeypatch):  # type: ignore[no-untyped-def]
    """Both ways the lines are computed ahead of the writer (app/services/billing/ahead.py):
    in a forked child, and on a helper thread. Yields the number of children forked."""
    forks = []
    real_fork = ahead_module.os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(ahead_module, "COMPUTE_IN_CHILD", request.param == "child")
    monkeypatch.setattr(ahead_module.os, "fork", counting_fork)
    yield request.param, forks


@pytest.mark.parametrize("k", [1, 3, 5])
def test_interrupted_run_leaves_whole_rooms_and_completes_on_rerun(two_ctx, monkeypatch, computing, k):
    broken, reference = two_ctx
    monkeypatch.setattr(bill_run_module, "SQLITE_MAX_OPEN_ROOMS", 5)  # a commit after every chunk
    build(broken)
    build(reference)
    with reference.uow() as s:
        whole = bill_run(s, "2026-10", user="admin", chunk_rooms=5)
    assert whole["lines"] > 0 and whole["missing_readings"] == 0

    real_post = bill_run_module.post_chunk
    chunks_seen = []

    def post_then_fail_in_chunk_k(s, lines, **kw):  # type: ignore[no-untyped-def]
        chunks_seen.append(len(lines))
        real_post(s, lines, **kw)  # the k-th chunk's lines and postings are written…
        if len(chunks_seen) == k:
            raise RuntimeError("the machine went down inside chunk k")  # …and then lost

    monkeypatch.setattr(bill_run_module, "post_chunk", post_then_fail_in_chunk_k)
    with pytest.raises(RuntimeError):
        with broken.uow() as s:
            bill_run(s, "2026-10", user="admin", chunk_rooms=5)
    monkeypatch.setattr(bill_run_module, "post_chunk", real_post)

    # Whole rooms only: the k-1 committed chunks of 5 rooms, each room with every line the
    # uninterrupted run gave it, and books that agree with the lines.
    partial, full = _lines(broken), _lines(reference)
    per_room = Tally(r[0] for r in full)
    got_per_room = Tally(r[0] for r in partial)
    assert len(got_per_room) == 5 * (k - 1)
    assert all(n == per_room[room] for room, n in got_per_room.items())
    assert set(partial) <= set(full)
    with broken.uow() as s:
        assert full_check(s)["ok"], full_check(s)["problems"]
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "bill_run")) == 0

    with broken.uow() as s:
        rest = bill_run(s, "2026-10", user="admin", chunk_rooms=5)
    assert rest["skipped_existing"] == len(partial)
    assert rest["lines"] == whole["lines"] - len(partial)
    assert _lines(broken) == full
    with broken.uow() as s:
        assert full_check(s)["ok"], full_check(s)["problems"]
        assert s.scalar(select(func.sum(BillLine.amount_fen))) == whole["total_fen"]
        assert s.scalar(select(func.count()).select_from(BillRun)) == (2 if k > 1 else 1)  # chunk 1 also records the run
    with broken.uow() as s:
        again = bill_run(s, "2026-10", user="admin", chunk_rooms=5)
    assert again["lines"] == 0 and again["skipped_existing"] == whole["lines"]
    mode, forks = computing
    assert bool(forks) == (mode == "child")


def test_chunks_share_a_transaction_until_a_counter_waits(tmp_path, monkeypatch, computing):
    """On SQLite, while nobody waits, chunks follow each other in one transaction (a commit
    writes every page the chunks dirtied: fewer commits, less written): an interruption then
    takes back every chunk since the last commit — still whole rooms only — and a re-run
    writes the rest. A counter that waited makes the run commit after the chunk it waited for."""
    from app.db import engine as engine_module

    ref = _ready_context(f"sqlite:///{tmp_path / 'ref.db'}")
    build(ref)
    with ref.uow() as s:
        whole = bill_run(s, "2026-10", user="admin", chunk_rooms=5)
    full = _lines(ref)
    ref.close()

    db = tmp_path / "run.db"
    ctx = _ready_context(f"sqlite:///{db}")
    build(ctx)
    real_post = bill_run_module.post_chunk
    seen: list[int] = []

    def counter_waits_in_chunk_2_machine_fails_in_chunk_4(s, lines, **kw):  # type: ignore[no-untyped-def]
        seen.append(len(lines))
        real_post(s, lines, **kw)
        if len(seen) == 2:
            engine_module.mark_waiting(str(db))  # a counter's BEGIN found the database taken
        if len(seen) == 4:
            raise RuntimeError("the machine went down inside chunk 4")

    monkeypatch.setattr(bill_run_module, "post_chunk", counter_waits_in_chunk_2_machine_fails_in_chunk_4)
    with pytest.raises(RuntimeError):
        with ctx.uow() as s:
            bill_run(s, "2026-10", user="admin", chunk_rooms=5)
    monkeypatch.setattr(bill_run_module, "post_chunk", real_post)
    partial = _lines(ctx)
    # chunks 1 and 2 were committed together once the counter had waited; chunk 3 and 4 shared
    # the transaction the failure took back
    assert len({r[0] for r in partial}) == 10 and set(partial) <= set(full)
    with ctx.uow() as s:
        assert full_check(s)["ok"]
        assert s.scalar(select(BillRun.lines)) == 0  # the interrupted run's row: unfinished
        assert s.scalar(select(BillRun.report))["unfinished"] is True
    with ctx.uow() as s:
        rest = bill_run(s, "2026-10", user="admin", chunk_rooms=5)
    assert rest["lines"] == whole["lines"] - len(partial)
    assert _lines(ctx) == full
    with ctx.uow() as s:
        assert full_check(s)["ok"]
    ctx.close()


def test_chunk_size_changes_nothing_but_the_transactions(two_ctx):
    one_by_one, all_at_once = two_ctx
    build(one_by_one)
    build(all_at_once)
    with one_by_one.uow() as s:
        a = bill_run(s, "2026-10", user="admin", chunk_rooms=1)
    with all_at_once.uow() as s:
        b = bill_run(s, "2026-10", user="admin", chunk_rooms=1000)
    for key in ("period", "lines", "total_fen", "skipped_existing", "by_fee_item", "missing_readings"):
        assert a[key] == b[key], key
    assert _lines(one_by_one) == _lines(all_at_once)
    with one_by_one.uow() as s:
        # one ledger transaction per chunk of rooms with new lines
        assert s.scalar(select(func.count()).select_from(LedgerTxn).where(LedgerTxn.ref_type == "bill_run")) == ROOMS
        assert full_check(s)["ok"]


def test_bill_run_checks_its_user_itself(any_ctx):
    with any_ctx.uow() as s:
        build_world = World(s)
        build_world.room("1-101", "100")
        build_world.fee("PM", "area", "2")
        users.ensure_user(s, "cashier1", "cashier")
    with pytest.raises(PermissionDenied):
        with any_ctx.uow() as s:
            bill_run(s, "2026-10", user="cashier1")
    with pytest.raises(NotFound):
        with any_ctx.uow() as s:
            bill_run(s, "2026-10", user="nobody")
    with pytest.raises(PermissionDenied):
        with any_ctx.uow() as s:
            bill_run(s, "2026-10", user="cashier1", dry_run=True)
    with any_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(BillLine)) == 0
        assert s.scalar(select(func.count()).select_from(BillRun)) == 0


def test_cli_bills_refuses_an_unknown_user(sqlite_url, capsys):
    assert main(["--db", sqlite_url, "init"]) == 0
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100")
        w.fee("PM", "area", "2")
        bill_run(s, "2026-10", user="admin")
    ctx.close()
    capsys.readouterr()
    assert main(["--db", sqlite_url, "--user", "admin", "bills", "--room", "1-101", "--json"]) == 0
    capsys.readouterr()
    assert main(["--db", sqlite_url, "--user", "nobody", "bills", "--room", "1-101", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "nobody" in err


def test_a_second_run_writing_meanwhile_is_a_conflict_and_changes_nothing(any_ctx, monkeypatch, computing):
    """Two managers start the same period's run at once, and the other one writes its lines
    after this one began. Computing on a helper thread, this run read what existed before:
    it finds its lines written since, says so (Conflict) and writes nothing. Computing in a
    forked child, the child reads what exists when it starts — after the other run wrote —
    so this run finds every line there and writes none (an empty run, like any re-run).
    Either way nothing is billed twice."""
    from app.errors import Conflict
    from app.services.billing.bill_run import _Writer

    build(any_ctx)
    real_write = _Writer.write
    others: list[dict] = []

    def the_other_run_writes_first(self, *, preview):  # type: ignore[no-untyped-def]
        if not others:
            other = AppContext.open(any_ctx.settings.db_url, migrate=False)
            others.append({})
            with other.uow() as s2:
                others[0] = bill_run(s2, "2026-10", user="admin")
            other.close()
        return real_write(self, preview=preview)

    monkeypatch.setattr(_Writer, "write", the_other_run_writes_first)
    mode, forks = computing
    if mode == "thread":
        with pytest.raises(Conflict) as e:
            with any_ctx.uow() as s:
                bill_run(s, "2026-10", user="admin", chunk_rooms=5)
        assert e.value.code == "billing.run_overlap" and "2026-10" in e.value.text("en")
    else:
        with any_ctx.uow() as s:
            mine = bill_run(s, "2026-10", user="admin", chunk_rooms=5)
        assert forks and mine["lines"] == 0 and mine["skipped_existing"] == others[0]["lines"]
    with any_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(BillLine)) == others[0]["lines"]
        assert s.scalar(select(func.count()).select_from(BillRun)) == (1 if mode == "thread" else 2)
        assert full_check(s)["ok"]


def test_bill_run_takes_its_time_from_the_clock_module(any_ctx, monkeypatch):
    """Lines, the run and its deductions are stamped by app.clock (patched here), never by
    the PC's own clock (issue 10: the clock seam)."""
    from datetime import datetime, timezone

    from app import clock

    moment = datetime(2026, 11, 3, 1, 30, tzinfo=timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: moment)
    build(any_ctx)
    with any_ctx.uow() as s:
        bill_run(s, "2026-10", user="admin")
    with any_ctx.uow() as s:
        assert set(s.scalars(select(BillLine.created_at))) == {moment}
        assert s.scalar(select(BillRun.created_at)) == moment


def test_the_run_pauses_between_chunks_only_when_a_counter_waited(tmp_path, monkeypatch):
    """SQLite's lock has no queue: a writer kept waiting touches a marker beside the database
    (app.db.engine.mark_waiting), and the run pauses after a chunk only when one did."""
    from app.db import engine as engine_module

    url = f"sqlite:///{tmp_path / 'run.db'}"
    ctx = _ready_context(url)
    build(ctx)
    pauses: list[float] = []
    monkeypatch.setattr(bill_run_module.time, "sleep", pauses.append)
    with ctx.uow() as s:
        quiet = bill_run(s, "2026-10", user="admin", chunk_rooms=5)
    assert quiet["lines"] > 0 and pauses == []  # nobody waited: five chunks back to back

    db = str(tmp_path / "run.db")
    real_post = bill_run_module.post_chunk

    def post_while_a_counter_waits(s, lines, **kw):  # type: ignore[no-untyped-def]
        real_post(s, lines, **kw)
        engine_module.mark_waiting(db)  # what a counter's BEGIN does while this chunk holds the lock

    monkeypatch.setattr(bill_run_module, "post_chunk", post_while_a_counter_waits)
    with ctx.uow() as s:
        busy = bill_run(s, "2026-11", user="admin", chunk_rooms=5)
    assert busy["lines"] > 0 and pauses == [bill_run_module.SQLITE_YIELD_S] * 4  # after each chunk but the last
    ctx.close()


def test_a_writer_kept_waiting_marks_the_database(tmp_path):
    import threading

    import time

    from app.db.engine import waited_since, waiting_marker

    url = f"sqlite:///{tmp_path / 'w.db'}"
    ctx = _ready_context(url)
    db = str(tmp_path / "w.db")
    since = time.time_ns()
    assert not waited_since(db, since) and not waiting_marker(db).exists()
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with ctx.uow() as s:
            s.execute(select(func.count()).select_from(Room))
            s.connection()  # BEGIN IMMEDIATE: the write lock is held from here
            holding.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(60)
    waiter_done = threading.Event()

    def wait_for_the_lock() -> None:
        with ctx.uow() as s:
            s.connection()
        waiter_done.set()

    waiter = threading.Thread(target=wait_for_the_lock)
    waiter.start()
    marked = False
    for _ in range(6000):  # until the waiter has tried once (each try is 2 ms apart)
        if waited_since(db, since):
            marked = True
            break
        waiter.join(0.01)
    release.set()
    holder.join(60)
    waiter.join(60)
    assert marked and waiter_done.is_set()
    ctx.close()


def test_lines_handed_over_in_files_go_in_whole_once_and_the_files_go_away(tmp_path, monkeypatch, computing):
    """SQLite, lines computed in the child: each chunk comes as a file the writer copies with
    INSERT … SELECT (app/services/billing/chunk_files.py). The run writes exactly the lines of
    a run that never saw a file; the files and their folder are gone afterwards, after a
    failed run too; copying a chunk twice is a duplicate key, as inserting it twice would be."""
    from sqlalchemy.exc import IntegrityError

    from app.services.billing import chunk_files

    made: list[str] = []

    def folder_in_tmp() -> str:
        made.append(str(tmp_path / f"files-{len(made)}"))
        os.mkdir(made[-1])
        return made[-1]

    monkeypatch.setattr(chunk_files, "folder", folder_in_tmp)
    ref = _ready_context(f"sqlite:///{tmp_path / 'ref.db'}")
    build(ref)
    with ref.uow() as s:
        whole = bill_run(s, "2026-10", user="admin", chunk_rooms=1000)  # one chunk: no file
    ctx = _ready_context(f"sqlite:///{tmp_path / 'run.db'}")
    build(ctx)
    with ctx.uow() as s:
        mine = bill_run(s, "2026-10", user="admin", chunk_rooms=4)
    mode, _ = computing
    assert len(made) == (1 if mode == "child" else 0)
    assert mine["lines"] == whole["lines"] and mine["total_fen"] == whole["total_fen"]
    assert _lines(ctx) == _lines(ref)
    assert all(not os.path.exists(f) for f in made)
    with ctx.uow() as s:
        assert full_check(s)["ok"]

    # the same chunk copied twice
    rows = [(f"00000000-0000-5000-8000-{i:012d}", *r[1:]) for i, r in enumerate(_some_rows(ctx))]
    where = folder_in_tmp()
    chunk = chunk_files.write(where, 0, rows)
    assert chunk.count == len(rows) and sorted(chunk_files.line_ids(chunk)) == sorted(r[0] for r in rows)
    attached = chunk_files.Attached()
    with pytest.raises(IntegrityError):
        with ctx.uow() as s:
            attached.copy(s.connection(), chunk, "2026-11-01 00:00:00")
            attached.copy(s.connection(), chunk, "2026-11-01 00:00:00")
    attached.release()
    chunk_files.remove(where)
    assert _lines(ctx) == _lines(ref) and not os.path.exists(where)
    ctx.close()
    ref.close()


def _some_rows(ctx: AppContext) -> list[tuple]:
    with ctx.engine.connect() as c:
        return [tuple(r) for r in c.exec_driver_sql(
            f"SELECT {', '.join(bill_run_module.chunk_files.COLUMNS)} FROM bill_line LIMIT 7")]


@pytest.mark.parametrize("postings, why", [
    ([("p1", "t1", "INC:nope", -100), ("p2", "t1", "INC:nope2", 100)], "have no account"),
    ([("p1", "t1", "X", -100), ("p2", "t1", "Y", 99)], "does not balance"),
])
def test_prepared_postings_refused_unless_balanced_and_every_account_exists(tmp_path, postings, why):
    """ledger.post_prepared (a bill run child's postings, copied by account code) checks what
    ledger.post checks: a transaction sums to zero, and no posting is lost for want of its
    account. Refused, it writes nothing."""
    import sqlite3

    from app.db.models import Posting
    from app.services import ledger

    ctx = _ready_context(f"sqlite:///{tmp_path / 'l.db'}")
    side = tmp_path / "side.db"
    c = sqlite3.connect(side)
    c.execute("CREATE TABLE posting (id, txn_id, code, fen)")
    c.executemany("INSERT INTO posting VALUES (?, ?, ?, ?)", postings)
    c.commit()
    c.close()
    with ctx.uow() as s:
        ledger.ensure_accounts(s, ["X", "Y"])
    with pytest.raises(ledger.LedgerImbalance, match=why):
        with ctx.uow() as s:
            s.connection().exec_driver_sql("ATTACH DATABASE ? AS side", (str(side),))
            ledger.post_prepared(s, "bill", "t1", "side.posting", 2)
    with ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(Posting)) == 0
        assert s.scalar(select(func.count()).select_from(LedgerTxn)) == 0
    ctx.close()


@pytest.mark.parametrize("computing", [ahead_module.Computing(helpers=1), ahead_module.Computing(helpers=1, files=False),
                                       ahead_module.Computing(files=False)], ids=["helper", "helper-rows", "rows"])
def test_ways_of_computing_in_the_child_change_nothing(tmp_path, monkeypatch, computing):
    """How the child computes and hands over (ahead.Computing; the demo's runs send rows, and
    on three cores or more have a helper compute the odd chunks): the lines, totals, missing
    readings (a room's, and a public meter's noted once, not once per process) and problems
    are those of a run computed in one piece; a second run skips every line, counted over
    every process; with a helper, two processes did compute."""
    def gaps(w: World) -> None:
        for key, meter in (("1-901", "W-gap"), ("3-911", "W-gap2")):  # water meters not read this month
            w.room(key, "50.00")
            w.meter(meter, "water", key)
            w.reading(meter, "2026-09", "5")
        w.meter("PUB2", "electricity", None)
        w.reading("PUB2", "2026-09", "0")  # the public meter of PUBX was not read this month either
        w.fee("PUBX", "apportioned", "0.5", apportion={"meter_no": "PUB2", "by": "area", "scope": "community"})
        w.fee("NOPRICE", "fixed", None)  # a fee item that cannot be billed: a problem

    real_compute = bill_run_module._Computation.compute
    pids = tmp_path / "pids"

    def noting_compute(self, rooms):  # type: ignore[no-untyped-def]
        with open(pids, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real_compute(self, rooms)

    monkeypatch.setattr(ahead_module, "COMPUTE_IN_CHILD", True)
    ref = _ready_context(f"sqlite:///{tmp_path / 'ref.db'}")
    build(ref, gaps)
    with ref.uow() as s:
        whole = bill_run(s, "2026-10", user="admin", chunk_rooms=1000)  # one chunk: computed in-process
    monkeypatch.setattr(bill_run_module._Computation, "compute", noting_compute)
    ctx = _ready_context(f"sqlite:///{tmp_path / 'run.db'}")
    build(ctx, gaps)
    with ctx.uow() as s:
        mine = bill_run(s, "2026-10", user="admin", chunk_rooms=3, open_rooms=10**6, computing=computing)
    computed_by = [int(x) for x in pids.read_text().split()]
    assert len(computed_by) == -(-(ROOMS + 2) // 3) and os.getpid() not in computed_by
    assert len(set(computed_by)) == 1 + computing.helpers
    assert whole["missing_readings"] == 3 and whole["problems"]
    for key in ("lines", "total_fen", "skipped_existing", "by_fee_item", "missing_readings", "flagged_readings",
                "missing", "problems"):
        assert mine[key] == whole[key], key
    assert _lines(ctx) == _lines(ref)
    with ctx.uow() as s:
        assert full_check(s)["ok"]
        again = bill_run(s, "2026-10", user="admin", chunk_rooms=3, open_rooms=10**6, computing=computing)
    assert again["lines"] == 0 and again["skipped_existing"] == whole["lines"]
    ctx.close()
    ref.close()


def test_a_failing_helper_fails_the_run_and_changes_nothing(tmp_path, monkeypatch):
    """The helper's failure reaches the writer like the child's: the run stops, its open
    transaction rolled back — no line, no run, no posting."""
    monkeypatch.setattr(ahead_module, "COMPUTE_IN_CHILD", True)
    ctx = _ready_context(f"sqlite:///{tmp_path / 'run.db'}")
    build(ctx)
    real_compute = bill_run_module._Computation.compute
    parent = os.getpid()

    def failing_in_the_helper(self, rooms):  # type: ignore[no-untyped-def]
        if os.getpid() != parent and os.getppid() != parent:  # the child's child: the helper
            raise RuntimeError("the helper broke")
        return real_compute(self, rooms)

    monkeypatch.setattr(bill_run_module._Computation, "compute", failing_in_the_helper)
    with pytest.raises(ahead_module.ChildFailed, match="the helper broke"):
        with ctx.uow() as s:
            bill_run(s, "2026-10", user="admin", chunk_rooms=3, open_rooms=10**6,
                     computing=ahead_module.Computing(helpers=1))
    with ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(BillLine)) == 0
        assert s.scalar(select(func.count()).select_from(BillRun)) == 0
        assert s.scalar(select(func.count()).select_from(LedgerTxn).where(LedgerTxn.ref_type == "bill_run")) == 0
    ctx.close()
