"""Receipt history for the counter (票据查询): read-only, plain dicts out.

Search by receipt number (exact, or a prefix such as `T1-20261124`), by room key (exact, or
a building/unit prefix such as `3-2`), and by issue day range. Each row says whether the
receipt is issued or void, its total, its tenders and who took the money, so the list
screen needs no second query. Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Allocation, BillLine, Community, FeeItem, Payment, Receipt, ReceiptVoid, Room, Tender, \
    Terminal, User
from app.services.lookup import normalize_key

MAX_ROWS = 500


def search_receipts(s: Session, *, number: str | None = None, room: str | None = None,
                    date_from: date | None = None, date_to: date | None = None, terminal: str | None = None,
                    limit: int = 200) -> list[dict]:
    """Newest first. All filters are optional and combine with AND; `limit` caps the rows
    (at most MAX_ROWS) so an open search never loads a year of receipts into the list."""
    q = (select(Receipt, Payment, Room.room_key, Community.name, Terminal.code, User.username, User.display_name,
                ReceiptVoid.reason, ReceiptVoid.created_at)
         .join(Payment, Payment.id == Receipt.payment_id)
         .join(Room, Room.id == Payment.room_id)
         .join(Community, Community.id == Room.community_id)
         .join(Terminal, Terminal.id == Receipt.terminal_id)
         .outerjoin(User, User.id == Payment.user_id)
         .outerjoin(ReceiptVoid, ReceiptVoid.receipt_id == Receipt.id))
    number = (number or "").strip()
    if number:
        # Receipt numbers are ASCII; a range on the unique index serves exact and prefix.
        q = q.where(Receipt.receipt_no >= number, Receipt.receipt_no < number + "\uffff")
    key = normalize_key(room or "")
    if key:
        q = q.where((Room.room_key == key) | ((Room.room_key > key + "-") & (Room.room_key < key + "-\uffff")))
    if date_from:
        q = q.where(Receipt.day >= date_from)
    if date_to:
        q = q.where(Receipt.day <= date_to)
    if terminal:
        q = q.where(Terminal.code == terminal)
    q = q.order_by(Receipt.issued_at.desc(), Receipt.receipt_no.desc()).limit(max(1, min(limit, MAX_ROWS)))
    rows = s.execute(q).all()
    tenders = _tenders(s, [p.id for _, p, *_ in rows])
    out = []
    for r, p, room_key, community, term, username, display, void_reason, voided_at in rows:
        out.append({
            "receipt_no": r.receipt_no, "issued_at": r.issued_at.isoformat(), "day": r.day.isoformat(),
            "terminal": term, "room_key": room_key, "community": community, "payer": p.payer_name,
            "kind": p.kind, "note": p.note, "total_fen": p.total_fen, "change_fen": p.change_fen,
            "status": "void" if void_reason is not None else "issued", "void_reason": void_reason,
            "voided_at": voided_at.isoformat() if voided_at else None,
            "cashier": username, "cashier_name": display, "tenders": tenders.get(p.id, []),
        })
    return out


def _tenders(s: Session, payment_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for i in range(0, len(payment_ids), 900):
        chunk = payment_ids[i:i + 900]
        for t in s.scalars(select(Tender).where(Tender.payment_id.in_(chunk)).order_by(Tender.method)):
            out[t.payment_id].append({"method": t.method, "amount_fen": t.amount_fen, "reference": t.reference,
                                      "received_fen": t.received_fen, "pos_batch": t.pos_batch,
                                      "pos_voucher": t.pos_voucher})
    return out


def receipt_detail(s: Session, receipt_no: str) -> dict | None:
    """One receipt with the bill lines it paid (for the detail pane and reprints)."""
    rows = search_receipts(s, number=receipt_no, limit=2)
    row = next((r for r in rows if r["receipt_no"] == receipt_no.strip()), None)
    if row is None:
        return None
    pid = s.scalar(select(Receipt.payment_id).where(Receipt.receipt_no == row["receipt_no"]))
    lines = s.execute(select(Allocation, BillLine.period, FeeItem.code, FeeItem.name)
                      .join(BillLine, BillLine.id == Allocation.bill_line_id)
                      .join(FeeItem, FeeItem.id == BillLine.fee_item_id)
                      .where(Allocation.payment_id == pid).order_by(BillLine.period, FeeItem.code)).all()
    row["allocations"] = [{"line_id": a.bill_line_id, "period": period, "fee_code": code, "fee_name": name,
                           "principal_fen": a.principal_fen, "late_fee_fen": a.late_fee_fen}
                          for a, period, code, name in lines]
    return row
