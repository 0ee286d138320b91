import pytest
from sqlalchemy import update

from app.db.models import Posting
from app.services import ledger


def test_post_merges_balances_and_check_passes(ctx):
    with ctx.uow() as s:
        t = ledger.post(s, "bill", [("TND:pos:T9", 1000), ("INC:f1", -600), ("INC:f2", -400), ("TND:pos:T9", 5)] + [("INC:f1", -5)])
        ledger.post(s, "payment", [("TND:cash:T1", 1005), ("TND:pos:T9", -1005)])
        assert ledger.balances(s, ["TND:pos:T9", "INC:f1", "TND:cash:T1"]) == {"TND:pos:T9": 0, "INC:f1": -605, "TND:cash:T1": 1005}
        r = ledger.reverse(s, t, "void")
        assert ledger.balance(s, "TND:pos:T9") == -1005 and r != t
        assert ledger.check(s)["ok"] is True


def test_unbalanced_transactions_are_refused(ctx):
    with ctx.uow() as s:
        with pytest.raises(ledger.LedgerImbalance):
            ledger.post(s, "bill", [("TND:pos:T9", 1000), ("INC:f1", -999)])
        with pytest.raises(TypeError):
            ledger.post(s, "bill", [("TND:pos:T9", 1.5), ("INC:f1", -1.5)])  # type: ignore[list-item]


def test_check_finds_a_tampered_posting(ctx):
    with ctx.uow() as s:
        t = ledger.post(s, "bill", [("TND:pos:T9", 1000), ("INC:f1", -1000)])
        s.execute(update(Posting).where(Posting.txn_id == t, Posting.amount_fen == 1000).values(amount_fen=999))
        result = ledger.check(s)
    assert result["ok"] is False and t in result["problems"][0] and "-1 fen" in result["problems"][0]
    assert "whole ledger sums to -1" in result["problems"][1]
