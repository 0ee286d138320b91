"""The `collect_return` event (docs/bank-collection.md): a bank collection batch once its
return file was booked at a counter — the batch and every line with the bank's answer — so
central (and the other counters of the community) see which debits failed and why in their
arrears report. The paid lines' payments travel as their own `payment` events, which come
first in the counter's sequence; this event only links to them.

Builder and applier live together here: one module per event type that is not the counter's
core (app.sync_payloads holds those)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import BankMandate, CollectBatch, CollectLine, Payment, Room
from app.sync_apply.common import dt
from app.sync_events import EventRejected
from app.sync_rows import encode

VERSION = 1
_LINE_FIELDS = ("id", "seq", "room_id", "mandate_id", "account_no", "amount_fen", "items", "status", "reason_code",
                "reason", "bank_ref", "payment_id")


def build(s: Session, batch_id: str) -> dict[str, Any]:
    s.flush()
    b = s.get(CollectBatch, batch_id)
    lines = s.scalars(select(CollectLine).where(CollectLine.batch_id == batch_id).order_by(CollectLine.seq))
    return {"v": VERSION, "id": b.id, "batch_no": b.batch_no, "layout": b.layout, "period": b.period,
            "community_id": b.community_id, "rows": b.rows, "total_fen": b.total_fen, "status": b.status,
            "file_sha256": b.file_sha256, "created_by": b.created_by, "created_at": encode(b.created_at),
            "returned_at": encode(b.returned_at),
            "lines": [{**{k: getattr(x, k) for k in _LINE_FIELDS}, "returned_at": encode(x.returned_at)}
                      for x in lines]}


def apply(s: Session, p: dict[str, Any], origin_terminal: str) -> None:
    batch = s.get(CollectBatch, p["id"])
    if batch is not None and batch.status == "returned":
        return  # already here (a join snapshot, or a repeat)
    for x in p["lines"]:  # everything it points at must be here: else nothing of it is written
        if s.get(Room, x["room_id"]) is None:
            raise EventRejected("sync.unknown_room", room=x["room_id"])
        if s.get(BankMandate, x["mandate_id"]) is None:
            raise EventRejected("collect.sync_unknown_mandate", batch=p["batch_no"], mandate=x["mandate_id"])
        if x.get("payment_id") and s.get(Payment, x["payment_id"]) is None:
            raise EventRejected("collect.sync_unknown_payment", batch=p["batch_no"], payment=x["payment_id"])
    if batch is None:
        batch = CollectBatch(id=p["id"], batch_no=p["batch_no"], layout=p["layout"], period=p["period"],
                             community_id=p.get("community_id"), rows=int(p["rows"]), total_fen=int(p["total_fen"]),
                             created_by=p.get("created_by"), created_at=dt(p["created_at"]))
        s.add(batch)
    batch.status, batch.file_sha256, batch.returned_at = p["status"], p.get("file_sha256"), dt(p.get("returned_at"))
    s.flush()
    for x in p["lines"]:
        line = s.get(CollectLine, x["id"])
        if line is None:
            line = CollectLine(id=x["id"], batch_id=batch.id)
            s.add(line)
        for k in _LINE_FIELDS[1:]:
            setattr(line, k, x.get(k))
        line.returned_at = dt(x.get("returned_at"))
    s.flush()
