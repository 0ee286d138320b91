from datetime import date

import pytest
from sqlalchemy import select

from app import clock
from app.db.models import Payment, Tender
from app.services.billing.bill_run import bill_run
from app.services.receivables.bills import room_bills
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, prepay
from app.services.cashier.tenders import parse_tender
from app.services.ledger_check import full_check
from tests.support.builders import World


@pytest.mark.parametrize("chunk_rooms", [1, 4000])  # each room its own transaction, or all together
def test_bill_run_deducts_prepaid_oldest_first_as_prepaid_tender(any_ctx, monkeypatch, chunk_rooms):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 1))
    with any_ctx.uow() as s:
        w = World(s, options={"prepaid_deduction": True})
        w.room("1-101", "100")
        w.room("1-102", "100")
        w.fee("PM", "area", "1")  # 100.00 a month
        w.fee("GARB", "fixed", "10")
        shifts.open_shift(s, "T1", "admin", 0)
        prepay(s, Counter("T1", "admin"), "1-101", [parse_tender("cash=150")])
        dry = bill_run(s, "2026-10", user="admin", terminal="T1", dry_run=True, chunk_rooms=chunk_rooms)
        real = bill_run(s, "2026-10", user="admin", terminal="T1", chunk_rooms=chunk_rooms)
        assert dry["prepaid_deduction"]["total_fen"] == real["prepaid_deduction"]["total_fen"] == 11000
        assert real["prepaid_deduction"]["payments"] == 1
        b = room_bills(s, w.rooms["1-101"].id, as_of=date(2026, 11, 1))
        assert b["owed_fen"] == 0 and b["prepaid_fen"] == 4000
        # November: 40.00 left; GARB (10, first by code among lines due the same day) fits,
        # then PM (100) does not: the deduction stops there and PM stays open
        nov = bill_run(s, "2026-11", user="admin", terminal="T1", chunk_rooms=chunk_rooms)
        assert nov["prepaid_deduction"]["total_fen"] == 1000
        b = room_bills(s, w.rooms["1-101"].id, as_of=date(2026, 12, 1))
        assert [v.fee_code for v in b["lines"]] == ["PM"] and b["prepaid_fen"] == 3000
        methods = s.scalars(select(Tender.method).join(Payment, Payment.id == Tender.payment_id)
                            .where(Payment.note == "预存抵扣")).all()
        assert methods == ["prepaid", "prepaid"]
        assert full_check(s)["ok"], full_check(s)["problems"]
