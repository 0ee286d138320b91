"""Corrections create delta lines pointing at the original; waivers; the books stay right."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app import clock
from app.db.models import BillLine
from app.errors import InputError, PermissionDenied
from app.services.billing.bill_run import bill_run
from app.services.receivables.bills import room_bills
from app.services.billing.corrections import correct_price, correct_reading
from app.services.billing.waivers import waive_late_fee
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, pay_bills
from app.services.cashier.tenders import parse_tender
from app.services.ledger_check import full_check
from app.services import users
from tests.support.builders import World

C = Counter("T1", "admin")


@pytest.fixture
def w(any_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 20))
    with any_ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100")
        w.room("1-102", "50")
        w.fee("WATER", "usage", "5", meter_kind="water", late_fee={"daily_rate": "0.001", "grace_days": 0,
                                                                   "cap_ratio": "1"})
        w.fee("GARB", "fixed", "10")
        w.meter("W1", "water", "1-101")
        w.meter("W2", "water", "1-102")
        for no, vals in (("W1", ("0", "10", "20")), ("W2", ("0", "8", "16"))):
            for p, v in zip(("2026-09", "2026-10", "2026-11"), vals):
                w.reading(no, p, v)
        bill_run(s, "2026-10", user="admin")
        bill_run(s, "2026-11", user="admin")
        shifts.open_shift(s, "T1", "admin", 0)
    return w


def _water(s, room_id, period):  # type: ignore[no-untyped-def]
    return next(v for v in room_bills(s, room_id, as_of=date(2026, 12, 20), include_paid=True)["lines"]
                if v.fee_code == "WATER" and v.period == period)


def test_reading_correction_on_unpaid_lines_merges(any_ctx, w):
    with any_ctx.uow() as s:
        r = correct_reading(s, "W1", "2026-10", "12", "抄错", user="admin")
        # October: 12 instead of 10 (+2 m³ = +10.00); November starts from 12: 8 instead of 10 (−10.00)
        assert sorted(d["amount_fen"] for d in r["deltas"]) == [-1000, 1000]
        assert {d["mode"] for d in r["deltas"]} == {"merged"}
        assert _water(s, w.rooms["1-101"].id, "2026-10").amount_fen == 6000
        nov = _water(s, w.rooms["1-101"].id, "2026-11")
        assert nov.amount_fen == 4000 and nov.corrections[0]["amount_fen"] == -1000
        original = s.get(BillLine, nov.id)
        assert original.amount_fen == 5000  # the fact itself never changes
        assert full_check(s)["ok"], full_check(s)["problems"]


def test_correction_of_paid_lines_supplement_and_credit(any_ctx, w):
    with any_ctx.uow() as s:
        pay_bills(s, C, "1-101", [parse_tender("cash=500")])
        r = correct_reading(s, "W1", "2026-10", "12", "抄错", user="admin")
        kinds = {d["period"]: (d["kind"], d["mode"], d["amount_fen"]) for d in r["deltas"]}
        assert kinds == {"2026-10": ("delta", "supplement", 1000), "2026-11": ("credit", "credit", -1000)}
        b = room_bills(s, w.rooms["1-101"].id, as_of=date(2026, 12, 20))
        assert b["prepaid_fen"] == 1000  # the credit went to prepaid
        assert [v.kind for v in b["lines"]] == ["delta"] and b["owed_fen"] == 1000  # the 补缴 line is open
        line = s.get(BillLine, r["deltas"][0]["line_id"])
        assert line.corrects_id is not None and line.created_by == "admin" and "抄错" in line.note
        assert full_check(s)["ok"], full_check(s)["problems"]


def test_price_correction_recomputes_from_period_on(any_ctx, w):
    with any_ctx.uow() as s:
        r = correct_price(s, "阳光花园", "GARB", "2026-11", unit_price="12", reason="物价局批复", user="admin")
        assert r["periods"] == ["2026-11"] and [d["amount_fen"] for d in r["deltas"]] == [200, 200]
        dec = bill_run(s, "2026-12", user="admin")
        assert dec["by_fee_item"]["GARB"]["total_fen"] == 2400  # the corrected price stays in force
        assert full_check(s)["ok"]


def test_bad_corrections_change_nothing(any_ctx, w):
    for kwargs, code, needle in (
            (dict(meter_no="NOPE", period_text="2026-10", value="1"), "billing.no_meter", "does not exist"),
            (dict(meter_no="W1", period_text="2026-10", value="-1"), "billing.bad_reading", "reading"),
            (dict(meter_no="W1", period_text="2026-11", value="5"), "billing.reading_does_not_fit",
             "lower than the previous"),
            (dict(meter_no="W1", period_text="2026-10", value="25"), "billing.reading_does_not_fit",
             "lower than the previous 25"),
            (dict(meter_no="W1", period_text="2025-01", value="5"), "billing.no_reading_to_correct", "no reading"),
            (dict(meter_no="W1", period_text="2026-13", value="5"), "input.bad_period", "period")):
        with pytest.raises(InputError) as e:
            with any_ctx.uow() as s:
                correct_reading(s, reason="x", user="admin", **kwargs)
        assert e.value.code == code and needle in e.value.text("en")
        assert e.value.text("zh") != e.value.text("en")  # a catalogued code, in Chinese too
    with any_ctx.uow() as s:
        assert s.scalar(select(BillLine.id).where(BillLine.kind != "charge")) is None


def test_waive_late_fee_needs_permission_and_reason(any_ctx, w):
    with any_ctx.uow() as s:
        users.ensure_user(s, "cashier1", "cashier", "收银员")
        line = _water(s, w.rooms["1-101"].id, "2026-10")
        assert line.late_fee_fen > 0
    with pytest.raises(PermissionDenied):
        with any_ctx.uow() as s:
            waive_late_fee(s, line.id, "老人", user="cashier1")
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            waive_late_fee(s, line.id, "", user="admin")
    assert e.value.code == "billing.waive.reason_required" and "reason" in e.value.text("en")
    with any_ctx.uow() as s:
        waive_late_fee(s, line.id, "困难户减免", user="admin")
        again = _water(s, w.rooms["1-101"].id, "2026-10")
        assert again.late_fee_fen == 0 and again.late_fee_waived
        r = pay_bills(s, C, "1-101", [parse_tender("cash=500")], line_ids=[line.id])
        assert r["allocations"][0]["late_fee_fen"] == 0
