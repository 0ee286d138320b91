"""What the refund windows show before anything is asked: a receipt's refundable lines and
amount, the routes that fit it, and whether the acting user approves herself."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Room, Tender
from app.services import users
from app.services.refunds.approval import APPROVE
from app.services.refunds.plan import _left_by_line, _names, earlier_refunds, original_payment, refunded_fen


def refundable(s: Session, receipt_no: str, user: str) -> dict:
    """{"receipt_no", "kind", "room", "total_fen", "left_fen", "lines": [{"line_id", "fee_name",
    "period", "left_fen"}], "methods", "routes", "can_approve"}. Raises the same coded errors
    as the refund itself for a receipt that cannot be refunded (a refund, a deposit, a void)."""
    p, receipt_no = original_payment(s, receipt_no)
    left = p.total_fen - refunded_fen(s, p.id)
    lines = []
    if p.kind != "prepay":
        rows = _left_by_line(s, p, earlier_refunds(s, p.id))
        names = _names(s, [a.bill_line_id for a, _, _ in rows])
        for a, pl, ll in rows:
            if pl + ll > 0:
                code, name, period = names[a.bill_line_id]
                lines.append({"line_id": a.bill_line_id, "fee_code": code, "fee_name": name, "period": period,
                              "left_fen": pl + ll})
    methods = sorted(set(s.scalars(select(Tender.method).where(Tender.payment_id == p.id))))
    routes = ["original", "cash"] + ([] if p.kind == "prepay" else ["prepaid"])
    return {"receipt_no": receipt_no, "kind": p.kind, "room": s.scalar(select(Room.room_key).where(Room.id == p.room_id)),
            "total_fen": p.total_fen, "left_fen": left, "lines": lines, "methods": methods, "routes": routes,
            "can_approve": users.allows(s, user, APPROVE)}


def can_approve(s: Session, user: str) -> bool:
    return users.allows(s, user, APPROVE)
