"""Applying a `waiver` made at a counter: the adjustment with the sender's id. A line whose
late fee is already waived here (two counters waived it offline) keeps the first waiver."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import BillAdjustment, BillLine
from app.sync_apply.common import dt, user_id
from app.sync_events import EventRejected


def apply_waiver(s: Session, p: dict[str, Any], origin_terminal: str) -> None:
    if s.get(BillAdjustment, p["id"]) is not None:
        return
    line = s.get(BillLine, p["bill_line_id"])
    if line is None:
        raise EventRejected("sync.unknown_line", line=p["bill_line_id"], room="?")
    user_id(s, p.get("approved_by"))  # the approver must be a user here too
    if p["kind"] == "waive_late_fee" and s.scalar(select(BillAdjustment.id).where(
            BillAdjustment.bill_line_id == line.id, BillAdjustment.kind == "waive_late_fee")):
        return
    s.add(BillAdjustment(id=p["id"], bill_line_id=line.id, kind=p["kind"], amount_fen=p.get("amount_fen"),
                         reason=p["reason"], approved_by=p["approved_by"], requested_by=p.get("requested_by"),
                         created_at=dt(p["created_at"])))
    s.flush()
