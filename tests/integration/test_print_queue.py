"""Printing after the commit, through the real network driver to a fake TCP 9100 printer:
a jam or a dropped connection fails the job, never the payment; retry prints it."""

from __future__ import annotations

from sqlalchemy import func, select, update

from app.db.models import Payment, Terminal
from app.printing.escpos_decode import decode, text_of
from app.services import print_queue
from app.services.billing.bill_run import bill_run
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, pay_bills
from app.services.cashier.tenders import parse_tender
from drivers.printer.fake_server import FakePrinterServer
from drivers.printer.worker import PrintWorker
from tests.support.builders import World


def _setup(ctx, settings):  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        w = World(s)
        for k in ("1-101", "1-102", "1-103"):
            w.room(k, "100", owner="王芳", phone="13800001111")
        w.fee("PM", "area", "2", name="物业服务费")
        bill_run(s, "2026-10", user="admin")
        s.execute(update(Terminal).where(Terminal.code == "T1").values(printer=settings))
        shifts.open_shift(s, "T1", "admin", 0)


def _pay(ctx, key):  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return pay_bills(s, Counter("T1", "admin"), key, [parse_tender("cash=200")])


def test_jobs_print_after_commit_and_failures_keep_the_payment(ctx):
    with FakePrinterServer() as fake:
        _setup(ctx, {"transport": "network", "target": f"{fake.address[0]}:{fake.address[1]}", "width_mm": 58,
                     "cash_drawer": True})
        r = _pay(ctx, "1-101")
        worker = PrintWorker(ctx, "T1", timeout=3)
        results = worker.run_pending()
        assert [x["ok"] for x in results] == [True]
        job = fake.wait_for_jobs(1)[0]
        assert r["receipt_no"] in text_of(decode(job)) and "物业服务费" in text_of(decode(job))

        fake.drop_after = 40  # the printer resets the connection part-way through the next job
        r2 = _pay(ctx, "1-102")
        failed = worker.run_pending()
        assert failed[0]["ok"] is False and failed[0]["error"]
        with ctx.uow() as s:
            assert s.scalar(select(func.count()).select_from(Payment)) == 2  # the payment stands
            job_id = print_queue.jobs(s, "T1", "failed")[0]["id"]
            print_queue.retry(s, job_id)
        fake.drop_after = None
        assert [x["ok"] for x in worker.run_pending()] == [True]
        assert r2["receipt_no"] in text_of(decode(fake.wait_for_jobs(2)[1]))

        with ctx.uow() as s:
            print_queue.enqueue_reprint(s, "T1", r["receipt_no"])
        assert worker.run_pending()[0]["ok"]
        assert "重打" in text_of(decode(fake.wait_for_jobs(3)[2]))


def test_unreachable_printer_fails_the_job_only(ctx):
    with FakePrinterServer() as fake:
        port = fake.address[1]
    _setup(ctx, {"transport": "network", "target": f"127.0.0.1:{port}"})  # nobody listens there now
    _pay(ctx, "1-101")
    res = PrintWorker(ctx, "T1", timeout=2).run_pending()
    assert res[0]["ok"] is False
    with ctx.uow() as s:
        assert print_queue.jobs(s, "T1")[0]["status"] == "failed"
        assert s.scalar(select(func.count()).select_from(Payment)) == 1


def test_printer_test_command_over_the_network(sqlite_url, capsys):
    import json

    from app.cli import main
    from app.context import AppContext
    from app.services import users

    assert main(["--db", sqlite_url, "init"]) == 0
    with FakePrinterServer() as fake:
        ctx = AppContext.open(sqlite_url)
        with ctx.uow() as s:
            users.ensure_terminal(s, "T1")
            s.execute(update(Terminal).where(Terminal.code == "T1").values(printer={**fake.settings, "width_mm": 80}))
        ctx.close()
        capsys.readouterr()
        assert main(["--db", sqlite_url, "printer-test", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["online"] is True and out["printed"] is True
        assert "打印测试页" in text_of(decode(fake.wait_for_jobs(1)[0]))
        fake.paper_out = True
        assert main(["--db", sqlite_url, "printer-test", "--no-print", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["paper_out"] is True


def test_run_pending_is_a_service_the_worker_only_hands_a_transport_to(any_ctx):
    """print_queue.run_pending claims, renders and books each job; the caller only sends bytes
    (on SQLite and PostgreSQL)."""
    _setup(any_ctx, {"transport": "file", "target": "/nonexistent/receipts.bin", "width_mm": 58})
    r1, r2 = _pay(any_ctx, "1-101"), _pay(any_ctx, "1-102")
    sent: list[tuple[dict, bytes]] = []

    def send(settings: dict, data: bytes) -> str | None:
        sent.append((settings, data))
        return None if len(sent) == 1 else "打印机缺纸：请装纸后重打收据。"

    seen: list[dict] = []
    results = print_queue.run_pending(any_ctx.uow, "T1", send, seen.append)
    assert [(x["receipt_no"], x["ok"]) for x in results] == [(r1["receipt_no"], True), (r2["receipt_no"], False)]
    assert seen == results
    assert sent[0][0]["path"] == "/nonexistent/receipts.bin" and "target" not in sent[0][0]
    assert r1["receipt_no"] in text_of(decode(sent[0][1]))
    with any_ctx.uow() as s:
        assert {j["receipt_no"]: (j["status"], j["error"]) for j in print_queue.jobs(s, "T1")} == {
            r1["receipt_no"]: ("done", None), r2["receipt_no"]: ("failed", "打印机缺纸：请装纸后重打收据。")}
    assert print_queue.run_pending(any_ctx.uow, "T1", send) == []  # nothing left queued


def test_a_job_without_a_printer_fails_with_words_for_the_cashier(any_ctx):
    _setup(any_ctx, {"transport": "file", "target": "/tmp/x.bin"})
    _pay(any_ctx, "1-101")
    with any_ctx.uow() as s:
        s.execute(update(Terminal).where(Terminal.code == "T1").values(printer={"transport": "none"}))
    res = print_queue.run_pending(any_ctx.uow, "T1", lambda _s, _d: None)
    assert res[0]["ok"] is False and "打印机设置" in res[0]["error"]
