"""The print queue: a receipt job is written in the payment's own unit of work (so a job
exists exactly when its payment does), and a worker prints it after the commit. A printer
that jams, is out of paper or times out only fails the job, with its error; the payment is
never rolled back or repeated because of the printer. Failed jobs can be retried, and any
receipt can be reprinted (marked 重打)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import clock
from app.db.models import PrintJob, Receipt, Terminal
from app.errors import InputError, NotFound
from app.ids import new_id


def enqueue(s: Session, terminal_id: str, receipt_id: str, kind: str = "receipt") -> str:
    job_id = new_id()
    s.add(PrintJob(id=job_id, terminal_id=terminal_id, receipt_id=receipt_id, kind=kind, status="queued",
                   created_at=clock.now()))
    return job_id


def enqueue_reprint(s: Session, terminal_code: str, receipt_no: str) -> str:
    terminal = s.scalar(select(Terminal).where(Terminal.code == terminal_code))
    receipt = s.scalar(select(Receipt).where(Receipt.receipt_no == receipt_no.strip()))
    if receipt is None:
        raise NotFound(f"receipt {receipt_no} does not exist")
    if terminal is None:
        raise NotFound(f"terminal {terminal_code} does not exist")
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
        raise NotFound(f"print job {job_id} does not exist")
    if job.status not in ("failed", "printing"):
        raise InputError(f"print job {job_id} is {job.status}; only a failed job can be retried")
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
    """The terminal's stored printer settings in the form the printer drivers take.

    The settings screen stores one `target` per transport ("192.168.1.50:9100", "COM3" or
    "/dev/ttyUSB0@115200", "0x0416:0x5011", a file path); the drivers take named fields.
    Settings already in driver form pass through unchanged."""
    if not stored or stored.get("transport") in (None, "", "none"):
        return {}
    out = {k: v for k, v in stored.items() if k not in ("target", "cash_drawer", "profile", "customer_display")}
    if "cash_drawer" in stored:
        out["drawer"] = bool(stored["cash_drawer"])
    target = str(stored.get("target") or "").strip()
    transport = stored["transport"]
    if target:
        if transport == "network":
            host, _, port = target.partition(":")
            out.setdefault("host", host)
            out.setdefault("port", int(port) if port.isdigit() else 9100)
        elif transport == "serial":
            port, _, baud = target.partition("@")
            out.setdefault("port", port)
            if baud.isdigit():
                out.setdefault("baudrate", int(baud))
        elif transport == "usb":
            vid, _, pid = target.partition(":")
            out.setdefault("vendor_id", int(vid, 16))
            out.setdefault("product_id", int(pid, 16))
        elif transport == "file":
            out.setdefault("path", target)
        elif transport == "win32raw":
            out.setdefault("printer_name", target)
    return out
