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


# --- ledger check names what is wrong (issue 9 item 2): tampering by direct SQL ---------------

import json  # noqa: E402
from datetime import date  # noqa: E402

from sqlalchemy import delete, select  # noqa: E402

from app import clock  # noqa: E402
from app.cli import main  # noqa: E402
from app.db.models import Allocation, LedgerTxn, Payment, PrintJob, Receipt, Tender  # noqa: E402
from app.services.billing.bill_run import bill_run  # noqa: E402
from app.services.cashier import shifts  # noqa: E402
from app.services.cashier.payments import Counter, pay_bills, prepay  # noqa: E402
from app.services.cashier.tenders import TenderInput  # noqa: E402
from app.services.ledger_check import full_check  # noqa: E402
from tests.support.builders import World  # noqa: E402

C = Counter("T1", "admin")


@pytest.fixture
def paid(any_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    """Room 1-101 with two bills, three receipts: a bill paid, a top-up, a bill paid from it."""
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 5))
    with any_ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100")
        w.fee("PM", "area", "2")
        bill_run(s, "2026-09", user="admin")
        bill_run(s, "2026-10", user="admin")
        shifts.open_shift(s, "T1", "admin")
        first = pay_bills(s, C, "1-101", [TenderInput("cash", 40000)])
        assert len(first["allocations"]) == 2
    with any_ctx.uow() as s:
        top = prepay(s, C, "1-101", [TenderInput("cash", 5000)])
    with any_ctx.uow() as s:
        assert full_check(s)["ok"], full_check(s)["problems"]
    return {"bills": first, "prepay": top}


def _failed(result: dict) -> dict[str, list]:
    return {c["name"]: c["offenders"] for c in result["checks"] if not c["ok"]}


def test_check_names_an_overpaid_line(any_ctx, paid):
    line = paid["bills"]["allocations"][0]["line_id"]
    with any_ctx.uow() as s:  # a second allocation of the same line, as a double payment leaves it
        s.add(Allocation(payment_id=paid["bills"]["payment_id"], bill_line_id=line, principal_fen=20000,
                         late_fee_fen=0))
    with any_ctx.uow() as s:
        result = full_check(s)
    failed = _failed(result)
    assert result["ok"] is False
    assert [o["line"] for o in failed["lines_not_overpaid"]] == [line]
    assert failed["lines_not_overpaid"][0]["principal_paid_fen"] == 40000
    assert failed["lines_not_overpaid"][0]["due_fen"] == 20000
    assert [o["payment"] for o in failed["payments_match_allocations"]] == [paid["bills"]["payment_id"]]
    assert any("lines_not_overpaid" in p for p in result["problems"])


def test_check_names_a_negative_prepaid_balance(any_ctx, paid):
    with any_ctx.uow() as s:  # the top-up's tender claims to be prepaid spending, twice
        pid = paid["prepay"]["payment_id"]
        txn = s.scalar(select(LedgerTxn.id).where(LedgerTxn.ref_id == pid))
        ledger.post(s, "payment", [("PRE:" + s.get(Payment, pid).room_id, 12000), ("TND:cash:T1", -12000)],
                    ref_type="payment", ref_id=pid)
        assert txn
    with any_ctx.uow() as s:
        failed = _failed(full_check(s))
    assert [o["balance_fen"] for o in failed["prepaid_not_negative"]] == [-7000]


def _delete_payment(s, payment_id: str, with_txn: bool) -> None:  # type: ignore[no-untyped-def]
    receipt = s.scalar(select(Receipt.id).where(Receipt.payment_id == payment_id))
    s.execute(delete(PrintJob).where(PrintJob.receipt_id == receipt))
    s.execute(delete(Receipt).where(Receipt.id == receipt))
    s.execute(delete(Tender).where(Tender.payment_id == payment_id))
    s.execute(delete(Allocation).where(Allocation.payment_id == payment_id))
    if with_txn:
        txn = s.scalar(select(LedgerTxn.id).where(LedgerTxn.ref_id == payment_id))
        s.execute(delete(Posting).where(Posting.txn_id == txn))
        s.execute(delete(LedgerTxn).where(LedgerTxn.id == txn))
    s.execute(delete(Payment).where(Payment.id == payment_id))


def test_check_names_a_deleted_payment(any_ctx, paid):
    pid = paid["bills"]["payment_id"]
    with any_ctx.uow() as s:
        _delete_payment(s, pid, with_txn=False)
    with any_ctx.uow() as s:
        failed = _failed(full_check(s))
    assert [(o["payment"], o["problem"]) for o in failed["payment_txns_match_payments"]] == [(pid, "payment_missing")]
    gap = failed["receipt_numbers_gapless"]
    assert [(o["terminal"], o["day"], o["missing"]) for o in gap] == [("T1", "2026-11-05", [1])]


def test_check_names_a_payment_deleted_with_its_books(any_ctx, paid):
    """Payment, children and ledger transaction all gone: the books agree with what is left,
    so only the hole in the receipt numbers shows it — even for the day's last receipt."""
    with any_ctx.uow() as s:
        _delete_payment(s, paid["prepay"]["payment_id"], with_txn=True)
    with any_ctx.uow() as s:
        failed = _failed(full_check(s))
    assert list(failed) == ["receipt_numbers_gapless"]
    assert failed["receipt_numbers_gapless"][0]["missing"] == [2]
    assert failed["receipt_numbers_gapless"][0]["last_seq"] == 2


def test_cli_ledger_check_json_lists_checks(any_ctx, paid, capsys):
    db = ["--db", any_ctx.settings.db_url]
    assert main([*db, "ledger", "check", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and {"transactions", "problems", "checks"} <= set(doc)
    assert {c["name"] for c in doc["checks"]} >= {"lines_not_overpaid", "prepaid_not_negative",
                                                  "receipt_numbers_gapless", "payments_match_tenders",
                                                  "payments_match_allocations", "payment_txns_match_payments"}
    with any_ctx.uow() as s:
        _delete_payment(s, paid["bills"]["payment_id"], with_txn=False)
    with pytest.raises(SystemExit) as e:
        main([*db, "ledger", "check", "--json"])
    assert e.value.code == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and {c["name"] for c in doc["checks"] if not c["ok"]} >= {
        "payment_txns_match_payments", "receipt_numbers_gapless"}
