"""Refunds at the counter on SQLite and PostgreSQL (issue 14 item 1): whole and partial (by
lines, by amount), every non-gateway route (original cash/POS/prepaid, cash, prepaid),
approval required / refused / wrong password, never more than was paid, lines reopened,
prepaid credit, shift's expected cash lowered — and `ledger check` passing after each."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.db.models import LedgerTxn, Payment, Refund, Tender
from app.errors import InputError, PermissionDenied
from app.services import users
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, pay_bills, prepay
from app.services.ledger_check import full_check
from app.services.receivables.bills import room_bills
from app.services.refunds import Request, refund_payment
from tests.support import counter_world
from tests.support.counter_world import T

ADMIN = Counter("T1", "admin")
CASHIER = Counter("T1", "cashier1")


@pytest.fixture
def world(any_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 20))
    with any_ctx.uow() as s:
        w = counter_world.build(s)
        users.ensure_user(s, "cashier1", "cashier", "收银员一", password="1234")
        users.ensure_user(s, "fin", "finance", "财务", password="fin-pw")
        users.ensure_user(s, "boss", "manager", "主管", password="boss-pw")
        shifts.open_shift(s, "T1", "cashier1", 10000)
    return w


def _ok(ctx) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        check = full_check(s)
    assert check["ok"], check["problems"]


def _owed(ctx, world, key="1-1-101") -> int:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return room_bills(s, world.rooms[key].id, as_of=date(2026, 12, 20))["owed_fen"]


def _pay(ctx, c, *tenders, room="1-1-101"):  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return pay_bills(s, c, room, T(*tenders))


def test_whole_refund_in_cash_reopens_every_line_and_lowers_expected_cash(any_ctx, world):
    paid = _pay(any_ctx, CASHIER, "cash=500")  # 42240 due, change 7760
    assert _owed(any_ctx, world) == 0
    r = refund_payment(any_ctx.uow, CASHIER, Request(paid["receipt_no"], "业主多缴", "cash", approver="boss"),
                       password="boss-pw")
    assert (r["amount_fen"], r["route"], r["state"]) == (42240, "cash", "done")
    assert r["refund_no"] == "T1-20261220-0002"  # the same per-terminal sequence
    assert _owed(any_ctx, world) == 42000
    with any_ctx.uow() as s:
        shift = shifts.current(s, users.ensure_terminal(s, "T1").id, users.get_user(s, "cashier1").id)
        assert shifts.expected_by_tender(s, shift)["cash"] == 10000 + 42240 - 42240
        rp = s.get(Payment, r["payment_id"])
        assert (rp.kind, rp.refund_of_id, rp.total_fen, rp.business_day) == ("refund", paid["payment_id"], -42240,
                                                                             date(2026, 12, 20))
        assert s.scalar(select(Refund.approved_by).where(Refund.refund_payment_id == rp.id)) == "boss"
        assert s.scalar(select(LedgerTxn.kind).where(LedgerTxn.ref_id == rp.id)) == "refund"
    _ok(any_ctx)


def test_partial_refunds_by_lines_then_amount_never_exceed_the_payment(any_ctx, world):
    paid = _pay(any_ctx, ADMIN, "pos=422.40:123456789012")
    garb = [a["line_id"] for a in paid["allocations"] if a["fee_code"] == "GARB"]
    r1 = refund_payment(any_ctx.uow, ADMIN, Request(paid["receipt_no"], "垃圾费不该收", "cash", line_ids=garb,
                                                    approver="admin"))
    assert r1["amount_fen"] == 2000 and _owed(any_ctx, world) == 2000
    with pytest.raises(InputError) as e:  # the same lines again
        refund_payment(any_ctx.uow, ADMIN, Request(paid["receipt_no"], "x", "cash", line_ids=garb[:1],
                                                   approver="admin"))
    assert e.value.problems[0].reason == "refund.line_already_refunded"
    with pytest.raises(InputError) as e:
        refund_payment(any_ctx.uow, ADMIN, Request(paid["receipt_no"], "x", "cash", amount_fen=40241,
                                                   approver="admin"))
    assert e.value.code == "refund.too_much" and e.value.params["left"] == 40240
    assert "402.40" in e.value.text("zh") and "402.40" in e.value.text("en")
    # by amount: the last line paid goes first, its late fee before its principal
    r2 = refund_payment(any_ctx.uow, ADMIN, Request(paid["receipt_no"], "x", "cash", amount_fen=10030,
                                                    approver="admin"))
    assert [(a["period"], a["fee_code"], a["principal_fen"], a["late_fee_fen"]) for a in r2["allocations"]] == [
        ("2026-11", "PM", -10000, -30)]
    r3 = refund_payment(any_ctx.uow, ADMIN, Request(paid["receipt_no"], "rest", "cash", approver="admin"))
    assert r1["amount_fen"] + r2["amount_fen"] + r3["amount_fen"] == paid["total_fen"]
    with pytest.raises(InputError) as e:
        refund_payment(any_ctx.uow, ADMIN, Request(paid["receipt_no"], "x", "cash", amount_fen=1, approver="admin"))
    assert e.value.code == "refund.nothing_left"
    assert _owed(any_ctx, world) == 42000
    _ok(any_ctx)


def test_original_route_splits_over_the_tenders_and_pos_needs_the_refund_slip(any_ctx, world):
    paid = _pay(any_ctx, ADMIN, "pos=300:123456789012", "cash=200")  # pos 30000, cash 12240 (change 7760)
    req = Request(paid["receipt_no"], "退房", "original", approver="admin")
    with pytest.raises(InputError) as e:
        refund_payment(any_ctx.uow, ADMIN, req)
    assert e.value.code == "refund.pos_reference_required"
    r = refund_payment(any_ctx.uow, ADMIN, Request(**{**req.__dict__, "pos_reference": "998877665544"}))
    assert {t["method"]: t["amount_fen"] for t in r["tenders"]} == {"cash": -12240, "pos": -30000}
    assert next(t["reference"] for t in r["tenders"] if t["method"] == "pos") == "998877665544"
    _ok(any_ctx)


def test_refund_to_prepaid_reopens_lines_and_credits_the_balance(any_ctx, world):
    paid = _pay(any_ctx, ADMIN, "cash=422.40")
    r = refund_payment(any_ctx.uow, ADMIN, Request(paid["receipt_no"], "转预存", "prepaid", amount_fen=20000,
                                                   approver="admin"))
    assert r["prepaid_fen"] == 20000 and r["tenders"] == [{"method": "prepaid", "amount_fen": -20000,
                                                           "reference": None}]
    assert _owed(any_ctx, world) > 0
    _ok(any_ctx)
    # the credit pays the lines again
    with any_ctx.uow() as s:
        again = pay_bills(s, ADMIN, "1-1-101", T("prepaid=200"))
    assert again["prepaid_fen"] == 0
    _ok(any_ctx)


def test_top_up_refund_only_what_is_still_held(any_ctx, world):
    with any_ctx.uow() as s:
        top = prepay(s, ADMIN, "1-1-102", T("cash=100"))
        pay_bills(s, ADMIN, "1-1-102", T("prepaid=20"), line_ids=[
            v.id for v in room_bills(s, world.rooms["1-1-102"].id, as_of=date(2026, 12, 20))["lines"]
            if v.fee_code == "GARB"])
    with pytest.raises(InputError) as e:
        refund_payment(any_ctx.uow, ADMIN, Request(top["receipt_no"], "退预存", "original", approver="admin"))
    assert e.value.code == "refund.prepaid_spent"
    with pytest.raises(InputError) as e:
        refund_payment(any_ctx.uow, ADMIN, Request(top["receipt_no"], "退预存", "prepaid", approver="admin"))
    assert e.value.code == "refund.prepay_to_prepaid"
    r = refund_payment(any_ctx.uow, ADMIN, Request(top["receipt_no"], "退预存", "original", amount_fen=8000,
                                                   approver="admin"))
    assert r["source"] == "prepaid" and r["prepaid_fen"] == 0
    _ok(any_ctx)


def test_approval_required_refused_and_wrong_password(any_ctx, world):
    paid = _pay(any_ctx, CASHIER, "cash=422.40")
    base = Request(paid["receipt_no"], "多收", "cash", amount_fen=100)
    with pytest.raises(InputError) as e:
        refund_payment(any_ctx.uow, CASHIER, base)
    assert e.value.code == "refund.approver_required"
    with pytest.raises(PermissionDenied) as e:  # a cashier cannot approve herself
        refund_payment(any_ctx.uow, CASHIER, Request(**{**base.__dict__, "approver": "cashier1"}), password="1234")
    assert e.value.code == "refund.self_approval_not_allowed"
    with pytest.raises(InputError) as e:
        refund_payment(any_ctx.uow, CASHIER, Request(**{**base.__dict__, "approver": "boss"}), password="nope")
    assert e.value.code == "users.approval_wrong_password"
    with any_ctx.uow() as s:
        users.ensure_user(s, "cashier2", "cashier", password="22")
    with pytest.raises(PermissionDenied) as e:  # another cashier is no approver
        refund_payment(any_ctx.uow, CASHIER, Request(**{**base.__dict__, "approver": "cashier2"}), password="22")
    assert e.value.code == "users.approver_not_allowed"
    with any_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(Refund)) == 0
        assert s.scalar(select(func.count()).select_from(Tender).where(Tender.amount_fen < 0)) == 0
    # finance acting alone names herself (no second password); it goes to prepaid (no drawer)
    r = refund_payment(any_ctx.uow, Counter("T1", "fin"), Request(**{**base.__dict__, "approver": "fin",
                                                                     "route": "prepaid"}))
    assert r["approved_by"] == "fin"
    r = refund_payment(any_ctx.uow, CASHIER, Request(**{**base.__dict__, "approver": "boss"}), password="boss-pw")
    assert r["approved_by"] == "boss"
    _ok(any_ctx)


def test_bad_input_changes_nothing(any_ctx, world):
    paid = _pay(any_ctx, ADMIN, "cash=422.40")
    cases = [
        (Request("T1-20261220-9999", "x", "cash", approver="admin"), "refund.receipt_not_found"),
        (Request(paid["receipt_no"], "", "cash", approver="admin"), "refund.reason_required"),
        (Request(paid["receipt_no"], "x", "bank", approver="admin"), "refund.bad_route"),
        (Request(paid["receipt_no"], "x", "cash", amount_fen=0, approver="admin"), "refund.amount_not_positive"),
        (Request(paid["receipt_no"], "x", "cash", line_ids=["nope"], approver="admin"), "refund.bad_lines"),
    ]
    for req, code in cases:
        with pytest.raises(InputError) as e:
            refund_payment(any_ctx.uow, ADMIN, req)
        assert e.value.code == code
    with any_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(Refund)) == 0
    _ok(any_ctx)


def test_refunded_receipts_and_refund_slips_cannot_be_voided(any_ctx, world):
    from app.services.cashier.voids import void_receipt

    paid = _pay(any_ctx, ADMIN, "cash=422.40")
    r = refund_payment(any_ctx.uow, ADMIN, Request(paid["receipt_no"], "多收", "cash", amount_fen=100,
                                                   approver="admin"))
    for no in (paid["receipt_no"], r["refund_no"]):
        with any_ctx.uow() as s, pytest.raises(InputError) as e:
            void_receipt(s, ADMIN, no, "录错")
        assert e.value.code == "refund.no_void"
    _ok(any_ctx)


def test_two_counters_refunding_at_once_never_give_back_more_than_was_paid(any_ctx, any_db_url, world):
    """Three counters (own engines) refund 300.00 of the same 422.40 payment at the same
    moment: the room lock lets one through; the others are refused (refund.too_much)."""
    import threading

    from app.context import AppContext

    paid = _pay(any_ctx, ADMIN, "cash=422.40")
    barrier, outcomes = threading.Barrier(3), []
    lock = threading.Lock()

    def counter() -> None:
        ctx = AppContext.open(any_db_url, migrate=False)
        try:
            barrier.wait()
            try:
                r = refund_payment(ctx.uow, ADMIN, Request(paid["receipt_no"], "x", "prepaid", amount_fen=30000,
                                                           approver="admin"))
                got = ("ok", r["amount_fen"])
            except InputError as e:
                got = ("refused", e.code)
            with lock:
                outcomes.append(got)
        finally:
            ctx.close()

    threads = [threading.Thread(target=counter) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == [("ok", 30000), ("refused", "refund.too_much"), ("refused", "refund.too_much")]
    _ok(any_ctx)
