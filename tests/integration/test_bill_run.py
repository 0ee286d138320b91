"""Bill runs on a small hand-made community: every basis, idempotence, dry run, ledger."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.db.models import BillLine
from app.services import ledger
from app.services.billing.bill_run import bill_run
from app.services.receivables.bills import room_bills
from tests.support.builders import World

WATER_TIERS = [{"up_to": "180", "unit_price": "5"}, {"up_to": "260", "unit_price": "7"}, {"up_to": None, "unit_price": "9"}]


def build(s):  # type: ignore[no-untyped-def]
    w = World(s)
    w.room("1-1-101", "100.5", owner="张三", phone="13800001234")
    w.room("1-1-102", "89.00", charge_start=date(2026, 11, 16))  # handed over mid-November
    w.room("1-1-103", "120.00", charge_start=date(2027, 1, 1))  # not yet handed over
    w.room("2-201", "60.00")
    w.room("P-001", "12.5", usage="parking")
    w.fee("PM", "area", "1.25", name="物业服务费")
    w.fee("GARB", "fixed", "10", name="垃圾费")
    w.fee("PARK", "parking", "80", name="车位管理费")
    w.fee("WATER", "usage", tiers=WATER_TIERS, tier_period="year", meter_kind="water", name="水费")
    w.meter("W1", "water", "1-1-101", digits=6)
    w.meter("W2", "water", "2-201", digits=6)
    w.meter("PUB", "electricity", None, multiplier="10")
    w.fee("PUBE", "apportioned", "0.5", apportion={"meter_no": "PUB", "by": "household", "scope": "community"},
          name="公摊电费")
    w.reading("W1", "2026-10", "100")
    w.reading("W1", "2026-11", "300")  # 200 m³ in one month: crosses 180 inside the month
    w.reading("W2", "2026-10", "5")
    w.reading("PUB", "2026-10", "0")
    w.reading("PUB", "2026-11", "1")  # 1 × 10 × 0.5 = 5.00 yuan among 3 handed-over homes
    return w


def test_bill_run_every_basis_then_idempotent(any_ctx):
    with any_ctx.uow() as s:
        w = build(s)
        dry = bill_run(s, "2026-11", dry_run=True, user="admin")
    with any_ctx.uow() as s:
        real = bill_run(s, "2026-11", user="admin")
    for k in ("lines", "total_fen", "skipped_existing", "by_fee_item", "missing_readings"):
        assert dry[k] == real[k], k
    by = real["by_fee_item"]
    # PM: 100.5×1.25=125.625→12563; 89×1.25×15/30=55.625→5563; 60×1.25=75 → 7500
    assert by["PM"] == {"lines": 3, "total_fen": 12563 + 5563 + 7500}
    assert by["GARB"] == {"lines": 3, "total_fen": 1000 + 500 + 1000}
    assert by["PARK"] == {"lines": 1, "total_fen": 8000}
    # water 1-1-101: 200 m³ from 0 this year: 180×5 + 20×7 = 1040 yuan; 2-201 has no November reading
    assert by["WATER"] == {"lines": 1, "total_fen": 104000}
    assert real["missing_readings"] == 1 and real["missing"][0]["meter_no"] == "W2"
    # public share: 500 fen among 3 households -> 167/167/166 by key order
    assert by["PUBE"] == {"lines": 3, "total_fen": 500}
    with any_ctx.uow() as s:
        shares = dict(s.execute(select(BillLine.room_id, BillLine.amount_fen).where(
            BillLine.fee_item_id == w.items["PUBE"].id)).all())
        assert sorted(shares.values()) == [166, 167, 167]
        assert shares[w.rooms["1-1-101"].id] == 167 and shares[w.rooms["2-201"].id] == 166
        again = bill_run(s, "2026-11", user="admin")
    assert again["lines"] == 0 and again["skipped_existing"] == real["lines"]
    with any_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(BillLine)) == real["lines"]
        assert ledger.check(s)["ok"]
        bills = room_bills(s, w.rooms["1-1-101"].id, as_of=date(2026, 12, 1))
        assert bills["owed_fen"] == 12563 + 1000 + 104000 + 167 == bills["receivable_fen"]
        water = next(v for v in bills["lines"] if v.fee_code == "WATER")
        assert [t["quantity"] for t in water.detail["tiers"]] == ["180", "20"]
        assert water.detail["meters"][0]["meter_no"] == "W1"
        pm = next(v for v in bills["lines"] if v.fee_code == "PM")
        assert pm.detail["area"] == "100.5" and pm.detail["unit_price"] == "1.25" and pm.detail["months"] == "1"
        prorated = room_bills(s, w.rooms["1-1-102"].id, as_of=date(2026, 12, 1))["lines"]
        assert {v.detail["months"] for v in prorated if v.fee_code in ("PM", "GARB")} == {"15/30"}


def test_annual_tiers_continue_from_earlier_months(any_ctx):
    with any_ctx.uow() as s:
        w = build(s)
        w.reading("W1", "2026-12", "370")  # 70 more: 260 is crossed at 280 total -> 60×7 + 10×9
        bill_run(s, "2026-11", user="admin")
        r = bill_run(s, "2026-12", user="admin")
        line = s.scalar(select(BillLine).where(BillLine.fee_item_id == w.items["WATER"].id, BillLine.period == "2026-12"))
    assert r["by_fee_item"]["WATER"]["total_fen"] == 60 * 700 + 10 * 900
    assert line.detail["before"] == "200" and line.detail["after"] == "270"


def test_price_change_applies_from_its_month(any_ctx):
    with any_ctx.uow() as s:
        w = build(s)
        w.price("GARB", date(2026, 12, 1), "12")
        nov = bill_run(s, "2026-11", user="admin")
        dec = bill_run(s, "2026-12", user="admin")
    assert nov["by_fee_item"]["GARB"]["total_fen"] == 2500
    assert dec["by_fee_item"]["GARB"]["total_fen"] == 3 * 1200


def test_flagged_reading_is_reported_not_billed(any_ctx):
    with any_ctx.uow() as s:
        w = build(s)
        w.reading("W2", "2026-11", "900", status="flagged")
        r = bill_run(s, "2026-11", user="admin")
    assert r["by_fee_item"]["WATER"]["lines"] == 1
    assert any(m["meter_no"] == "W2" and "flagged" in m["reason"] for m in r["missing"])
