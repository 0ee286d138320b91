"""The exact ledger postings of what the counter does: each payment is one balanced
transaction (debits positive, credits negative) with exactly these accounts and amounts —
no more, no fewer — and a void is one transaction that mirrors it. On SQLite and PostgreSQL.

The room 1-1-101 (100 m², 物业费 2.00/m² with late fees, 垃圾费 10.00) owes October and
November: 2 × (200.00 + 10.00) = 420.00, and on 2026-12-20 late fees of 2.10 (October's
200.00, due 11-15, 35 days × 0.0003) + 0.30 (November's, due 12-15, 5 days) = 2.40.
Room 1-1-102 (80 m²): 2 × (160.00 + 10.00) = 340.00 + late fees 1.68 + 0.24 = 1.92.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app import clock
from app.db.models import LedgerAccount, LedgerTxn, Payment, Posting, Receipt, Tender
from app.services.billing.bill_run import bill_run
from app.services.cashier.payments import Counter, pay_bills, prepay
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
        w.ids = {"101": w.rooms["1-1-101"].id, "102": w.rooms["1-1-102"].id, "yg": w.community.id}
    return w


def _named(code: str, ids: dict[str, str]) -> str:
    """An account code with its room or community id written as the test knows it."""
    for name, id_ in ids.items():
        code = code.replace(id_, name)
    return code


def txns_of(s, ids: dict[str, str], ref_type: str, ref_id: str) -> list[tuple[str, list[tuple[str, int]]]]:  # type: ignore[no-untyped-def]
    """Every ledger transaction with this reference: (kind, [(account, amount), …] by account)."""
    out = []
    for txn in s.scalars(select(LedgerTxn).where(LedgerTxn.ref_type == ref_type, LedgerTxn.ref_id == ref_id)
                         .order_by(LedgerTxn.created_at, LedgerTxn.id)):
        rows = s.execute(select(LedgerAccount.code, Posting.amount_fen)
                         .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
                         .where(Posting.txn_id == txn.id)).all()
        out.append((txn.kind, sorted((_named(code, ids), amount) for code, amount in rows)))
    return out


def tenders_of(s, payment_id: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    return sorted((t.method, t.amount_fen, t.received_fen) for t in
                  s.scalars(select(Tender).where(Tender.payment_id == payment_id)))


def test_cash_with_change_debits_the_drawer_only_what_was_kept(any_ctx, world):
    with any_ctx.uow() as s:
        r = pay_bills(s, C, "1-1-101", T("cash=500"))
        assert r["total_fen"] == 42240 and r["change_fen"] == 50000 - 42240
        assert txns_of(s, world.ids, "payment", r["payment_id"]) == [("payment", [
            ("AR:101", -42000),          # the principal leaves the receivable
            ("LATE:yg", -240),           # the late fees are the community's income
            ("TND:cash:T1", 42240),      # the drawer keeps 500.00 - 77.60 change
        ])]
        assert tenders_of(s, r["payment_id"]) == [("cash", 42240, 50000)]
        assert s.get(Payment, r["payment_id"]).change_fen == 7760
        assert full_check(s)["ok"]


def test_split_pos_and_cash_debits_each_tender_its_share(any_ctx, world):
    with any_ctx.uow() as s:
        r = pay_bills(s, C, "1-1-102", T("pos=300:123456789012/000001/000002", "cash=50"))
        assert r["total_fen"] == 34192 and r["change_fen"] == 30000 + 5000 - 34192
        assert txns_of(s, world.ids, "payment", r["payment_id"]) == [("payment", [
            ("AR:102", -34000),
            ("LATE:yg", -192),
            ("TND:cash:T1", 4192),       # cash covers the rest; 8.08 back as change
            ("TND:pos:T1", 30000),       # the card is charged exactly what was keyed
        ])]
        assert tenders_of(s, r["payment_id"]) == [("cash", 4192, 5000), ("pos", 30000, None)]
        assert full_check(s)["ok"]


def test_prepaid_top_up_credits_the_rooms_prepaid_account_and_paying_from_it_debits_it(any_ctx, world):
    with any_ctx.uow() as s:
        top = prepay(s, C, "1-1-101", T("cash=500"))
        assert top["total_fen"] == 50000 and top["change_fen"] == 0 and top["prepaid_fen"] == 50000
        assert txns_of(s, world.ids, "payment", top["payment_id"]) == [("payment", [
            ("PRE:101", -50000),         # a liability: the room's money held for it
            ("TND:cash:T1", 50000),
        ])]
        paid = pay_bills(s, C, "1-1-101", T("prepaid=422.40"))
        assert txns_of(s, world.ids, "payment", paid["payment_id"]) == [("payment", [
            ("AR:101", -42000),
            ("LATE:yg", -240),
            ("PRE:101", 42240),          # no drawer moves: the prepaid balance pays
        ])]
        assert paid["prepaid_fen"] == 50000 - 42240
        assert full_check(s)["ok"]


def test_a_void_is_one_transaction_mirroring_the_payment(any_ctx, world):
    with any_ctx.uow() as s:
        r = pay_bills(s, C, "1-1-101", T("pos=100:123456789012", "cash=400"))
        v = void_receipt(s, C, r["receipt_no"], "收错房号")
        assert v["status"] == "void"
        receipt_id = s.scalar(select(Receipt.id).where(Receipt.receipt_no == r["receipt_no"]))
        paid = [("AR:101", -42000), ("LATE:yg", -240), ("TND:cash:T1", 32240), ("TND:pos:T1", 10000)]
        # the payment's transaction stays as it was ...
        assert txns_of(s, world.ids, "payment", r["payment_id"]) == [("payment", paid)]
        # ... and exactly one reversal with every posting negated, pointing at it
        assert txns_of(s, world.ids, "receipt_void", receipt_id) == [("void", [(a, -x) for a, x in paid])]
        original = s.scalar(select(LedgerTxn.id).where(LedgerTxn.ref_type == "payment",
                                                       LedgerTxn.ref_id == r["payment_id"]))
        reversal = s.scalar(select(LedgerTxn).where(LedgerTxn.ref_type == "receipt_void"))
        assert reversal.reverses_id == original and r["receipt_no"] in reversal.memo
        assert full_check(s)["ok"]
