"""Applying a `void` event: the receipt is marked void with the sender's id, reason and user;
the payment's ledger txn is reversed by a txn with the sender's reversal id; a one-off charge
is cancelled by the sender's correction lines. If this database had turned part of the
payment into prepaid credit (a double payment), that credit is taken back too, so the books
net to nothing for the voided payment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import BillLine, LedgerAccount, LedgerTxn, Payment, Posting, Receipt, ReceiptVoid, Room, Shift
from app.ids import new_id
from app.services import ledger, rooms
from app.services.receivables.postings import post_bill_lines
from app.sync_apply.common import day, dt, flag_negative_prepaid, late_reason, open_exception, terminal, user_id
from app.sync_events import EventRejected


def _reverse(s: Session, txn_id: str, kind: str, *, new_txn_id: str | None, **kw: Any) -> str:
    """ledger.reverse with a given id for the reversal (the sender's)."""
    rows = s.execute(select(LedgerAccount.code, Posting.amount_fen)
                     .join(LedgerAccount, LedgerAccount.id == Posting.account_id).where(Posting.txn_id == txn_id)).all()
    return ledger.post(s, kind, [(code, -amount) for code, amount in rows], reverses_id=txn_id, txn_id=new_txn_id, **kw)


def apply_void(s: Session, v: dict[str, Any], origin_terminal: str) -> None:
    receipt = s.get(Receipt, v["receipt_id"])
    if receipt is None:
        raise EventRejected("sync.unknown_receipt", receipt=v.get("receipt_no") or v["receipt_id"])
    if s.scalar(select(ReceiptVoid.id).where(ReceiptVoid.receipt_id == receipt.id)):
        return  # already void here
    term = terminal(s, v.get("terminal"), origin_terminal)
    uid = user_id(s, v.get("user"))
    payment = s.get(Payment, receipt.payment_id)
    rooms.lock_room(s, payment.room_id)
    shift = s.get(Shift, payment.shift_id) if payment.shift_id else None
    late = late_reason(s, shift, term.id, payment.business_day)
    receipt_no = receipt.receipt_no
    memo = f"作废 {receipt_no}: {v['reason']}"
    pay_txn = s.scalar(select(LedgerTxn.id).where(LedgerTxn.ref_type == "payment", LedgerTxn.ref_id == payment.id,
                                                  LedgerTxn.kind == "payment"))
    reversal = _reverse(s, pay_txn, "void", new_txn_id=v.get("txn_id"), memo=memo, user=v.get("user"),
                        terminal=term.code, ref_type="receipt_void", ref_id=receipt.id)
    _take_back_credit(s, payment, receipt_no, memo, v, term.code)
    for c in v.get("one_off_cancels") or []:
        line = s.get(BillLine, c["corrects_id"])
        if line is None:
            raise EventRejected("sync.unknown_line", line=c["corrects_id"], room=payment.room_id)
        s.add(BillLine(id=c["id"], room_id=line.room_id, fee_item_id=line.fee_item_id, period=line.period,
                       kind="delta", amount_fen=int(c["amount_fen"]), detail=c.get("detail") or {},
                       due_date=day(c["due_date"]), corrects_id=line.id, note=c.get("note"),
                       created_by=c.get("created_by"), created_at=dt(c.get("created_at"))))
        s.flush()
        post_bill_lines(s, [(line.room_id, line.fee_item_id, int(c["amount_fen"]))], ref_type="bill_line",
                        ref_id=c["id"], memo=f"作废临时收费 {receipt_no}", user=v.get("user"), terminal=term.code,
                        txn_id=c.get("txn_id"))
    s.add(ReceiptVoid(id=v["id"], receipt_id=receipt.id, reason=v["reason"], user_id=uid, ledger_txn_id=reversal,
                      approved_by=v.get("approved_by"), created_at=dt(v["created_at"])))
    s.flush()
    room = s.get(Room, payment.room_id)
    if late:
        open_exception(s, "late_event", "receipt_void", receipt.id, reason=late, terminal=term.code,
                       day=payment.business_day.isoformat(), shift_id=payment.shift_id, receipt_no=receipt_no,
                       room=room.room_key, amount_fen=payment.total_fen)
    flag_negative_prepaid(s, room, "receipt_void", receipt.id, receipt_no)


def _take_back_credit(s: Session, payment: Payment, receipt_no: str, memo: str, v: dict[str, Any],
                      terminal_code: str) -> None:
    """A double payment credited here: reverse its txn and cancel the credit line by an
    opposite one (facts are never deleted)."""
    for txn_id in s.scalars(select(LedgerTxn.id).where(LedgerTxn.ref_type == "payment", LedgerTxn.ref_id == payment.id,
                                                       LedgerTxn.kind == "double_pay")):
        _reverse(s, txn_id, "void", new_txn_id=None, memo=memo, user=v.get("user"), terminal=terminal_code,
                 ref_type="receipt_void", ref_id=v["receipt_id"])
    for line in s.scalars(select(BillLine).where(BillLine.room_id == payment.room_id, BillLine.kind == "credit")):
        d = line.detail or {}
        if d.get("basis") == "double_payment" and d.get("payment_id") == payment.id:
            s.add(BillLine(id=new_id(), room_id=line.room_id, fee_item_id=line.fee_item_id, period=line.period,
                           kind="credit", amount_fen=-line.amount_fen,
                           detail={**d, "basis": "double_payment_void", "cancels": line.id},
                           due_date=line.due_date, note=f"作废 {receipt_no}", created_by=v.get("user"),
                           created_at=dt(v["created_at"])))
    s.flush()
