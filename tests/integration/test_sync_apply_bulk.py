"""The push fast path (app/sync_apply/payments_bulk.py): a run of plain payments applied
together writes exactly the rows the one-by-one applier writes, and anything not plain (a
double payment, a closed day, a prepaid tender) makes it decline having written nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db.models import DayClose, Payment, Terminal
from app.services.cashier.payments import Counter, pay_bills, prepay
from app.sync_events import apply_together
from tests.integration.test_sync_apply import (DAY, T, _apply_all, _balances, _copy_snapshot, _events, _ok, _rows,
                                               _two_counters, _world, make_db)  # noqa: F401  (fixture)
from app.services.cashier import shifts

TABLES = ("payment", "receipt", "tender", "allocation", "receipt_sequence", "shift")


def _payments(ctx):  # type: ignore[no-untyped-def]
    c = Counter("T1", "c1")
    with ctx.uow() as s:
        shifts.open_shift(s, "T1", "c1", 0)
        pay_bills(s, c, "1-1-101", T("pos=300:123456789012/000001/000002", "cash=200"))
        prepay(s, c, "1-1-102", T("transfer=500:BANK-778899"))
        pay_bills(s, c, "1-1-103", T("wechat=382.16:4200001234202611241234567890"))
        prepay(s, c, "1-1-101", T("cash=88.8"))
    return _events(ctx)


def test_plain_payments_together_write_what_one_by_one_writes(make_db):
    a, one, many = make_db("a"), make_db("one"), make_db("many")
    _world(a)
    _copy_snapshot(a, one)
    _copy_snapshot(a, many)
    events = _payments(a)
    assert [e[0] for e in events] == ["shift_open"] + ["payment"] * 4
    _apply_all(one, events, "T1")
    _apply_all(many, events[:1], "T1")
    with many.uow() as s:
        assert apply_together(s, [(t, p) for t, _, p in events[1:]], origin_terminal="T1") is True
    for table in TABLES:
        assert _rows(many, table) == _rows(one, table), table
    assert _balances(many) == _balances(one)
    _ok(many)


def test_a_double_payment_in_the_run_declines_and_writes_nothing(make_db):
    a1, a2, b, rooms = _two_counters(make_db)
    with a1.uow() as s:
        pay_bills(s, Counter("T1", "c1"), "1-1-101", T("cash=500"))
    with a2.uow() as s:
        pay_bills(s, Counter("T2", "c1"), "1-1-102", T("cash=400"))
        pay_bills(s, Counter("T2", "c1"), "1-1-101", T("cash=500"))  # the same lines as T1's
    _apply_all(b, _events(a1), "T1")
    run = [(t, p) for t, _, p in _events(a2) if t == "payment"]
    _apply_all(b, _events(a2)[:1], "T2")  # T2's shift
    with b.uow() as s:
        before = s.scalar(select(func.count()).select_from(Payment))
        assert apply_together(s, run, origin_terminal="T2") is False
        assert s.scalar(select(func.count()).select_from(Payment)) == before
    # the one-by-one path then does the business rules (credit + exception)
    _apply_all(b, [(t, "", p) for t, p in run], "T2")
    _ok(b)


def test_prepaid_tender_or_a_closed_day_declines(make_db):
    a, b = make_db("a"), make_db("b")
    _world(a)
    _copy_snapshot(a, b)
    c = Counter("T1", "c1")
    with a.uow() as s:
        shifts.open_shift(s, "T1", "c1", 0)
        prepay(s, c, "1-1-102", T("cash=500"))
        pay_bills(s, c, "1-1-102", T("prepaid=341.92"))
    events = _events(a)
    _apply_all(b, events[:1], "T1")
    with b.uow() as s:
        assert apply_together(s, [(t, p) for t, _, p in events[1:]], origin_terminal="T1") is False
        assert apply_together(s, [(t, p) for t, _, p in events[1:2]], origin_terminal="T1") is True
    a2, b2 = make_db("a2"), make_db("b2")
    _world(a2)
    _copy_snapshot(a2, b2)
    events = _payments(a2)
    _apply_all(b2, events[:1], "T1")
    with b2.uow() as s:
        t1 = s.scalar(select(Terminal.id).where(Terminal.code == "T1"))
        s.add(DayClose(terminal_id=t1, day=DAY, totals={}, closed_by="admin"))
    with b2.uow() as s:
        assert apply_together(s, [(t, p) for t, _, p in events[1:]], origin_terminal="T1") is False
        assert s.scalar(select(func.count()).select_from(Payment)) == 0
