"""Kill the counter process (SIGKILL) again and again during a stream of payments, voids and
shift changes, on SQLite and on PostgreSQL (there the killed process is the database's
client: its open transaction must leave nothing behind), and prove after every kill that
everything the counter reported as committed is in the database, and nothing it had not
committed is; and after all kills that the database is intact, the ledger balances and
agrees with the facts, every bill line is paid at most once, receipt numbers and outbox
sequence numbers have no gaps and no duplicates.

Kills are decided by the progress the child reports (tests/support/pay_stream.py), never by
the clock, so a loaded machine changes only how long the test takes. Half the kills are
made to land inside a transaction whose writes were all flushed (the child waits there);
the others land wherever the child happens to be after it reported k more commits.
"""

from __future__ import annotations

import os
import random
import select as select_mod
import signal
import subprocess
import sys
from collections import Counter as Tally
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text

from app.context import AppContext
from app.db.models import Allocation, BillLine, Payment, Receipt, ReceiptVoid, Shift, SyncOutbox
from app.services.billing.bill_run import bill_run
from app.services.cashier import shifts
from app.services.ledger_check import full_check
from tests.support.builders import World
from tests.support.pay_stream import ROOM_KEYS

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("PROPDESK_KILLS", "12"))
TERMINALS = ("T1", "T2")
HANG_GUARD_S = 300  # only so a wedged child fails the test instead of hanging it; never a pass criterion


def _setup(url: str) -> None:
    ctx = AppContext.open(url)
    from app.services import users

    with ctx.uow() as s:
        users.ensure_user(s, "admin", "admin", "管理员")
        w = World(s)
        for i, key in enumerate(ROOM_KEYS, start=1):
            w.room(key, f"{50 + i}.5")
        w.fee("PM", "area", "2.35", late_fee={"daily_rate": "0.0005", "grace_days": 0, "cap_ratio": "1"})
        w.fee("GARB", "fixed", "12.5")
        for p in ("2026-07", "2026-08", "2026-09", "2026-10"):
            bill_run(s, p, user="admin")
        for t in TERMINALS:
            users.ensure_terminal(s, t)
            shifts.open_shift(s, t, "admin", 10000)
    ctx.close()


@dataclass
class Reported:
    """What the children said was committed, and the kill tally."""

    pays: set[str] = field(default_factory=set)
    voids: set[str] = field(default_factory=set)
    closes: set[str] = field(default_factory=set)
    opens: set[str] = field(default_factory=set)
    # committed by a unit of work that was killed before it could report (allowed: the
    # cashier never saw it), found by comparing the database with the reports
    unreported: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    kills: Tally = field(default_factory=Tally)

    def add(self, kind: str, what: str) -> None:
        {"pay": self.pays, "void": self.voids, "close": self.closes, "open": self.opens}[kind].add(what)


@dataclass
class DbState:
    receipts: set[str]
    voids: set[str]
    closed: set[str]
    shifts: set[str]

    @classmethod
    def read(cls, ctx: AppContext) -> "DbState":
        with ctx.uow() as s:
            return cls(set(s.scalars(select(Receipt.receipt_no))),
                       set(s.scalars(select(Receipt.receipt_no).join(ReceiptVoid, ReceiptVoid.receipt_id == Receipt.id))),
                       set(s.scalars(select(Shift.id).where(Shift.closed_at.is_not(None)))),
                       set(s.scalars(select(Shift.id))))


def _lines(proc: subprocess.Popen) -> "iter[list[str]]":  # type: ignore[name-defined]
    """The child's report lines, split, as they come."""
    while True:
        ready, _, _ = select_mod.select([proc.stdout], [], [], HANG_GUARD_S)
        assert ready, f"the stream reported nothing for {HANG_GUARD_S} s"
        raw = proc.stdout.readline()
        if not raw:
            proc.wait()
            raise AssertionError(f"the stream ended by itself (exit {proc.returncode}): "
                                 f"{proc.stderr.read().decode(errors='replace')[-3000:]}")
        yield raw.decode().split()


def _run_round(url: str, i: int, rnd: random.Random, rep: Reported, ctx: AppContext) -> None:
    terminal = TERMINALS[i % len(TERMINALS)]
    inside = i % 2 == 0
    stop_at = rnd.randint(1, 8) if inside else 0
    k = rnd.randint(1, 8)  # free kills: after k more reported commits…
    trigger = rnd.choice("CB")  # …at that commit, or when the next unit of work begins
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.support.pay_stream", url, str(1000 + i), terminal,
                             str(stop_at)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: list[list[str]] = []
    commits = 0
    try:
        for words in _lines(proc):
            seen.append(words)
            if words[0] == "W":
                break
            if words[0] == "C":
                commits += 1
            if not inside and commits >= k and words[0] == trigger:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    # whatever the child wrote before it died is still in the pipe
    seen += [raw.decode().split() for raw in proc.stdout.read().splitlines() if raw.strip()]
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    for words in seen:
        if words[0] == "C":
            rep.add(words[2], words[3])
    db = DbState.read(ctx)
    # everything reported committed is there
    assert rep.pays <= db.receipts, f"round {i}: reported receipts lost: {sorted(rep.pays - db.receipts)}"
    assert rep.voids <= db.voids, f"round {i}: reported voids lost: {sorted(rep.voids - db.voids)}"
    assert rep.closes <= db.closed, f"round {i}: reported shift closes lost"
    assert rep.opens <= db.shifts, f"round {i}: reported shift opens lost"
    extra = {"pay": db.receipts - rep.pays - rep.unreported["pay"],
             "void": db.voids - rep.voids - rep.unreported["void"],
             "close": db.closed - rep.closes - rep.unreported["close"],
             "open": db.shifts - rep.opens - rep.unreported["open"]}
    last = seen[-1]
    if last[0] == "W":  # killed inside a flushed, uncommitted transaction: none of it may remain
        kind, what = last[2], last[3]
        assert not any(extra.values()), f"round {i}: an uncommitted unit of work left {extra}"
        present = {"pay": db.receipts, "void": db.voids, "close": db.closed, "open": db.shifts}[kind]
        assert what not in present, f"round {i}: the killed transaction's {kind} {what} is in the database"
        rep.kills["inside a transaction, after its writes"] += 1
    elif last[0] == "B":  # killed in flight: either it committed (and could not say so) or nothing remains
        found = {kind: ids for kind, ids in extra.items() if ids}
        assert sum(len(ids) for ids in found.values()) <= 1, \
            f"round {i}: more than one unit of work committed unreported: {found}"
        if found:
            for kind, ids in found.items():
                rep.unreported[kind] |= ids
            rep.kills["after a commit, before its report"] += 1
        else:
            rep.kills["in flight (after its begin marker, nothing committed)"] += 1
    else:
        assert not any(extra.values()), f"round {i}: unreported changes after a clean stop: {extra}"
        rep.kills["between units of work"] += 1


def test_sigkill_during_counter_work_loses_and_duplicates_nothing(any_db_url):
    _setup(any_db_url)
    ctx = AppContext.open(any_db_url, migrate=False)
    rnd = random.Random(20261124)
    rep = Reported()
    rep.opens |= DbState.read(ctx).shifts  # the shifts _setup opened
    try:
        for i in range(KILLS):
            _run_round(any_db_url, i, rnd, rep, ctx)
        _check_all(ctx, rep)
    finally:
        ctx.close()
    inside = (rep.kills["inside a transaction, after its writes"]
              + rep.kills["in flight (after its begin marker, nothing committed)"])
    print(f"\n{ctx.engine.dialect.name}: {KILLS} kills, {inside} inside a transaction; {dict(rep.kills)}; "
          f"{len(rep.pays)} receipts, {len(rep.voids)} voids, {len(rep.closes)} shift closes reported")
    assert rep.kills["inside a transaction, after its writes"] == (KILLS + 1) // 2
    if KILLS >= 12:  # the seeded streams are long enough to cover every kind of unit of work
        assert rep.voids and rep.closes, "the stream must cover voids and shift closes"


def _check_all(ctx: AppContext, rep: Reported) -> None:
    if ctx.engine.dialect.name == "sqlite":
        with ctx.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    with ctx.uow() as s:
        payments = s.scalar(select(func.count()).select_from(Payment))
        assert payments == len(rep.pays | rep.unreported["pay"])
        check = full_check(s)
        assert check["ok"], check["problems"]
        # every line paid at most once (by payments that were not voided) and never overpaid
        voided = select(Receipt.payment_id).join(ReceiptVoid, ReceiptVoid.receipt_id == Receipt.id)
        per_line = s.execute(select(Allocation.bill_line_id, func.count(), func.sum(Allocation.principal_fen))
                             .where(Allocation.payment_id.not_in(voided)).group_by(Allocation.bill_line_id)).all()
        amounts = dict(s.execute(select(BillLine.id, BillLine.amount_fen)).all())
        for line_id, n, principal in per_line:
            assert n == 1 and principal == amounts[line_id], (line_id, n, principal)
        # receipts: one per payment, numbers unique, sequences gapless from 1 per terminal and day
        receipts = s.execute(select(Receipt.receipt_no, Receipt.terminal_id, Receipt.day, Receipt.seq)).all()
        assert len(receipts) == payments == len({r.receipt_no for r in receipts})
        by_day = defaultdict(list)
        for r in receipts:
            by_day[(r.terminal_id, r.day)].append(r.seq)
            assert r.receipt_no.endswith(f"-{r.day:%Y%m%d}-{r.seq:04d}")
        assert len(by_day) >= len(TERMINALS)
        for seqs in by_day.values():
            assert sorted(seqs) == list(range(1, len(seqs) + 1))
        # outbox: one event per fact, device_seq gapless
        seqs = sorted(s.scalars(select(SyncOutbox.device_seq)))
        assert seqs == list(range(1, len(seqs) + 1))
        events = dict(s.execute(select(SyncOutbox.event_type, func.count()).group_by(SyncOutbox.event_type)).all())
        assert events.get("payment", 0) == payments
        assert events.get("void", 0) == s.scalar(select(func.count()).select_from(ReceiptVoid))
        assert events.get("shift_close", 0) == s.scalar(select(func.count()).select_from(Shift)
                                                        .where(Shift.closed_at.is_not(None)))
        assert events.get("shift_open", 0) == s.scalar(select(func.count()).select_from(Shift))
