"""The push fast path (app/sync_apply/payments_bulk.py): a run of payments applied together —
double payments included — writes exactly the rows the one-by-one applier writes, and the
rare cases (a closed day, a prepaid tender…) set their room aside for the one-by-one path,
having written nothing of that room."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db.models import DayClose, Payment, Terminal
from app.services.cashier.payments import Counter, pay_bills, prepay
from app.services.receivables.bills import room_bills
from app.sync_events import apply_event, apply_together
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
        assert apply_together(s, [(t, p) for t, _, p in events[1:]], origin_terminal="T1") == []
    for table in TABLES:
        assert _rows(many, table) == _rows(one, table), table
    assert _balances(many) == _balances(one)
    _ok(many)


GENERATED = ("id", "terminal_id", "user_id", "created_at", "txn_id")  # new ids and clocks of the applying side


def _made_here(ctx, table: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return _rows(ctx, table, drop=GENERATED)


def test_double_payments_together_write_what_one_by_one_writes(make_db):
    a1, a2, one, rooms = _two_counters(make_db)
    many = make_db("many")
    _copy_snapshot(a1, many)
    with a1.uow() as s:
        pay_bills(s, Counter("T1", "c1"), "1-1-101", T("cash=500"))
        pm = next(v for v in room_bills(s, rooms["1-1-103"], as_of=DAY)["lines"] if v.fee_code == "PM")
        pay_bills(s, Counter("T1", "c1"), "1-1-103", T("cash=500"), line_ids=[pm.id])  # one of the room's lines
    with a2.uow() as s:
        pay_bills(s, Counter("T2", "c1"), "1-1-102", T("cash=400"))
        pay_bills(s, Counter("T2", "c1"), "1-1-101", T("cash=500"))  # the same lines as T1's: all credited
        pay_bills(s, Counter("T2", "c1"), "1-1-103", T("cash=500"))  # partly still open, partly credited
        prepay(s, Counter("T2", "c1"), "1-1-101", T("cash=20"))
    run = [(t, p) for t, _, p in _events(a2) if t == "payment"]
    for b in (one, many):
        _apply_all(b, _events(a1), "T1")
        _apply_all(b, _events(a2)[:1], "T2")  # T2's shift
    _apply_all(one, [(t, "", p) for t, p in run], "T2")
    with many.uow() as s:
        assert apply_together(s, run, origin_terminal="T2") == []
    for table in TABLES + ("bill_line", "exception_case", "ledger_txn"):
        assert _made_here(many, table) == _made_here(one, table), table
    cases = [r for r in _made_here(many, "exception_case") if r["kind"] == "double_payment"]
    assert len(cases) == 2 and all(len(c["detail"]["payments"]) == 2 for c in cases)
    assert _balances(many) == _balances(one)
    _ok(many)


def test_a_room_with_a_rare_case_is_set_aside_and_the_others_go_together(make_db):
    a, one, many = make_db("a"), make_db("one"), make_db("many")
    _world(a)
    _copy_snapshot(a, one)
    _copy_snapshot(a, many)
    c = Counter("T1", "c1")
    with a.uow() as s:
        shifts.open_shift(s, "T1", "c1", 0)
        prepay(s, c, "1-1-102", T("cash=500"))
        pay_bills(s, c, "1-1-101", T("cash=500"))
        pay_bills(s, c, "1-1-102", T("prepaid=341.92"))  # a prepaid tender: room 1-1-102 one by one
        pay_bills(s, c, "1-1-103", T("cash=500"))
    events = _events(a)
    run = [(t, p) for t, _, p in events[1:]]
    _apply_all(one, events, "T1")
    _apply_all(many, events[:1], "T1")
    with many.uow() as s:
        rest = apply_together(s, run, origin_terminal="T1")
        assert rest == [0, 2]
        assert {p["room_id"] for _, p in (run[k] for k in rest)} == {run[0][1]["room_id"]}
        for k in rest:
            apply_event(s, *run[k], origin_terminal="T1")
    for table in TABLES:
        assert _rows(many, table) == _rows(one, table), table
    assert _balances(many) == _balances(one)
    _ok(many)


def test_prepaid_tender_or_a_closed_day_sets_the_room_aside(make_db):
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
        assert apply_together(s, [(t, p) for t, _, p in events[1:]], origin_terminal="T1") == [0, 1]
        assert s.scalar(select(func.count()).select_from(Payment)) == 0
        assert apply_together(s, [(t, p) for t, _, p in events[1:2]], origin_terminal="T1") == []
    a2, b2 = make_db("a2"), make_db("b2")
    _world(a2)
    _copy_snapshot(a2, b2)
    events = _payments(a2)
    _apply_all(b2, events[:1], "T1")
    with b2.uow() as s:
        t1 = s.scalar(select(Terminal.id).where(Terminal.code == "T1"))
        s.add(DayClose(terminal_id=t1, day=DAY, totals={}, closed_by="admin"))
    with b2.uow() as s:
        assert apply_together(s, [(t, p) for t, _, p in events[1:]], origin_terminal="T1") == [0, 1, 2, 3]
        assert s.scalar(select(func.count()).select_from(Payment)) == 0


def test_a_pull_applies_other_counters_payments_together_writing_what_one_by_one_writes(make_db, monkeypatch):
    from app.db.models import SyncCursor
    from app.services.sync import pull

    a1, a2, one, rooms = _two_counters(make_db)
    pulled = make_db("pulled")
    _copy_snapshot(a1, pulled)
    with a1.uow() as s:
        pay_bills(s, Counter("T1", "c1"), "1-1-101", T("cash=500"))
        prepay(s, Counter("T1", "c1"), "1-1-102", T("cash=600"))
    with a2.uow() as s:
        pay_bills(s, Counter("T2", "c1"), "1-1-103", T("cash=500"))
        pay_bills(s, Counter("T2", "c1"), "1-1-101", T("cash=500"))  # a double payment
        prepay(s, Counter("T2", "c1"), "1-1-102", T("cash=400"))
        pay_bills(s, Counter("T2", "c1"), "1-1-102", T("prepaid=341.92"))  # rare case: one by one
    events = [("T1", *e) for e in _events(a1)] + [("T2", *e) for e in _events(a2)]
    for term, t, _, p in events:
        _apply_all(one, [(t, "", p)], term)
    changes = [{"seq": i + 1, "kind": "event",
                "event": {"event_id": f"e{i}", "terminal": term, "event_type": t, "device_seq": i + 1, "payload": p}}
               for i, (term, t, _, p) in enumerate(events)]
    singles = []
    real = pull.apply_event
    monkeypatch.setattr(pull, "apply_event", lambda s, t, p, **kw: (singles.append(t), real(s, t, p, **kw))[1])
    out = pull.PullOutcome()
    with pulled.uow() as s:
        s.add(SyncCursor(name="pull", value=0))
    with pulled.uow() as s:
        assert pull.apply_batch(s, "T9", 0, changes, len(changes), out)
    assert (out.changes, out.rejected) == (len(changes), 0)
    assert singles.count("payment") == 2  # T2's two payments of room 1-1-102; the other four together
    for table in TABLES + ("bill_line", "exception_case", "ledger_txn"):
        assert _made_here(pulled, table) == _made_here(one, table), table
    assert _balances(pulled) == _balances(one)
    _ok(pulled)
