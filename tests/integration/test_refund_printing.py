"""The 退款单 (refund slip) is queued with the refund and printed by the terminal's print
worker like a payment receipt (ESC/POS to a fake TCP 9100 printer), and as a PDF: it names
the receipt refunded, the reason and approver, and its lines and tenders add up."""

from __future__ import annotations

from sqlalchemy import select, update

from app.db.models import Deposit, Terminal
from app.printing.escpos_decode import decode, text_of
from app.printing.pdf_receipt import receipt_pdf
from app.services import print_queue
from app.services.billing.bill_run import bill_run
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, collect_deposit, pay_bills
from app.services.cashier.tenders import parse_tender
from app.services.receipts import receipt_doc
from app.services.refunds import Request, refund_deposit, refund_payment
from drivers.printer.fake_server import FakePrinterServer
from drivers.printer.worker import PrintWorker
from tests.support.builders import World

C = Counter("T1", "admin")


def test_refund_slips_print_through_the_queue_and_as_pdf(ctx, tmp_path):
    with FakePrinterServer() as fake:
        with ctx.uow() as s:
            w = World(s)
            w.room("1-101", "100", owner="王芳")
            w.fee("PM", "area", "2", name="物业服务费")
            bill_run(s, "2026-10", user="admin")
            s.execute(update(Terminal).where(Terminal.code == "T1").values(
                printer={"transport": "network", "target": f"{fake.address[0]}:{fake.address[1]}", "width_mm": 58}))
            shifts.open_shift(s, "T1", "admin", 0)
            paid = pay_bills(s, C, "1-101", [parse_tender("cash=200")])
            dep = collect_deposit(s, C, "1-101", "装修押金", [parse_tender("cash=500")])
            dep_id = s.scalar(select(Deposit.id).where(Deposit.payment_id == dep["payment_id"]))
        r = refund_payment(ctx.uow, C, Request(paid["receipt_no"], "重复缴费", "cash", amount_fen=5000,
                                               approver="admin"))
        with ctx.uow() as s:
            d = refund_deposit(s, C, dep_id, approver="admin", deduct_fen=8000, note="墙面损坏")
            assert [j["status"] for j in print_queue.jobs(s, "T1")] == ["queued"] * 4
        results = PrintWorker(ctx, "T1", timeout=3).run_pending()
        assert [x["ok"] for x in results] == [True] * 4
        slips = [text_of(decode(job)) for job in fake.wait_for_jobs(4)]
        refund_text = next(t for t in slips if r["refund_no"] in t)
        assert "退款单" in refund_text and paid["receipt_no"] in refund_text and "重复缴费" in refund_text
        assert "-50.00" in refund_text
        deposit_text = next(t for t in slips if d["refund_no"] in t)
        assert "退装修押金" in deposit_text and "墙面损坏" in deposit_text and "-420.00" in deposit_text
    with ctx.uow() as s:
        doc = receipt_doc(s, d["refund_no"])
    assert doc.title == "退款单" and doc.total_fen == -42000
    assert [(x.fee_name, x.amount_fen) for x in doc.lines] == [(f"原收据 {dep['receipt_no']}", 0),
                                                              ("退装修押金", -50000), ("扣除", 8000)]
    out = tmp_path / "refund.pdf"
    receipt_pdf(doc, out)
    assert out.read_bytes().startswith(b"%PDF")
