"""`propdesk print-queue list|run|retry` and `propdesk reprint`: the printing side of the
command line, registered through the propdesk.commands entry point (app never imports
drivers)."""

from __future__ import annotations

import argparse

from app.cli import Result, command
from app.cli.common import in_uow
from app.config import Settings
from app.context import AppContext
from app.errors import AppError, InputError
from app.services import print_queue, users


def _queue_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["list", "run", "retry"])
    p.add_argument("job", nargs="?", help="retry: the job id")
    p.add_argument("--status", choices=["queued", "printing", "done", "failed"])


@command("print-queue", "list the terminal's print jobs, print the queued ones now, or retry a failed one", _queue_args)
def run_queue(settings: Settings, args: argparse.Namespace) -> Result:
    from drivers.printer.worker import PrintWorker

    if args.action == "list":
        jobs = in_uow(settings, lambda s: print_queue.jobs(s, settings.terminal, args.status))
        text = "\n".join(f"{j['id']}  {j['receipt_no']}  {j['kind']}  {j['status']}  {j['error'] or ''}" for j in jobs)
        return Result({"jobs": jobs}, text or "无打印任务 no print jobs")
    in_uow(settings, lambda s: users.require(s, settings.user, "receipt"))  # docs/permissions.md
    if args.action == "retry":
        if not args.job:
            raise InputError("print.retry_needs_job")
        in_uow(settings, lambda s: print_queue.retry(s, args.job))
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        results = PrintWorker(ctx, settings.terminal).run_pending()
    finally:
        ctx.close()
    text = "\n".join(f"{r['receipt_no']}: {'已打印 printed' if r['ok'] else '失败 failed: ' + str(r['error'])}"
                     for r in results)
    return Result({"printed": results}, text or "无待打印任务 nothing queued")


def _reprint_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("receipt_no")


@command("reprint", "reprint a receipt on this terminal's printer (marked 重打)", _reprint_args)
def run_reprint(settings: Settings, args: argparse.Namespace) -> Result:
    from drivers.printer.worker import PrintWorker

    in_uow(settings, lambda s: (users.require(s, settings.user, "receipt"),
                                print_queue.enqueue_reprint(s, settings.terminal, args.receipt_no)))
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        results = PrintWorker(ctx, settings.terminal).run_pending()
    finally:
        ctx.close()
    failed = [r for r in results if not r["ok"]]
    if failed:
        raise AppError("print.reprint_failed", error=failed[0]["error"])
    return Result({"printed": results}, f"已重打 reprinted {args.receipt_no}")


def _test_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-print", action="store_true", help="only ask the printer for its status")


@command("printer-test", "print a test page on this terminal's printer and show its status", _test_args)
def run_printer_test(settings: Settings, args: argparse.Namespace) -> Result:
    from app.printing.escpos_layout import PrinterProfile
    from app.printing.test_page import test_page
    from drivers.printer.factory import open_printer

    stored = in_uow(settings, lambda s: print_queue.printer_settings(s, settings.terminal))
    conf = print_queue.driver_settings(stored)
    if not conf:
        raise InputError("print.no_printer")
    printer = open_printer(conf)
    try:
        status = printer.status()
        if not args.no_print:
            printer.send(test_page(PrinterProfile.from_settings(conf), settings.terminal))
    finally:
        printer.close()
    doc = {"online": status.online, "paper_out": status.paper_out, "detail": status.detail,
           "printed": not args.no_print}
    return Result(doc, f"打印机 printer: {'在线 online' if status.online else '离线 offline'}"
                       f"{' · 缺纸 paper out' if status.paper_out else ''} · {status.detail}"
                       + (" · 已打印测试页 test page printed" if not args.no_print else ""))
