"""Checkout end to end on SQLite: split tender, change, late fees, prepaid, deposits,
one-off charges, receipt numbers, void, shift close — and the books agree after each."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app import clock
from app.db.models import Receipt
from app.errors import Conflict, InputError, NotFound
from app.services.billing.bill_run import bill_run
from app.services.receivables.bills import room_bills
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, charge_one_off, collect_deposit, pay_bills, prepay
from app.money import parse_yuan
from app.services.cashier.tenders import TenderInput, parse_tender
from app.services.cashier.voids import void_receipt
from app.services.ledger_check import full_check
from tests.support import counter_world
from tests.support.counter_world import LATE, T

C = Counter("T1", "admin")


@pytest.fixture
def world(any_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 20))
    with any_ctx.uow() as s:
        w = counter_world.build(s)
    return w


def test_pay_all_with_split_tender_and_change(any_ctx, world):
    with any_ctx.uow() as s:
        before = room_bills(s, world.rooms["1-1-101"].id, as_of=date(2026, 12, 20))
        # Oct PM due 2026-11-15: 35 days × 0.0003 × 200.00 = 2.10; Nov PM due 12-15: 5 days = 0.30
        assert before["owed_fen"] == 2 * (20000 + 1000) and before["late_fee_fen"] == 210 + 30
        r = pay_bills(s, C, "1-1-101", T("pos=300:123456789012/000001/000002", "cash=200"))
    assert r["total_fen"] == 42000 + 240 and r["change_fen"] == 30000 + 20000 - 42240
    assert r["receipt_no"] == "T1-20261220-0001"
    assert [a["period"] for a in r["allocations"]] == ["2026-10", "2026-10", "2026-11", "2026-11"]
    assert {t["method"]: t["amount_fen"] for t in r["tenders"]} == {"pos": 30000, "cash": 12240}
    with any_ctx.uow() as s:
        after = room_bills(s, world.rooms["1-1-101"].id, as_of=date(2026, 12, 20))
        assert after["owed_fen"] == 0 and after["lines"] == []
        assert full_check(s)["ok"], full_check(s)["problems"]


def test_selected_lines_and_receipt_sequence_has_no_gaps(any_ctx, world):
    with any_ctx.uow() as s:
        lines = room_bills(s, world.rooms["1-1-102"].id, as_of=date(2026, 12, 20))["lines"]
        garb = [v.id for v in lines if v.fee_code == "GARB"]
        r1 = pay_bills(s, C, "1-1-102", T("cash=20"), line_ids=garb)
        r2 = prepay(s, C, "1-1-102", T("transfer=500:BANK-778899"))
        r3 = pay_bills(s, C, "1-1-102", T("prepaid=321.92"))  # PM 160×2 + late fees 1.68 + 0.24
    assert [r["receipt_no"][-4:] for r in (r1, r2, r3)] == ["0001", "0002", "0003"]
    assert r1["change_fen"] == 0 and r2["prepaid_fen"] == 50000
    assert r3["prepaid_fen"] == 50000 - r3["total_fen"]
    with any_ctx.uow() as s:
        assert full_check(s)["ok"]


@pytest.mark.parametrize("specs,needle", [
    ((("pos", "500", "123456789012"),), ("exceed the amount due", "只有现金能找零")),
    ((("cash", "10", None),), ("less than the amount due", "少于应收")),
    ((("pos", "100", "12345"),), ("12-digit reference", "请输入签购单上的12位参考号")),
    ((("prepaid", "10", None),), ("more than the balance", "不够抵扣")),
    ((("wechat", "10", "abc"),), ("28-digit", "28位交易单号")),
    ((("pos", "422.40", "123456789012"), ("cash", "1", None)), ("remove the cash tender", "无需再收现金")),
])
def test_bad_tenders_change_nothing(any_ctx, world, specs, needle):
    # Built directly (not parsed) so the checks of settle() itself are what is tested.
    tenders = [TenderInput(m, parse_yuan(a), ref) for m, a, ref in specs]
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            pay_bills(s, C, "1-1-101", tenders)
    assert needle[0] in e.value.text("en") and needle[1] in e.value.text("zh")
    with any_ctx.uow() as s:
        assert s.scalar(select(Receipt.id)) is None


def test_tender_syntax_errors():
    for bad, needle in (("cash=1.234", "more than 2 decimals"), ("cash=-5", "greater than 0"),
                        ("cash=0", "greater than 0"), ("bitcoin=5", "Unknown tender method"), ("cash", "METHOD=AMOUNT"),
                        ("pos=5:1234567890123", "12-digit"), ("pos=5:123456789012/12", "6 digits"),
                        ("cash=5:123", "takes no reference"), ("wechat=5", "28-digit")):
        with pytest.raises(InputError) as e:
            parse_tender(bad)
        assert needle in e.value.text("en"), bad
        assert "--tender" in e.value.text("zh")  # names where the bad input was


def test_unknown_room_and_paid_line_and_no_shift(any_ctx, world):
    with pytest.raises(NotFound) as e:
        with any_ctx.uow() as s:
            pay_bills(s, C, "9-9-999", T("cash=1"))
    assert e.value.code == "room.not_found" and "does not exist" in e.value.text("en") and "9-9-999" in str(e.value)
    with any_ctx.uow() as s:
        r = pay_bills(s, C, "1-1-101", T("cash=500"))
        paid_line = r["allocations"][0]["line_id"]
    with pytest.raises(Conflict) as e:
        with any_ctx.uow() as s:
            pay_bills(s, C, "1-1-101", T("cash=500"), line_ids=[paid_line])
    assert e.value.code == "pay.line_taken" and "该账单已被其他收银台收取" in str(e.value)
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            pay_bills(s, C, "1-1-102", T("cash=500"), line_ids=[paid_line])
    assert e.value.code == "pay.bad_lines" and "is not a line of room" in e.value.text("en")
    with any_ctx.uow() as s:
        shifts.close_shift(s, "T1", "admin", {})
    with pytest.raises(InputError, match="请先按 F11 开班"):
        with any_ctx.uow() as s:
            prepay(s, C, "1-1-101", T("cash=100"))


def test_void_reopens_lines_and_reverses_books(any_ctx, world):
    with any_ctx.uow() as s:
        r = pay_bills(s, C, "1-1-101", T("cash=500"))
        v = void_receipt(s, C, r["receipt_no"], "收错房号")
        assert v["status"] == "void"
        assert room_bills(s, world.rooms["1-1-101"].id, as_of=date(2026, 12, 20))["owed_fen"] == 42000
        assert full_check(s)["ok"]
    with pytest.raises(Conflict) as e:
        with any_ctx.uow() as s:
            void_receipt(s, C, r["receipt_no"], "again")
    assert e.value.code == "void.already_void" and "已经作废" in str(e.value)
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            void_receipt(s, C, r["receipt_no"], " ")
    assert e.value.code == "void.reason_required"
    with any_ctx.uow() as s:
        r2 = pay_bills(s, C, "1-1-101", T("cash=500"))
        assert r2["receipt_no"].endswith("0002")  # the voided number is kept, never reused
        shifts.close_shift(s, "T1", "admin", {10000: 7})
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            void_receipt(s, C, r2["receipt_no"], "too late")
    assert e.value.code == "void.shift_closed" and "closed shift" in e.value.text("en")


def test_deposit_one_off_and_shift_close_variance(any_ctx, world):
    with any_ctx.uow() as s:
        d = collect_deposit(s, C, "1-1-102", "装修押金", T("cash=2000"))
        assert d["deposits_fen"] == 200000
        o = charge_one_off(s, C, "1-1-102", "ZX", 15000, "装修垃圾清运 3车", T("wechat=150:4200001234202612201234567890"))
        assert o["allocations"][0]["principal_fen"] == 15000
        v = void_receipt(s, C, o["receipt_no"], "重复收费")
        assert v["status"] == "void"
        bills = room_bills(s, world.rooms["1-1-102"].id, as_of=date(2026, 12, 20))
        assert bills["deposits_fen"] == 200000 and all(x.fee_code != "ZX" for x in bills["lines"])
        assert full_check(s)["ok"], full_check(s)["problems"]
        closed = shifts.close_shift(s, "T1", "admin", {10000: 22, 50: 1})
    assert closed["expected"]["cash"] == 20000 + 200000
    assert closed["counted_fen"] == 220050 and closed["variance_fen"] == 50
    assert closed["expected"].get("wechat", 0) == 0  # the WeChat payment was voided


# --- input bounds and permissions the probe got around (issue 9 items 5 and 6) -------------

def _receipts(s) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func

    return s.scalar(select(func.count()).select_from(Receipt))


def test_absurd_cash_is_refused_by_the_change_limit(any_ctx, world):
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            pay_bills(s, C, "1-1-101", T("cash=99999999"))
    assert e.value.code == "pay.change_too_large" and e.value.exit_status == 2
    assert "找零" in str(e.value) and "1,000.00" in str(e.value)  # the default limit, ¥1,000.00
    with any_ctx.uow() as s:
        assert _receipts(s) == 0
        r = pay_bills(s, C, "1-1-101", T("cash=1422.40"))  # change of exactly the limit is fine
    assert r["change_fen"] == 100000


def test_change_limit_is_a_community_option(any_ctx, world):
    from app.db.models import Community

    with any_ctx.uow() as s:
        s.get(Community, world.community.id).options = {"max_change_fen": 0}
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            pay_bills(s, C, "1-1-101", T("cash=422.50"))
    assert e.value.code == "pay.change_too_large" and e.value.params["limit"] == 0
    with any_ctx.uow() as s:
        assert pay_bills(s, C, "1-1-101", T("cash=422.40"))["change_fen"] == 0


def test_paying_as_of_a_past_day_needs_waive_and_is_audited(any_ctx, world):
    from app.db.models import AuditEvent
    from app.errors import PermissionDenied
    from app.services import users

    with any_ctx.uow() as s:
        users.ensure_user(s, "cashier1", "cashier", "王收银")
        shifts.open_shift(s, "T1", "cashier1")
    cashier = Counter("T1", "cashier1")
    with pytest.raises(PermissionDenied) as e:
        with any_ctx.uow() as s:
            pay_bills(s, cashier, "1-1-101", T("cash=500"), as_of=date(2026, 11, 1))
    assert e.value.code == "pay.as_of_needs_waive" and e.value.exit_status == 2 and "主管" in str(e.value)
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            pay_bills(s, C, "1-1-101", T("cash=500"), as_of=date(2026, 12, 21))
    assert e.value.code == "pay.as_of_future"
    with any_ctx.uow() as s:
        assert pay_bills(s, cashier, "1-1-102", T("cash=500"), as_of=date(2026, 12, 20))  # today: no permission needed
        r = pay_bills(s, C, "1-1-101", T("cash=500"), as_of=date(2026, 11, 1))  # a manager may
        assert r["total_fen"] == 42000  # Oct PM due 11-15: no late fee as of 11-01
        detail = s.scalar(select(AuditEvent.detail).where(AuditEvent.entity_id == r["payment_id"]))
    assert detail["as_of"] == "2026-11-01" and detail["as_of_past"] is True


def test_a_cashier_voids_only_her_own_shift(any_ctx, world):
    from app.errors import PermissionDenied
    from app.services import users

    with any_ctx.uow() as s:
        users.ensure_user(s, "cashier1", "cashier", "王收银")
        users.ensure_user(s, "cashier2", "cashier", "李收银")
        shifts.open_shift(s, "T1", "cashier1")
        shifts.open_shift(s, "T1", "cashier2")
        mine = pay_bills(s, Counter("T1", "cashier1"), "1-1-101", T("cash=500"))
        admins = prepay(s, C, "1-1-102", T("cash=10"))
    with pytest.raises(PermissionDenied) as e:
        with any_ctx.uow() as s:
            void_receipt(s, Counter("T1", "cashier2"), mine["receipt_no"], "不是我的")
    assert e.value.code == "void.not_your_shift" and "王收银" in str(e.value) and "主管" in str(e.value)
    with pytest.raises(PermissionDenied):
        with any_ctx.uow() as s:
            void_receipt(s, Counter("T1", "cashier1"), admins["receipt_no"], "不是我的")
    with any_ctx.uow() as s:
        assert void_receipt(s, Counter("T1", "cashier1"), mine["receipt_no"], "收错")["status"] == "void"
        assert void_receipt(s, C, admins["receipt_no"], "主管作废")["status"] == "void"  # a manager may
        assert full_check(s)["ok"]


def test_the_recorder_refuses_what_its_caller_read_before_another_counter_paid(any_ctx, world):
    """The bill run's prepaid deduction (and any caller) hands the recorder lines and a balance
    it read earlier; under the room lock the recorder looks again and loses with a Conflict."""
    from app.services.receivables.bills import room_lines
    from app.services.cashier.payments import record_payment
    from app.services.cashier.tenders import settle

    room = world.rooms["1-1-102"]
    with any_ctx.uow() as s:
        prepay(s, C, "1-1-102", T("cash=200"))
        stale = room_lines(s, room.id, as_of=date(2026, 12, 20))
    first = stale[0]
    with any_ctx.uow() as s:  # another counter pays the line and spends the balance
        pay_bills(s, C, "1-1-102", T("cash=300"),
                  line_ids=[first.id])
        charge_one_off(s, C, "1-1-102", "ZX", 15000, "清运", T("prepaid=150"))
    due = first.outstanding_fen + first.late_fee_fen
    with pytest.raises(Conflict) as e:
        with any_ctx.uow() as s:
            record_payment(s, C, "bills", room, due, settle(due, T("cash=300")), date(2026, 12, 20),
                    [(f"AR:{room.id}", -first.outstanding_fen), (f"LATE:{world.community.id}", -first.late_fee_fen)],
                    allocations=[(first, first.outstanding_fen, first.late_fee_fen)])
    assert e.value.code == "pay.line_taken"
    other = stale[1]
    due = other.outstanding_fen + other.late_fee_fen
    with pytest.raises(Conflict) as e:
        with any_ctx.uow() as s:  # the balance read before (200.00) is only 50.00 now
            record_payment(s, C, "bills", room, due, settle(due, [TenderInput("prepaid", due)], 20000), date(2026, 12, 20),
                    [(f"AR:{room.id}", -other.outstanding_fen)] + (
                        [(f"LATE:{world.community.id}", -other.late_fee_fen)] if other.late_fee_fen else []),
                    allocations=[(other, other.outstanding_fen, other.late_fee_fen)])
    assert e.value.code == "pay.prepaid_short" and e.value.params["balance"] == 5000
    with any_ctx.uow() as s:
        assert full_check(s)["ok"]
