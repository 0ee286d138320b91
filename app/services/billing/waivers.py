"""Waiving a late fee (减免滞纳金): a user allowed to ('waive') records why; the line's late
fee is then zero as of any day. The principal is untouched."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import BillAdjustment, BillLine
from app.errors import InputError, NotFound
from app.services import approval, audit, users
from app.sync_events import emit_event


def waive_late_fee(s: Session, line_id: str, reason: str, *, user: str, terminal: str | None = None,
                   approver: str | None = None, approver_password: str | None = None) -> dict:
    """A user allowed to waive does it alone; anyone else (a cashier) with a supervisor's
    approval on the spot (`approver` + their password): the approver is recorded as
    approved_by, the asking user as requested_by."""
    requested_by = None
    if not users.allows(s, user, "waive") and approver is not None:
        users.get_user(s, user)
        approved = approval.approve_for(s, user, approver, approver_password, "waive")
        requested_by, user = user, approved
    else:
        users.require(s, user, "waive")
    reason = (reason or "").strip()
    if not reason:
        raise InputError("billing.waive.reason_required")
    line = s.get(BillLine, line_id.strip())
    if line is None:
        raise NotFound("billing.no_line", line=line_id.strip())
    if s.scalar(select(BillAdjustment.id).where(BillAdjustment.bill_line_id == line.id,
                                                BillAdjustment.kind == "waive_late_fee")):
        raise InputError("billing.already_waived", line=line_id.strip())
    adj = BillAdjustment(bill_line_id=line.id, kind="waive_late_fee", amount_fen=None, reason=reason,
                         approved_by=user, requested_by=requested_by, created_at=clock.now())
    s.add(adj)
    s.flush()
    emit_event(s, "waiver", adj.id)  # a counter fact: central applies it (app.sync_apply.waivers)
    audit.record(s, "waive.late_fee", user=requested_by or user, terminal=terminal, entity="bill_line",
                 entity_id=line.id, detail={"reason": reason, "approved_by": user, "requested_by": requested_by})
    return {"line_id": line.id, "waived": "late_fee", "reason": reason, "approved_by": user,
            "requested_by": requested_by}
