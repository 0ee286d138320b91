"""Event payloads (docs/sync.md "Events"): each builder reads the rows a counter fact has just
written and returns everything another database needs to re-create them with the same ids —
never a summary. Builders read the rows back (rather than being handed the values the service
computed), so a payload can never say something the database does not hold, and a queued
event can be rebuilt from the database after a schema upgrade.

One builder per event type; the registry in app.sync_events pairs each with its applier
(app.sync_apply). Field `v` is the payload's schema version.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (Allocation, BillAdjustment, BillLine, CashCount, Deposit, FeeItem, LedgerTxn, Meter,
                           MeterReading, Payment, Receipt, ReceiptVoid, Room, Shift, Tender, Terminal, User)
from app.sync_rows import encode

VERSION = 1


def _user_name(s: Session, user_id: str | None) -> str | None:
    return s.scalar(select(User.username).where(User.id == user_id)) if user_id else None


def _terminal_code(s: Session, terminal_id: str) -> str:
    return s.scalar(select(Terminal.code).where(Terminal.id == terminal_id))


def _txn_id(s: Session, kind: str, ref_type: str, ref_id: str) -> str | None:
    return s.scalar(select(LedgerTxn.id).where(LedgerTxn.kind == kind, LedgerTxn.ref_type == ref_type,
                                               LedgerTxn.ref_id == ref_id)
                    .order_by(LedgerTxn.created_at).limit(1))


def _shift(s: Session, shift: Shift) -> dict[str, Any]:
    return {"shift_id": shift.id, "terminal": _terminal_code(s, shift.terminal_id),
            "user": _user_name(s, shift.user_id), "float_fen": shift.float_fen, "opened_at": encode(shift.opened_at)}


def payment(s: Session, payment_id: str) -> dict[str, Any]:
    """A payment of any kind with its tenders, allocations, receipt, ledger txn id, and the
    one-off bill line or the deposit it created."""
    s.flush()
    p = s.get(Payment, payment_id)
    room_key = s.scalar(select(Room.room_key).where(Room.id == p.room_id))
    receipt = s.scalar(select(Receipt).where(Receipt.payment_id == p.id))
    shift = s.get(Shift, p.shift_id) if p.shift_id else None
    tenders = s.scalars(select(Tender).where(Tender.payment_id == p.id).order_by(Tender.id)).all()
    allocs = s.scalars(select(Allocation).where(Allocation.payment_id == p.id).order_by(Allocation.id)).all()
    out: dict[str, Any] = {
        "v": VERSION, "id": p.id, "kind": p.kind, "room_id": p.room_id, "room_key": room_key,
        "payer_name": p.payer_name, "shift_id": p.shift_id, "shift": _shift(s, shift) if shift else None,
        "terminal": _terminal_code(s, p.terminal_id), "user": _user_name(s, p.user_id),
        "total_fen": p.total_fen, "change_fen": p.change_fen, "prepaid_after_fen": p.prepaid_after_fen,
        "as_of": encode(p.as_of), "business_day": encode(p.business_day), "note": p.note,
        "refund_of_id": p.refund_of_id, "created_at": encode(p.created_at),
        "txn_id": _txn_id(s, "payment", "payment", p.id),
        "tenders": [{"id": t.id, "method": t.method, "amount_fen": t.amount_fen, "received_fen": t.received_fen,
                     "reference": t.reference, "pos_terminal": t.pos_terminal, "pos_batch": t.pos_batch,
                     "pos_voucher": t.pos_voucher, "gateway_order_id": t.gateway_order_id} for t in tenders],
        "allocations": [{"id": a.id, "bill_line_id": a.bill_line_id, "principal_fen": a.principal_fen,
                         "late_fee_fen": a.late_fee_fen, "late_fee_detail": a.late_fee_detail} for a in allocs],
        "receipt": ({"id": receipt.id, "receipt_no": receipt.receipt_no, "day": encode(receipt.day),
                     "seq": receipt.seq, "issued_at": encode(receipt.issued_at)} if receipt else None),
        "one_off_line": None, "deposit": None,
    }
    if p.kind == "one_off" and allocs:
        line = s.get(BillLine, allocs[0].bill_line_id)
        out["one_off_line"] = {
            "id": line.id, "fee_item_id": line.fee_item_id,
            "fee_code": s.scalar(select(FeeItem.code).where(FeeItem.id == line.fee_item_id)),
            "period": line.period, "amount_fen": line.amount_fen, "detail": line.detail,
            "due_date": encode(line.due_date), "note": line.note, "created_by": line.created_by,
            "created_at": encode(line.created_at), "txn_id": _txn_id(s, "bill", "bill_line", line.id)}
    if p.kind == "deposit":
        dep = s.scalar(select(Deposit).where(Deposit.payment_id == p.id))
        if dep is not None:
            out["deposit"] = {"id": dep.id, "purpose": dep.purpose, "amount_fen": dep.amount_fen,
                              "created_at": encode(dep.created_at)}
    return out


def void(s: Session, receipt_id: str) -> dict[str, Any]:
    """A void of a receipt: who, why, when, the reversal's txn id, and for a one-off charge
    the correction lines that cancelled it."""
    s.flush()
    receipt = s.get(Receipt, receipt_id)
    rv = s.scalar(select(ReceiptVoid).where(ReceiptVoid.receipt_id == receipt_id))
    p = s.get(Payment, receipt.payment_id)
    cancels = []
    if p.kind == "one_off":
        line_ids = list(s.scalars(select(Allocation.bill_line_id).where(Allocation.payment_id == p.id)))
        for line in s.scalars(select(BillLine).where(BillLine.corrects_id.in_(line_ids), BillLine.kind == "delta")
                              .order_by(BillLine.created_at, BillLine.id)):
            # only a void corrects a one-off line (bill-run corrections recompute charge lines)
            cancels.append({"id": line.id, "corrects_id": line.corrects_id, "amount_fen": line.amount_fen,
                            "detail": line.detail, "due_date": encode(line.due_date), "note": line.note,
                            "created_by": line.created_by, "created_at": encode(line.created_at),
                            "txn_id": _txn_id(s, "bill", "bill_line", line.id)})
    return {"v": VERSION, "id": rv.id, "receipt_id": receipt.id, "receipt_no": receipt.receipt_no,
            "payment_id": p.id, "room_id": p.room_id, "terminal": _terminal_code(s, receipt.terminal_id),
            "user": _user_name(s, rv.user_id), "reason": rv.reason, "created_at": encode(rv.created_at),
            "approved_by": rv.approved_by,
            "txn_id": rv.ledger_txn_id, "one_off_cancels": cancels}


def shift_open(s: Session, shift_id: str) -> dict[str, Any]:
    s.flush()
    return {"v": VERSION, **_shift(s, s.get(Shift, shift_id))}


def shift_close(s: Session, shift_id: str) -> dict[str, Any]:
    """The whole shift as closed: the open fields too, so a database that never saw the
    shift_open can still record the close."""
    s.flush()
    shift = s.get(Shift, shift_id)
    counts = s.scalars(select(CashCount).where(CashCount.shift_id == shift_id)
                       .order_by(CashCount.denomination_fen.desc())).all()
    return {"v": VERSION, **_shift(s, shift), "closed_at": encode(shift.closed_at), "expected": shift.expected,
            "counted_fen": shift.counted_fen, "variance_fen": shift.variance_fen,
            "counts": [{"id": c.id, "denomination_fen": c.denomination_fen, "count": c.count} for c in counts]}


def waiver(s: Session, adjustment_id: str) -> dict[str, Any]:
    s.flush()
    adj = s.get(BillAdjustment, adjustment_id)
    return {"v": VERSION, "id": adj.id, "bill_line_id": adj.bill_line_id, "kind": adj.kind,
            "amount_fen": adj.amount_fen, "reason": adj.reason, "approved_by": adj.approved_by,
            "requested_by": adj.requested_by,
            "created_at": encode(adj.created_at)}


def meter_reading(s: Session, reading_id: str) -> dict[str, Any]:
    return meter_readings(s, [reading_id])[reading_id]


def meter_readings(s: Session, reading_ids: list[str]) -> dict[str, dict[str, Any]]:
    """`meter_reading` payloads of many readings, read back in a few queries (an upload of
    10,000 readings emits 10,000 events)."""
    s.flush()
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(reading_ids), 900):
        r_, m_ = MeterReading.__table__.c, Meter.__table__.c  # Core rows: no ORM objects for 10,000 readings
        q = (select(r_.id, r_.period, r_.revision, r_.reading, r_.read_at, r_.reader, r_.source, r_.status,
                    r_.rollover, r_.corrects_id, r_.reason, r_.created_by, r_.created_at, m_.meter_no)
             .join_from(MeterReading.__table__, Meter.__table__, m_.id == r_.meter_id)
             .where(r_.id.in_(reading_ids[i:i + 900])))
        for r in s.connection().execute(q):
            meter_no = r.meter_no
            out[r.id] = {"v": VERSION, "id": r.id, "meter_no": meter_no, "period": r.period, "revision": r.revision,
                         "reading": format(r.reading, "f"), "read_at": encode(r.read_at), "reader": r.reader,
                         "source": r.source, "status": r.status, "rollover": r.rollover,
                         "corrects_id": r.corrects_id, "reason": r.reason, "created_by": r.created_by,
                         "created_at": encode(r.created_at)}
    return out
