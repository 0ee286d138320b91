"""Deposit returns (issue 14 item 2) on SQLite and PostgreSQL: less a deduction with a note
(income), paid out by the chosen tender, approval required, once per deposit; the deposit
list shows each deposit's whole life; ledger check passes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.db.models import DepositReturn
from app.errors import InputError, PermissionDenied
from app.services import ledger, users
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, collect_deposit
from app.services.ledger_check import full_check
from app.services.refunds import deposit_history, refund_deposit
from tests.support import counter_world
from tests.support.counter_world import T

ADMIN = Counter("T1", "admin")
CASHIER = Counter("T1", "cashier1")


@pytest.fixture
def deposit(any_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 20))
    with any_ctx.uow() as s:
        counter_world.build(s)
        users.ensure_user(s, "cashier1", "cashier", password="1234")
        users.ensure_user(s, "boss", "manager", password="boss-pw")
        shifts.open_shift(s, "T1", "cashier1", 0)
        r = collect_deposit(s, CASHIER, "1-1-101", "装修押金", T("cash=2000"))
        from app.db.models import Deposit
        return s.scalar(select(Deposit.id).where(Deposit.payment_id == r["payment_id"]))


def _ok(ctx) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        check = full_check(s)
    assert check["ok"], check["problems"]


def test_return_less_deduction_is_income_and_cash_out(any_ctx, deposit):
    with any_ctx.uow() as s:
        with pytest.raises(InputError) as e:
            refund_deposit(s, CASHIER, deposit, approver="boss", password="boss-pw", deduct_fen=30000)
        assert e.value.code == "refund.deduct_note_required"
    with any_ctx.uow() as s:
        r = refund_deposit(s, CASHIER, deposit, approver="boss", password="boss-pw", deduct_fen=30000,
                           note="损坏电梯轿厢保护板", tender="cash")
    assert (r["amount_fen"], r["deducted_fen"]) == (170000, 30000)
    assert r["tenders"] == [{"method": "cash", "amount_fen": -170000, "reference": None}]
    with any_ctx.uow() as s:
        assert ledger.balance(s, ledger.income_account("deposit_deduction")) == -30000
        life = deposit_history(s, room_key="1-1-101")
        assert [(d["state"], d["returned"]["paid_out_fen"], d["returned"]["deducted_fen"], d["returned"]["note"],
                 d["returned"]["approved_by"]) for d in life] == [("returned", 170000, 30000, "损坏电梯轿厢保护板",
                                                                   "boss")]
        shift = shifts.current(s, users.ensure_terminal(s, "T1").id, users.get_user(s, "cashier1").id)
        assert shifts.expected_by_tender(s, shift)["cash"] == 200000 - 170000
    with any_ctx.uow() as s, pytest.raises(InputError) as e:
        refund_deposit(s, ADMIN, deposit, approver="admin")
    assert e.value.code == "refund.deposit_returned"
    _ok(any_ctx)


def test_approval_and_bad_input_change_nothing(any_ctx, deposit):
    bad = [
        (dict(approver=None), InputError, "refund.approver_required"),
        (dict(approver="cashier1", password="1234"), PermissionDenied, "refund.self_approval_not_allowed"),
        (dict(approver="boss", password="wrong"), InputError, "users.approval_wrong_password"),
        (dict(approver="boss", password="boss-pw", deduct_fen=300000, note="x"), InputError, "refund.deduct_too_much"),
        (dict(approver="boss", password="boss-pw", tender="wechat"), InputError, "refund.deposit_bad_tender"),
        (dict(approver="boss", password="boss-pw", tender="pos"), InputError, "refund.pos_reference_required"),
    ]
    for kw, exc, code in bad:
        with any_ctx.uow() as s, pytest.raises(exc) as e:
            refund_deposit(s, CASHIER, deposit, **kw)
        assert e.value.code == code, kw
    with any_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(DepositReturn)) == 0
        assert [d["state"] for d in deposit_history(s)] == ["held"]
    # the whole deposit to the room's prepaid balance, by a manager alone
    with any_ctx.uow() as s:
        r = refund_deposit(s, ADMIN, deposit, approver="admin", tender="prepaid")
    assert r["prepaid_fen"] == 200000 and r["deducted_fen"] == 0
    _ok(any_ctx)
