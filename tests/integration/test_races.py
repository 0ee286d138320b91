"""Three counters at the same moment: money stays right on SQLite and PostgreSQL.

Each counter (three of them) is a thread with its own engine (its own connection, as a second PC would
have). A `threading.Barrier` releases them together on one target per round:

- `line`: every counter pays the same bill line → one wins, the others get
  Conflict pay.line_taken;
- `prepaid`: every counter spends the room's whole prepaid balance on a one-off charge →
  one wins, the others get Conflict pay.prepaid_short (never a negative balance);
- `void`: every counter voids the same receipt → one wins, the others get
  Conflict void.already_void;
- `deposit`: every counter takes a deposit for the same room → all win, the deposit
  ledger holds all of them;
- `newday`: the business day moves on and every counter pays a different room on the same
  terminal (the GUI and the command line of one PC) → all win, and the day's receipt numbers
  start at 1 with no gap although all of them wanted the day's first number.

Afterwards no line is paid beyond its amount, no prepaid balance is below zero and
`ledger check` passes. The rounds are drawn from a seeded generator.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from app import clock
from app.context import AppContext
from app.db.models import Allocation, BillLine, LedgerAccount, Posting
from app.errors import Conflict
from app.services import users
from app.services.billing.bill_run import bill_run
from app.services.receivables.bills import room_lines
from app.services.cashier import shifts
from app.services.cashier.payments import (Counter, charge_one_off, collect_deposit, pay_bills, prepaid_balance,
                                           prepay)
from app.services.cashier.tenders import TenderInput
from app.services.cashier.voids import void_receipt
from app.services.ledger_check import full_check
from app.services.rooms import resolve_room
from app.services.voided import not_voided
from tests.support.builders import World

COUNTERS = 3
# Races per database. SQLite lets one writer in at a time and its busy handler sleeps
# between tries, so its rounds are slower; PostgreSQL (where the lock matters) gets more.
ROUNDS = {"sqlite": 50, "postgresql": 100}
SEED = 20261202
TODAY = date(2026, 12, 20)
LATE = {"daily_rate": "0.0003", "grace_days": 0, "cap_ratio": "1"}
KINDS = ("line", "line", "prepaid", "void", "deposit", "newday")
ROOMS = [f"1-1-{100 + i}" for i in range(1, 7)]
ONE_OFF_FEN = 5000
BUSINESS_DAY = [TODAY]  # moved on by the `newday` rounds


@dataclass
class Round:
    kind: str
    room: str
    target: str | None = None  # the line id / receipt number the counters race for
    targets: list[str] = field(default_factory=list)  # newday: one line per counter
    outcomes: list = field(default_factory=list)  # ("ok", result) | ("conflict", code) | ("error", repr)


def _prepare(url: str) -> None:
    ctx = AppContext.open(url)
    try:
        with ctx.uow() as s:
            users.ensure_user(s, "admin", "admin", "管理员")
            w = World(s)
            for key in ROOMS:
                w.room(key, "100.00")
            w.fee("PM", "area", "0.5", name="物业服务费", late_fee=LATE)
            w.fee("ZX", "one_off", None, name="装修垃圾清运费", usages=["residential"])
            for p in [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 12)]:
                bill_run(s, p, user="admin")
            for k in range(COUNTERS):
                users.ensure_user(s, f"c{k}", "cashier", f"收银员{k}")
                shifts.open_shift(s, f"T{k}", f"c{k}", 0)
                if k:  # a second session on terminal T0, for the `newday` races
                    shifts.open_shift(s, "T0", f"c{k}", 0)
    finally:
        ctx.close()


def _setup_round(ctx: AppContext, rnd: Round) -> None:
    """Runs alone (the barrier's action) before the counters are let go."""
    c0 = Counter("T0", "c0")
    with ctx.uow() as s:
        if rnd.kind == "line":
            rnd.target = room_lines(s, resolve_room(s, rnd.room).id, as_of=TODAY)[0].id  # 23 lines a room
        elif rnd.kind == "prepaid":
            balance = prepaid_balance(s, resolve_room(s, rnd.room).id)
            if balance < 0:  # an earlier round spent the balance twice: report it, keep racing
                rnd.outcomes.append(("error", f"setup: prepaid balance of {rnd.room} is {balance} fen"))
            if balance < ONE_OFF_FEN:
                prepay(s, c0, rnd.room, [TenderInput("cash", ONE_OFF_FEN - balance)])
        elif rnd.kind == "void":
            rnd.target = prepay(s, c0, rnd.room, [TenderInput("cash", 100)])["receipt_no"]
        elif rnd.kind == "newday":
            BUSINESS_DAY[0] = date.fromordinal(BUSINESS_DAY[0].toordinal() + 1)
            start = ROOMS.index(rnd.room)
            rooms = [ROOMS[(start + k) % len(ROOMS)] for k in range(COUNTERS)]
            rnd.targets = [room_lines(s, resolve_room(s, key).id, as_of=TODAY)[0].id for key in rooms]


def _act(ctx: AppContext, k: int, rnd: Round) -> None:
    c = Counter("T0", "c0") if rnd.kind == "void" else Counter("T0", f"c{k}") if rnd.kind == "newday" else Counter(
        f"T{k}", f"c{k}")
    try:
        with ctx.uow() as s:
            if rnd.kind == "newday":
                start = ROOMS.index(rnd.room)
                r = pay_bills(s, c, ROOMS[(start + k) % len(ROOMS)], [TenderInput("cash", 100000)],
                              line_ids=[rnd.targets[k]])
            elif rnd.kind == "line":
                r = pay_bills(s, c, rnd.room, [TenderInput("cash", 100000)], line_ids=[rnd.target])
            elif rnd.kind == "prepaid":
                r = charge_one_off(s, c, rnd.room, "ZX", ONE_OFF_FEN, f"race {k}",
                                   [TenderInput("prepaid", ONE_OFF_FEN)])
            elif rnd.kind == "void":
                r = void_receipt(s, c, rnd.target, "收错")
            else:
                r = collect_deposit(s, c, rnd.room, "门禁卡押金", [TenderInput("cash", 1000)])
        rnd.outcomes.append(("ok", r))
    except Conflict as e:
        rnd.outcomes.append(("conflict", e.code))
    except Exception as e:  # noqa: BLE001 - anything else is a finding, reported below
        rnd.outcomes.append(("error", f"{type(e).__name__}: {e}"))


def run_races(url: str, rounds: list[Round]) -> None:
    contexts = [AppContext.open(url, migrate=False) for _ in range(COUNTERS)]
    current: list[Round] = []
    it = iter(rounds)

    def next_round() -> None:  # the barrier action: one thread sets the table, then all go
        current[:] = [r for r in [next(it, None)] if r is not None]
        if current:
            try:
                _setup_round(contexts[0], current[0])
            except Exception as e:  # noqa: BLE001 - e.g. a negative balance left by a lost race
                current[0].outcomes.append(("error", f"setup: {type(e).__name__}: {e}"))
                raise

    barrier = threading.Barrier(COUNTERS, action=next_round)

    def counter(k: int) -> None:
        while True:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:  # the round's setup failed: reported below
                return
            if not current:
                return
            _act(contexts[k], k, current[0])

    threads = [threading.Thread(target=counter, args=(k,)) for k in range(COUNTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for c in contexts:
        c.close()
    assert not any(t.is_alive() for t in threads), "a counter hung"


def _doubles(s) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    """Bill lines paid (by payments not voided) beyond their amount."""
    paid = (select(Allocation.bill_line_id, func.sum(Allocation.principal_fen).label("paid"))
            .where(not_voided(Allocation.payment_id)).group_by(Allocation.bill_line_id).subquery())
    return s.execute(select(BillLine.id, BillLine.amount_fen, paid.c.paid)
                     .join(paid, paid.c.bill_line_id == BillLine.id).where(paid.c.paid > BillLine.amount_fen)).all()


def _negative_prepaid(s) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return s.execute(select(LedgerAccount.code, func.sum(Posting.amount_fen))
                     .join(Posting, Posting.account_id == LedgerAccount.id).where(LedgerAccount.code.like("PRE:%"))
                     .group_by(LedgerAccount.code).having(func.sum(Posting.amount_fen) > 0)).all()


def race_summary(url: str, rounds: list[Round]) -> dict:
    """What the races left behind; all zeros (and the ledger ok) is the only good answer."""
    expected_losers = {"line": "pay.line_taken", "prepaid": "pay.prepaid_short", "void": "void.already_void"}
    wrong = []
    for r in rounds:
        wins = sum(1 for o in r.outcomes if o[0] == "ok")
        losers = sorted(o for o in r.outcomes if o[0] != "ok")
        if any(o[0] == "error" for o in r.outcomes):
            ok = False
        elif r.kind in ("deposit", "newday"):
            ok = wins == COUNTERS
        else:
            ok = wins == 1 and losers == [("conflict", expected_losers[r.kind])] * (COUNTERS - 1)
        if not ok:
            wrong.append((r.kind, r.outcomes))
    ctx = AppContext.open(url, migrate=False)
    try:
        with ctx.uow() as s:
            check = full_check(s)
            return {"races": sum(1 for r in rounds if r.outcomes), "wrong_rounds": len(wrong),
                    "lines_paid_twice": len(_doubles(s)), "negative_prepaid": len(_negative_prepaid(s)),
                    "errors": sum(1 for r in rounds for o in r.outcomes if o[0] == "error"),
                    "ledger_ok": check["ok"], "first_wrong": wrong[:2], "ledger_problems": check["problems"][:3]}
    finally:
        ctx.close()


def test_counters_racing_never_pay_twice(any_db_url, monkeypatch):
    BUSINESS_DAY[0] = TODAY
    monkeypatch.setattr(clock, "today", lambda: BUSINESS_DAY[0])
    _prepare(any_db_url)
    rng = random.Random(SEED)
    n = ROUNDS["postgresql" if any_db_url.startswith("postgresql") else "sqlite"]
    rounds = [Round(rng.choice(KINDS), rng.choice(ROOMS)) for _ in range(n)]
    run_races(any_db_url, rounds)
    summary = race_summary(any_db_url, rounds)
    print("race summary:", {k: v for k, v in summary.items() if k not in ("first_wrong", "ledger_problems")})
    assert {k: summary[k] for k in ("races", "wrong_rounds", "lines_paid_twice", "negative_prepaid", "errors",
                                    "ledger_ok")} == {"races": n, "wrong_rounds": 0, "lines_paid_twice": 0,
                                                      "negative_prepaid": 0, "errors": 0, "ledger_ok": True}, summary
