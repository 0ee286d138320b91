"""The print queue: a receipt job is written in the payment's own unit of work (so a job
exists exactly when its payment does), and a worker prints it after the commit. A printer
that jams, is out of paper or times out only fails the job, with its error; the payment is
never rolled back or repeated because of the printer. Failed jobs can be retried, and any
receipt can be reprinted (marked 重打)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import clock, printer_transports
from app.db.models import PrintJob, Receipt, Terminal
from app.errors import AppError, InputError, Msg, NotFound
from app.ids import new_id
from app.messages import describe, render
from app.services.receipts import receipt_doc


def enqueue(s: Session, terminal_id: str, receipt_id: str, kind: str = "receipt") -> str:
    job_id = new_id()
    s.add(PrintJob(id=job_id, terminal_id=terminal_id, receipt_id=receipt_id, kind=kind, status="queued",
                   created_at=clock.now()))
    return job_id


def enqueue_reprint(s: Session, terminal_code: str, receipt_no: str) -> str:
    terminal = s.scalar(select(Terminal).where(Terminal.code == terminal_code))
    receipt = s.scalar(select(Receipt).where(Receipt.receipt_no == receipt_no.strip()))
    if receipt is None:
        raise NotFound("print.no_receipt", receipt_no=receipt_no.strip())
    if terminal is None:
        raise NotFound("print.no_terminal", terminal=terminal_code)
    return enqueue(s, terminal.id, receipt.id, "reprint")


def claim(s: Session, terminal_code: str) -> PrintJob | None:
    """The oldest queued job of this terminal, marked as printing (one worker per terminal)."""
    job = s.scalar(select(PrintJob).join(Terminal, Terminal.id == PrintJob.terminal_id)
                   .where(Terminal.code == terminal_code, PrintJob.status == "queued")
                   .order_by(PrintJob.created_at, PrintJob.id).limit(1))
    if job is not None:
        job.status, job.attempts = "printing", job.attempts + 1
    return job


def finish(s: Session, job_id: str, error: str | None = None) -> None:
    values = {"status": "failed", "error": error[:300]} if error else {"status": "done", "error": None,
                                                                       "printed_at": clock.now()}
    s.execute(update(PrintJob).where(PrintJob.id == job_id).values(**values))


def retry(s: Session, job_id: str) -> None:
    job = s.get(PrintJob, job_id)
    if job is None:
        raise NotFound("print.no_job", job=job_id)
    if job.status not in ("failed", "printing"):
        raise InputError("print.not_failed", job=job_id, status=Msg(f"print.job_status.{job.status}"))
    job.status = "queued"


def jobs(s: Session, terminal_code: str, status: str | None = None, limit: int = 50) -> list[dict]:
    q = (select(PrintJob, Receipt.receipt_no).join(Terminal, Terminal.id == PrintJob.terminal_id)
         .outerjoin(Receipt, Receipt.id == PrintJob.receipt_id).where(Terminal.code == terminal_code))
    if status:
        q = q.where(PrintJob.status == status)
    return [{"id": j.id, "receipt_no": no, "kind": j.kind, "status": j.status, "attempts": j.attempts,
             "error": j.error, "created_at": j.created_at.isoformat()}
            for j, no in s.execute(q.order_by(PrintJob.created_at.desc()).limit(limit))]


def printer_settings(s: Session, terminal_code: str) -> dict | None:
    return s.scalar(select(Terminal.printer).where(Terminal.code == terminal_code))


def driver_settings(stored: dict | None) -> dict:
    """The stored settings in driver form (app.printer_transports.driver_settings)."""
    return printer_transports.driver_settings(stored)


# What a print worker hands in: deliver these ESC/POS bytes with these driver settings;
# returns None when printed, or the error in words (the driver's PrinterError, a timeout…).
Send = Callable[[dict, bytes], "str | None"]


def run_pending(uow: Callable[[], AbstractContextManager[Session]], terminal_code: str, send: Send,
                on_result: Callable[[dict], None] | None = None) -> list[dict]:
    """Print every queued job of this terminal now; returns what happened to each.

    Each job is claimed in its own unit of work (committed before any byte goes to the
    printer, so a second worker cannot take it), rendered from the records, sent through
    `send` outside any transaction, and marked done or failed in another unit of work. The
    transport itself is the caller's (drivers/printer/worker.py): app/ never imports drivers."""
    results = []
    while True:
        with uow() as s:
            job = claim(s, terminal_code)
            if job is None:
                return results
            job_id, kind, receipt_id = job.id, job.kind, job.receipt_id
            settings = driver_settings(printer_settings(s, terminal_code))
            receipt_no = s.get(Receipt, receipt_id).receipt_no
            doc = receipt_doc(s, receipt_no, reprint_at=clock.now() if kind == "reprint" else None)
        if not settings:
            error: str | None = render(Msg("print.no_printer"), "zh")
        else:
            try:
                # imported here: python-escpos loads its printer database (~0.14 s) at import, and
                # every CLI command imports this module
                from app.printing.escpos_layout import PrinterProfile, render_escpos

                profile = PrinterProfile.from_settings(settings)
                data = render_escpos(doc, profile.width_mm, profile)
            except (AppError, ValueError) as e:
                error = render(Msg("print.bad_profile", detail=describe(e, "zh")), "zh")
            else:
                error = send(settings, data)
        with uow() as s:
            finish(s, job_id, error)
        result = {"job_id": job_id, "receipt_no": receipt_no, "ok": error is None, "error": error}
        results.append(result)
        if on_result:
            on_result(result)
