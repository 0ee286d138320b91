"""Voiding a receipt (作废) within its shift: the number stays, the receipt is marked void,
the ledger transaction is reversed by a new one, and the lines it paid are open again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import BillLine, LedgerTxn, Payment, Receipt, ReceiptVoid, Shift, Terminal
from app.errors import InputError, NotFound
from app.ids import new_id
from app.money import fen_to_yuan_str
from app.services import audit, ledger, users
from app.services.billing.postings import post_bill_lines
from app.services.cashier.payments import Counter
from app.services.outbox import emit


def void_receipt(s: Session, c: Counter, receipt_no: str, reason: str) -> dict:
    user = users.require(s, c.user, "void")
    reason = (reason or "").strip()
    if not reason:
        raise InputError("--reason is required: say why the receipt is voided")
    receipt = s.scalar(select(Receipt).where(Receipt.receipt_no == receipt_no.strip()))
    if receipt is None:
        raise NotFound(f"receipt {receipt_no} does not exist")
    if s.scalar(select(ReceiptVoid.id).where(ReceiptVoid.receipt_id == receipt.id)):
        raise InputError(f"receipt {receipt_no} is already void")
    payment = s.get(Payment, receipt.payment_id)
    shift = s.get(Shift, payment.shift_id) if payment.shift_id else None
    if shift is None or shift.closed_at is not None:
        raise InputError(f"receipt {receipt_no} belongs to a closed shift and cannot be voided: it needs a refund")
    terminal = s.get(Terminal, receipt.terminal_id)
    if terminal.code != c.terminal:
        raise InputError(f"receipt {receipt_no} was issued at terminal {terminal.code}; void it there")
    if payment.kind == "prepay":
        balance = -ledger.balance(s, f"PRE:{payment.room_id}")
        if balance < payment.total_fen:
            raise InputError(f"the prepaid balance is {fen_to_yuan_str(balance)}: part of this top-up was already "
                             f"used, so it cannot be voided")
    txn_id = s.scalar(select(LedgerTxn.id).where(LedgerTxn.ref_type == "payment", LedgerTxn.ref_id == payment.id,
                                                 LedgerTxn.kind == "payment"))
    reversal = ledger.reverse(s, txn_id, "void", memo=f"作废 {receipt_no}: {reason}", user=c.user,
                              terminal=c.terminal, ref_type="receipt_void", ref_id=receipt.id)
    if payment.kind == "one_off":
        _cancel_one_off(s, c, payment, receipt_no)
    s.add(ReceiptVoid(receipt_id=receipt.id, reason=reason, user_id=user.id, ledger_txn_id=reversal,
                      created_at=clock.now()))
    emit(s, "void", receipt.id, {"receipt_no": receipt_no, "payment_id": payment.id, "reason": reason,
                                 "user": c.user, "terminal": c.terminal})
    audit.record(s, "void", user=c.user, terminal=c.terminal, entity="receipt", entity_id=receipt.id,
                 detail={"receipt_no": receipt_no, "reason": reason, "total_fen": payment.total_fen})
    return {"receipt_no": receipt_no, "status": "void", "reason": reason, "total_fen": payment.total_fen}


def _cancel_one_off(s: Session, c: Counter, payment: Payment, receipt_no: str) -> None:
    """A one-off charge exists only because it was paid: voiding the payment cancels the
    charge too, by a merged correction of the same amount (the line nets to zero)."""
    from app.db.models import Allocation

    for alloc in s.scalars(select(Allocation).where(Allocation.payment_id == payment.id)):
        line = s.get(BillLine, alloc.bill_line_id)
        s.add(BillLine(id=new_id(), room_id=line.room_id, fee_item_id=line.fee_item_id, period=line.period,
                       kind="delta", amount_fen=-line.amount_fen,
                       detail={"basis": "correction", "mode": "merged", "reason": f"作废 {receipt_no}"},
                       due_date=line.due_date, corrects_id=line.id, note=f"作废 {receipt_no}", created_by=c.user,
                       created_at=clock.now()))
        s.flush()
        post_bill_lines(s, [(line.room_id, line.fee_item_id, -line.amount_fen)], ref_type="bill_line", ref_id=line.id,
                        memo=f"作废临时收费 {receipt_no}", user=c.user, terminal=c.terminal)
