"""Counter events applied on another database (docs/sync.md, issue 11): every event is
self-contained, so replaying a counter's outbox on a database that holds only the same
master data and bills re-creates its payments, receipts, tenders, allocations, deposits,
one-off lines, voids, shifts and waivers with the same ids, and the books check there.

Business conflicts: two counters paying one line offline (one allocation stands, the rest is
prepaid credit plus an exception), a payment into a closed shift or day (applied plus an
exception), and events this database cannot take (EventRejected, nothing written)."""

from __future__ import annotations

import json
import os
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app import clock
from app.db.models import (Allocation, BillAdjustment, BillLine, CashCount, DayClose, Deposit, ExceptionCase, Payment,
                           Receipt, ReceiptSequence, ReceiptVoid, Shift, SyncOutbox, Tender, Terminal)
from app.services import ledger, users
from app.services.billing.bill_run import bill_run
from app.services.receivables.bills import room_bills
from app.services.billing.waivers import waive_late_fee
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, charge_one_off, collect_deposit, pay_bills, prepay
from app.services.cashier.tenders import parse_tender
from app.services.cashier.voids import void_receipt
from app.services.ledger_check import full_check
from app.sync_events import EventRejected, apply_event, build_payload
from app.sync_rows import dump_rows, upsert_rows
from tests.conftest import _counter, _ready_context
from tests.support.builders import World

DAY = date(2026, 12, 20)
LATE = {"daily_rate": "0.0003", "grace_days": 0, "cap_ratio": "1"}
# What a join snapshot carries: master data, bills and their postings (never users/terminals:
# users are matched by name, the sender's terminal is created by the applier).
SNAPSHOT = ("community", "building", "room", "party", "occupancy", "fee_item", "tariff_version", "bill_run",
            "bill_line", "ledger_account", "ledger_txn", "posting")


def T(*specs: str):  # type: ignore[no-untyped-def]
    return [parse_tender(x) for x in specs]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def make_db(request, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A factory of fresh, initialised databases of one kind (admin user and terminal T1)."""
    monkeypatch.setattr(clock, "today", lambda: DAY)
    made = []

    def make(name: str):  # type: ignore[no-untyped-def]
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / (name + '.db')}"
        else:
            url = request.getfixturevalue("pg").create_database(f"t{os.getpid()}_{next(_counter)}")
        ctx = _ready_context(url)
        with ctx.uow() as s:
            users.ensure_user(s, "c1", "cashier", "王收银", password="x")
        made.append(ctx)
        return ctx

    yield make
    for c in made:
        c.close()


def _world(ctx) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        w = World(s)
        w.room("1-1-101", "100.00", owner="张三", phone="13800001234")
        w.room("1-1-102", "80.00")
        w.room("1-1-103", "90.00")
        w.fee("PM", "area", "2", name="物业服务费", late_fee=LATE)
        w.fee("GARB", "fixed", "10", name="垃圾费")
        w.fee("ZX", "one_off", None, name="装修垃圾清运费", usages=["residential"])
        for p in ("2026-10", "2026-11"):
            bill_run(s, p, user="admin")
        return {k: r.id for k, r in w.rooms.items()}


def _copy_snapshot(src, dst) -> None:  # type: ignore[no-untyped-def]
    """Master data and bills from src to dst, table by table, through JSON (as a join does)."""
    with src.uow() as s:
        rows = {t: json.loads(json.dumps(dump_rows(s, t))) for t in SNAPSHOT}
    with dst.uow() as s:
        for t in SNAPSHOT:
            upsert_rows(s, t, rows[t])


def _events(ctx) -> list[tuple[str, str, dict]]:  # type: ignore[no-untyped-def]
    """The outbox in device_seq order, through JSON as the wire carries it."""
    with ctx.uow() as s:
        return [(o.event_type, o.entity_id, json.loads(json.dumps(o.payload)))
                for o in s.scalars(select(SyncOutbox).order_by(SyncOutbox.device_seq))]


def _apply_all(ctx, events, terminal: str) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        for event_type, _, payload in events:
            apply_event(s, event_type, payload, origin_terminal=terminal)


def _rows(ctx, table: str, drop=("terminal_id", "user_id")) -> list[dict]:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return sorted(({k: v for k, v in r.items() if k not in drop} for r in dump_rows(s, table)),
                      key=lambda r: json.dumps(r, sort_keys=True, default=str))


def _balances(ctx, prefix: str = "") -> dict[str, int]:  # type: ignore[no-untyped-def]
    from app.db.models import LedgerAccount

    with ctx.uow() as s:
        codes = list(s.scalars(select(LedgerAccount.code).where(LedgerAccount.code.like(f"{prefix}%"))))
        return {c: v for c, v in ledger.balances(s, codes).items() if v}


def _ok(ctx) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        r = full_check(s)
    assert r["ok"], r["problems"]


def test_every_counter_fact_is_recreated_with_the_same_ids(make_db):
    a, b = make_db("a"), make_db("b")
    rooms = _world(a)
    _copy_snapshot(a, b)
    c = Counter("T1", "c1")
    with a.uow() as s:
        shifts.open_shift(s, "T1", "c1", 20000)
        pay_bills(s, c, "1-1-101", T("pos=300:123456789012/000001/000002", "cash=200"))
        prepay(s, c, "1-1-102", T("transfer=500:BANK-778899"))
        pay_bills(s, c, "1-1-102", T("prepaid=341.92"))
        collect_deposit(s, c, "1-1-101", "装修押金", T("cash=1000"))
        charge_one_off(s, c, "1-1-101", "ZX", 30000, "装修垃圾清运", T("wechat=300:4200001234202611241234567890"))
        voided = charge_one_off(s, c, "1-1-103", "ZX", 5000, "清运一车", T("cash=50"))
        line = next(v for v in room_bills(s, rooms["1-1-103"], as_of=DAY)["lines"] if v.fee_code == "PM")
        waive_late_fee(s, line.id, "业主困难", user="admin", terminal="T1")
    with a.uow() as s:
        void_receipt(s, c, voided["receipt_no"], "金额录错")
    with a.uow() as s:
        shifts.close_shift(s, "T1", "c1", {10000: 12, 5000: 1, 10: 4})
    _ok(a)
    events = _events(a)
    assert [e[0] for e in events] == ["shift_open", "payment", "payment", "payment", "payment", "payment", "payment",
                                      "waiver", "void", "shift_close"]
    assert all(p["v"] == 1 for _, _, p in events)

    _apply_all(b, events, "T1")

    for table in ("payment", "receipt", "tender", "allocation", "deposit", "receipt_void", "cash_count",
                  "bill_adjustment", "bill_line"):
        assert _rows(b, table) == _rows(a, table), table
    assert _rows(b, "shift") == _rows(a, "shift")
    assert _balances(b) == _balances(a)  # the same ledger, account by account (TND:*:T1, AR, PRE, DEP, INC, LATE)
    with a.uow() as s:
        a_txns = set(s.scalars(select(ledger.LedgerTxn.id)))
    with b.uow() as s:
        assert a_txns <= set(s.scalars(select(ledger.LedgerTxn.id)))  # payment, one-off, void txns keep their ids
        t1 = s.scalar(select(Terminal).where(Terminal.code == "T1"))
        assert {r.terminal_id for r in s.scalars(select(Receipt))} == {t1.id}
        assert s.scalar(select(ExceptionCase.id)) is None
    _ok(b)


def test_payload_is_rebuilt_from_the_database_alike(make_db):
    """The builder reads the rows: rebuilding a queued event later gives the same payload
    (what a schema upgrade relies on)."""
    a = make_db("a")
    _world(a)
    with a.uow() as s:
        shifts.open_shift(s, "T1", "c1", 0)
        collect_deposit(s, Counter("T1", "c1"), "1-1-101", "门禁卡押金", T("cash=50"))
    for event_type, entity_id, payload in _events(a):
        with a.uow() as s:
            assert json.loads(json.dumps(build_payload(s, event_type, entity_id))) == payload
    payment = _events(a)[1][2]
    assert payment["deposit"]["purpose"] == "门禁卡押金" and payment["deposit"]["amount_fen"] == 5000
    assert payment["receipt"]["receipt_no"] == "T1-20261220-0001" and payment["tenders"][0]["received_fen"] == 5000


def _two_counters(make_db):  # type: ignore[no-untyped-def]
    """A1 (terminal T1) and A2 (terminal T2) with the same master data and bills; B likewise."""
    a1, a2, b = make_db("a1"), make_db("a2"), make_db("b")
    rooms = _world(a1)
    _copy_snapshot(a1, a2)
    _copy_snapshot(a1, b)
    for ctx, term in ((a1, "T1"), (a2, "T2")):
        with ctx.uow() as s:
            shifts.open_shift(s, term, "c1", 0)
    return a1, a2, b, rooms


def test_same_line_paid_at_two_offline_counters(make_db):
    a1, a2, b, rooms = _two_counters(make_db)
    with a1.uow() as s:
        r1 = pay_bills(s, Counter("T1", "c1"), "1-1-101", T("cash=500"))
    with a2.uow() as s:
        r2 = pay_bills(s, Counter("T2", "c1"), "1-1-101", T("cash=500"))
        other = pay_bills(s, Counter("T2", "c1"), "1-1-102", T("cash=400"))  # no conflict: applies normally
    assert r1["total_fen"] == r2["total_fen"] == 42240

    _apply_all(b, _events(a1), "T1")
    _apply_all(b, _events(a2), "T2")

    room = rooms["1-1-101"]
    with b.uow() as s:
        allocs = s.scalars(select(Allocation).join(BillLine, BillLine.id == Allocation.bill_line_id)
                           .where(BillLine.room_id == room)).all()
        assert {a.payment_id for a in allocs} == {r1["payment_id"]}  # the first allocation stands
        assert s.get(Payment, r2["payment_id"]).total_fen == 42240  # the late payment is kept, whole
        assert -ledger.balance(s, f"PRE:{room}") == 42240  # … as prepaid credit on the room
        assert ledger.balance(s, f"AR:{room}") == 0
        assert ledger.balance(s, "TND:cash:T2") == 42240 + other["total_fen"]
        case = s.scalar(select(ExceptionCase).where(ExceptionCase.kind == "double_payment"))
        assert case.ref_id == r2["payment_id"] and case.detail["amount_fen"] == 42240
        assert case.detail["room"] == "1-1-101" and set(case.detail["payments"]) == {r1["payment_id"], r2["payment_id"]}
        assert s.scalar(select(ExceptionCase).where(ExceptionCase.kind != "double_payment")) is None
        credited = [v for v in room_bills(s, room, as_of=DAY, include_paid=True)["lines"] if v.status == "credited"]
        assert sum(v.amount_fen for v in credited) == -42240
        assert len(s.scalars(select(Allocation).where(Allocation.payment_id == other["payment_id"])).all()) == 4
    _ok(b)

    # A2 voids its receipt later: the credit is taken back with it, the books still balance
    with a2.uow() as s:
        void_receipt(s, Counter("T2", "c1"), r2["receipt_no"], "重复收费")
    _apply_all(b, _events(a2)[-1:], "T2")
    with b.uow() as s:
        assert s.scalar(select(ReceiptVoid.id).join(Receipt, Receipt.id == ReceiptVoid.receipt_id)
                        .where(Receipt.receipt_no == r2["receipt_no"]))
        assert ledger.balance(s, f"PRE:{room}") == 0 and ledger.balance(s, f"AR:{room}") == 0
    _ok(b)


def test_partly_paid_line_keeps_what_still_fits(make_db):
    """A2 pays one line that B has meanwhile had paid: only that line's part is credited."""
    a1, a2, b, rooms = _two_counters(make_db)
    with a1.uow() as s:
        lines = room_bills(s, rooms["1-1-102"], as_of=DAY)["lines"]
        garb = [v.id for v in lines if v.fee_code == "GARB"]
        pay_bills(s, Counter("T1", "c1"), "1-1-102", T("cash=20"), line_ids=garb[:1])
    with a2.uow() as s:
        r2 = pay_bills(s, Counter("T2", "c1"), "1-1-102", T("cash=20"), line_ids=garb)
    _apply_all(b, _events(a1), "T1")
    _apply_all(b, _events(a2), "T2")
    with b.uow() as s:
        kept = s.scalars(select(Allocation).where(Allocation.payment_id == r2["payment_id"])).all()
        assert [a.bill_line_id for a in kept] == [garb[1]]
        assert -ledger.balance(s, f"PRE:{rooms['1-1-102']}") == 1000
        case = s.scalar(select(ExceptionCase).where(ExceptionCase.kind == "double_payment"))
        assert case.detail["amount_fen"] == 1000 and case.detail["lines"] == [garb[0]]
    _ok(b)


@pytest.mark.parametrize("closed_by", ["shift", "day"])
def test_payment_into_a_closed_shift_or_day_is_applied_and_flagged(make_db, closed_by):
    a, b = make_db("a"), make_db("b")
    _world(a)
    _copy_snapshot(a, b)
    with a.uow() as s:
        shifts.open_shift(s, "T1", "c1", 0)
        r = prepay(s, Counter("T1", "c1"), "1-1-101", T("cash=100"))
    events = _events(a)
    _apply_all(b, events[:1], "T1")  # the shift_open
    with b.uow() as s:  # central closes the shift (or the day) before the payment arrives
        t1 = s.scalar(select(Terminal).where(Terminal.code == "T1"))
        if closed_by == "shift":
            s.get(Shift, events[0][2]["shift_id"]).closed_at = datetime(2026, 12, 20, 10, tzinfo=timezone.utc)
        else:
            s.add(DayClose(terminal_id=t1.id, day=DAY, totals={}, closed_by="admin"))
    _apply_all(b, events[1:], "T1")
    with b.uow() as s:
        assert s.get(Payment, r["payment_id"]) is not None  # applied, never refused
        case = s.scalar(select(ExceptionCase).where(ExceptionCase.kind == "late_event"))
        assert case.ref_id == r["payment_id"]
        assert case.detail["reason"] == ("shift_closed" if closed_by == "shift" else "day_closed")
    _ok(b)


def test_payment_before_its_shift_open_creates_the_shift(make_db):
    """A database that receives a payment of a shift it has not seen (a pull started
    mid-shift) records the shift from the payment; the shift's own close completes it."""
    a, b = make_db("a"), make_db("b")
    _world(a)
    _copy_snapshot(a, b)
    with a.uow() as s:
        shift = shifts.open_shift(s, "T1", "c1", 3000)
        prepay(s, Counter("T1", "c1"), "1-1-101", T("cash=100"))
    with a.uow() as s:
        shifts.close_shift(s, "T1", "c1", {10000: 1, 1000: 3})
    events = _events(a)
    _apply_all(b, events[1:], "T1")  # without the shift_open
    assert _rows(b, "shift") == _rows(a, "shift")
    with b.uow() as s:
        assert s.get(Shift, shift.id).float_fen == 3000
        assert len(s.scalars(select(CashCount).where(CashCount.shift_id == shift.id)).all()) == 2
    _ok(b)


def _one_payment(make_db):  # type: ignore[no-untyped-def]
    a, b = make_db("a"), make_db("b")
    _world(a)
    _copy_snapshot(a, b)
    with a.uow() as s:
        shifts.open_shift(s, "T1", "c1", 0)
        pay_bills(s, Counter("T1", "c1"), "1-1-101", T("cash=500"))
    return a, b, _events(a)


def _reject(b, event_type: str, payload: dict) -> EventRejected:  # type: ignore[no-untyped-def]
    with b.uow() as s:
        with pytest.raises(EventRejected) as e:
            apply_event(s, event_type, payload, origin_terminal="T1")
        assert s.scalar(select(Payment.id)) is None  # nothing of the event stayed
        assert s.scalar(select(Shift.id)) is None
    return e.value


def test_unknown_room_user_line_are_rejected_and_write_nothing(make_db):
    a, b, events = _one_payment(make_db)
    payment = events[1][2]
    e = _reject(b, "payment", {**payment, "room_id": "no-such-room"})
    assert e.code == "sync.unknown_room" and "1-1-101" in e.text("zh") and "1-1-101" in e.text("en")
    assert _reject(b, "payment", {**payment, "user": "ghost"}).code == "sync.unknown_user"
    with b.uow() as s:  # T2 cannot push T1's receipts
        with pytest.raises(EventRejected) as e:
            apply_event(s, "payment", payment, origin_terminal="T2")
    assert e.value.code == "sync.terminal_mismatch"
    bad_line = {**payment, "allocations": [{**payment["allocations"][0], "bill_line_id": "gone"}]}
    assert _reject(b, "payment", bad_line).code == "sync.unknown_line"
    assert _reject(b, "payment", {k: v for k, v in payment.items() if k != "v"}).code == "sync.payload_incomplete"
    assert _reject(b, "payment", {**payment, "v": 99}).code == "sync.unknown_event_version"
    assert _reject(b, "refund_everything", payment).code == "sync.unknown_event_type"
    no_total = {k: v for k, v in payment.items() if k != "total_fen"}
    assert _reject(b, "payment", no_total).code == "sync.payload_incomplete"
    assert _reject(b, "void", {"v": 1, "id": "x", "receipt_id": "r", "receipt_no": "T1-20261220-0009",
                               "reason": "x", "created_at": "2026-12-20T02:00:00+00:00"}).code == "sync.unknown_receipt"
    # the rejected ones left nothing behind: the real events still apply in order
    _apply_all(b, events, "T1")
    _ok(b)


def test_receipt_number_of_another_payment_is_rejected(make_db):
    a, b, events = _one_payment(make_db)
    _apply_all(b, events, "T1")
    payment = events[1][2]
    clash = {**payment, "id": "other-payment", "txn_id": None,
             "tenders": [{**t, "id": t["id"] + "x"} for t in payment["tenders"]],
             "allocations": []}
    with b.uow() as s:
        with pytest.raises(EventRejected) as e:
            apply_event(s, "payment", clash, origin_terminal="T1")
    assert e.value.code == "sync.receipt_taken"


def test_ids_that_clash_are_rejected_and_the_batch_goes_on(make_db):
    """A payload whose row ids already exist here for something else (a forged or corrupted
    event): rejected, nothing of it kept, and the same transaction applies the next event."""
    a, b, events = _one_payment(make_db)
    payment = events[1][2]
    receipt = {**payment["receipt"], "id": "r-other", "receipt_no": "T1-20261220-0002", "seq": 2}
    clash = {**payment, "id": "p-other", "txn_id": None, "receipt": receipt, "allocations": []}
    with b.uow() as s:
        apply_event(s, *events[0][::2], origin_terminal="T1")
        apply_event(s, "payment", payment, origin_terminal="T1")
        with pytest.raises(EventRejected) as e:
            apply_event(s, "payment", clash, origin_terminal="T1")  # its tender ids are taken
        assert e.value.code == "sync.ids_clash"
        assert s.get(Payment, "p-other") is None and s.get(Payment, payment["id"]) is not None
        top_up = {**payment, "id": "p-3", "kind": "prepay", "txn_id": None, "allocations": [],
                  "receipt": {**receipt, "id": "r-3"}, "tenders": [{**payment["tenders"][0], "id": "t-3"}]}
        apply_event(s, "payment", top_up, origin_terminal="T1")
    _ok(b)


def test_a_repeated_event_changes_nothing(make_db):
    """Exactly-once is the caller's job, but an event a snapshot already carried is harmless."""
    a, b, events = _one_payment(make_db)
    _apply_all(b, events, "T1")
    _apply_all(b, events, "T1")
    assert _rows(b, "allocation") == _rows(a, "allocation")
    _ok(b)


def test_waiver_from_two_counters_keeps_the_first(make_db):
    a1, a2, b, rooms = _two_counters(make_db)
    for ctx, term in ((a1, "T1"), (a2, "T2")):
        with ctx.uow() as s:
            line = next(v for v in room_bills(s, rooms["1-1-101"], as_of=DAY)["lines"] if v.fee_code == "PM")
            waive_late_fee(s, line.id, f"{term} 减免", user="admin", terminal=term)
    _apply_all(b, _events(a1), "T1")
    _apply_all(b, _events(a2), "T2")
    with b.uow() as s:
        assert [adj.reason for adj in s.scalars(select(BillAdjustment))] == ["T1 减免"]
    _ok(b)


def test_deposit_and_one_off_rows_on_the_receiver(make_db):
    a, b = make_db("a"), make_db("b")
    rooms = _world(a)
    _copy_snapshot(a, b)
    with a.uow() as s:
        shifts.open_shift(s, "T1", "c1", 0)
        d = collect_deposit(s, Counter("T1", "c1"), "1-1-102", "装修押金", T("cash=2000"))
        o = charge_one_off(s, Counter("T1", "c1"), "1-1-102", "ZX", 8800, "清运两车", T("cash=88"))
    _apply_all(b, _events(a), "T1")
    with b.uow() as s:
        dep = s.scalar(select(Deposit).where(Deposit.payment_id == d["payment_id"]))
        assert dep.purpose == "装修押金" and dep.amount_fen == 200000
        assert -ledger.balance(s, f"DEP:{rooms['1-1-102']}") == 200000
        line = s.scalar(select(BillLine).where(BillLine.kind == "one_off"))
        alloc = s.scalar(select(Allocation).where(Allocation.payment_id == o["payment_id"]))
        assert alloc.bill_line_id == line.id and line.amount_fen == 8800 and line.note == "清运两车"
        assert s.scalar(select(Tender.received_fen).where(Tender.payment_id == o["payment_id"])) == 8800
    _ok(b)


def test_receipt_numbers_continue_without_collision(make_db):
    """B takes its own payment after applying T1's: B's terminal numbers its own receipts,
    T1's sequence on B is raised to T1's last number, and the numbers check gapless."""
    a, b, events = _one_payment(make_db)
    _apply_all(b, events, "T1")
    with b.uow() as s:
        users.ensure_terminal(s, "T9")
        shifts.open_shift(s, "T9", "c1", 0)
        r = pay_bills(s, Counter("T9", "c1"), "1-1-102", T("cash=500"))
    assert r["receipt_no"] == "T9-20261220-0001"
    with b.uow() as s:
        t1 = s.scalar(select(Terminal.id).where(Terminal.code == "T1"))
        assert s.scalar(select(ReceiptSequence.last_seq).where(ReceiptSequence.terminal_id == t1)) == 1
    _ok(b)


def test_prepaid_spent_that_this_database_never_got_is_flagged(make_db):
    """The top-up reached another database only (here: its event is not applied): the spend
    is applied anyway — a fact — and flagged for the manager."""
    a, b = make_db("a"), make_db("b")
    rooms = _world(a)
    _copy_snapshot(a, b)
    with a.uow() as s:
        shifts.open_shift(s, "T1", "c1", 0)
        top_up = prepay(s, Counter("T1", "c1"), "1-1-102", T("cash=500"))
        spend = pay_bills(s, Counter("T1", "c1"), "1-1-102", T("prepaid=341.92"))
    events = [e for e in _events(a) if e[1] != top_up["payment_id"]]
    _apply_all(b, events, "T1")
    with b.uow() as s:
        assert s.get(Payment, spend["payment_id"]) is not None
        case = s.scalar(select(ExceptionCase).where(ExceptionCase.kind == "prepaid_negative"))
        assert case.ref_id == spend["payment_id"] and case.detail["amount_fen"] == -34192
        assert case.detail["room_id"] == rooms["1-1-102"]


def test_void_into_a_closed_shift_is_applied_and_flagged(make_db):
    a, b, events = _one_payment(make_db)
    with a.uow() as s:
        receipt_no = s.scalar(select(Receipt.receipt_no))
        void_receipt(s, Counter("T1", "c1"), receipt_no, "收错房号")
    events = _events(a)
    _apply_all(b, events[:2], "T1")
    with b.uow() as s:  # central closed the shift before the void arrived
        s.get(Shift, events[0][2]["shift_id"]).closed_at = datetime(2026, 12, 20, 10, tzinfo=timezone.utc)
    _apply_all(b, events[2:], "T1")
    with b.uow() as s:
        assert s.scalar(select(ReceiptVoid.reason)) == "收错房号"
        case = s.scalar(select(ExceptionCase).where(ExceptionCase.kind == "late_event"))
        assert case.ref_type == "receipt_void" and case.detail["receipt_no"] == receipt_no
    _ok(b)
