"""Refunds and deposit returns are counter facts: their `refund` events re-create the refund
payment, its 退款单 receipt, negative tenders and allocations, the ledger transaction, the
Refund row and the deposit return on a second database, with the same ids — and the books
check there (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.db.models import Deposit, ExceptionCase
from app.services import users
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, collect_deposit, pay_bills, prepay
from app.services.refunds import Request, refund_deposit, refund_payment
from app.sync_events import EventRejected, apply_event, build_payload
from tests.integration.test_sync_apply import (T, _apply_all, _balances, _copy_snapshot, _events, _ok, _rows,  # noqa: F401
                                               _world, make_db)

C = Counter("T1", "c1")


def _counter_facts(a) -> None:  # type: ignore[no-untyped-def]
    with a.uow() as s:
        users.ensure_user(s, "boss", "manager", password="boss-pw")
        shifts.open_shift(s, "T1", "c1", 20000)
        paid = pay_bills(s, C, "1-1-101", T("pos=300:123456789012", "cash=200"))
        top = prepay(s, C, "1-1-102", T("cash=100"))
        dep = collect_deposit(s, C, "1-1-103", "装修押金", T("cash=1000"))
        dep_id = s.scalar(select(Deposit.id).where(Deposit.payment_id == dep["payment_id"]))
    garb = [x["line_id"] for x in paid["allocations"] if x["fee_code"] == "GARB"]
    refund_payment(a.uow, C, Request(paid["receipt_no"], "垃圾费退回", "prepaid", line_ids=garb, approver="boss"),
                   password="boss-pw")
    refund_payment(a.uow, C, Request(paid["receipt_no"], "退回", "original", amount_fen=15000, approver="boss",
                                     pos_reference="998877665544"), password="boss-pw")
    refund_payment(a.uow, C, Request(top["receipt_no"], "退预存", "cash", amount_fen=4000, approver="boss"),
                   password="boss-pw")
    with a.uow() as s:
        refund_deposit(s, C, dep_id, approver="boss", password="boss-pw", deduct_fen=20000, note="损坏公共设施")
    with a.uow() as s:
        shifts.close_shift(s, "T1", "c1", {})


def test_refunds_arrive_at_a_second_database_and_the_books_check_there(make_db):
    a, b = make_db("a"), make_db("b")
    _world(a)
    _copy_snapshot(a, b)
    with b.uow() as s:
        users.ensure_user(s, "boss", "manager", password="other")
    _counter_facts(a)
    _ok(a)
    events = _events(a)
    assert [e[0] for e in events].count("refund") == 4
    _apply_all(b, events, "T1")
    for table in ("payment", "receipt", "tender", "allocation", "deposit", "refund", "deposit_return"):
        assert _rows(b, table) == _rows(a, table), table
    assert _balances(b) == _balances(a)
    with b.uow() as s:
        assert s.scalar(select(ExceptionCase.id)) is None
    _ok(b)
    _apply_all(b, [e for e in events if e[0] == "refund"], "T1")  # a replay changes nothing
    assert _rows(b, "refund") == _rows(a, "refund")
    _ok(b)


def test_refund_payload_rebuilds_alike_and_an_unknown_original_is_rejected(make_db):
    a, b = make_db("a"), make_db("b")
    _world(a)
    _copy_snapshot(a, b)
    _counter_facts(a)
    refunds = [e for e in _events(a) if e[0] == "refund"]
    for event_type, entity_id, payload in refunds:
        with a.uow() as s:
            assert json.loads(json.dumps(build_payload(s, event_type, entity_id))) == payload
    with b.uow() as s:  # b never saw the original payment
        with pytest.raises(EventRejected) as e:
            apply_event(s, "refund", refunds[0][2], origin_terminal="T1")
    assert e.value.code == "refund.sync_unknown_original"
