"""From the window to the paper: a payment's receipt and a reprint reach a (fake, real-socket)
network printer through the print worker, off the GUI thread; the test page too."""

from __future__ import annotations

from sqlalchemy import update

from app.db.models import Terminal
from app.printing.escpos_decode import decode, text_of
from app.services.cashier.payments import pay_bills
from app.services.cashier.tenders import parse_tender
from drivers.printer.fake_server import FakePrinterServer


def test_payment_reprint_and_test_page_print(qtbot, ctx, window):
    with FakePrinterServer() as fake:
        host, port = fake.address
        settings = {"transport": "network", "target": f"{host}:{port}", "width_mm": 58, "encoding": "gb18030",
                    "cash_drawer": True}
        with ctx.uow() as s:
            s.execute(update(Terminal).where(Terminal.code == "T1").values(printer=settings))
            r = pay_bills(s, window.counter(), "1-1-102", [parse_tender("cash=400")])
        with qtbot.waitSignal(window.printing.printed, timeout=10000) as sig:
            window.after_payment(r["receipt_no"])
        assert sig.args[0]["ok"] and sig.args[0]["receipt_no"] == r["receipt_no"]
        assert r["receipt_no"] in text_of(decode(fake.wait_for_jobs(1)[0]))
        with qtbot.waitSignal(window.printing.printed, timeout=10000):
            window.after_payment(r["receipt_no"], reprint=True)
        assert "重打" in text_of(decode(fake.wait_for_jobs(2)[1]))
        with qtbot.waitSignal(window.printing.printed, timeout=10000) as sig:
            window.print_test_page(settings)
        assert sig.args[0]["ok"] and "打印测试页" in text_of(decode(fake.wait_for_jobs(3)[2]))
        assert window.bar.currentMessage() in ("Test page printed", "测试页已打印")  # tests run untranslated


def test_test_page_without_a_printer_says_what_to_do(qtbot, window):
    with qtbot.waitSignal(window.printing.printed, timeout=10000) as sig:
        window.print_test_page({"transport": "none"})
    assert sig.args[0]["ok"] is False and "打印机设置" in sig.args[0]["error"]


def test_a_failed_job_is_reported_in_words_through_the_worker(qtbot, ctx, window):
    with ctx.uow() as s:  # a file printer whose folder cannot be created
        s.execute(update(Terminal).where(Terminal.code == "T1").values(
            printer={"transport": "file", "target": "/proc/no/such/dir/r.bin"}))
        r = pay_bills(s, window.counter(), "1-1-102", [parse_tender("cash=400")])
    with qtbot.waitSignal(window.printing.printed, timeout=10000) as sig:
        window.after_payment(r["receipt_no"])
    assert sig.args[0]["ok"] is False and "/proc/no/such/dir/r.bin" in sig.args[0]["error"]
