"""Voiding a receipt (作废) within its shift: the number stays, the receipt is marked void,
the ledger transaction is reversed by a new one, and the lines it paid are open again.

Who may void: the cashier whose open shift took the payment; a supervisor (permission
`void_others`, every manager) any receipt of an open shift on this terminal. Two counters
voiding one receipt: the room lock serialises them and the second gets a Conflict."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import BillLine, LedgerTxn, Payment, Receipt, ReceiptVoid, Shift, Terminal, User
from app.errors import Conflict, InputError, NotFound, PermissionDenied
from app.ids import new_id
from app.services import approval, audit, ledger, rooms, users
from app.services.receivables.postings import post_bill_lines
from app.services.cashier.payments import Counter
from app.services.closing.day_lock import ensure_day_open
from app.sync_events import emit_event


def void_receipt(s: Session, c: Counter, receipt_no: str, reason: str, *, approver: str | None = None,
                 approver_password: str | None = None) -> dict:
    """Void it. After the void window (approval.VOID_WINDOW_MINUTES, or the community's) the
    acting user needs `void_late`, or a supervisor's approval on the spot (`approver` and their
    password), recorded on the void and in its audit event."""
    user = users.require(s, c.user, "void")
    reason = (reason or "").strip()
    if not reason:
        raise InputError("void.reason_required")
    receipt_no = (receipt_no or "").strip()
    receipt = s.scalar(select(Receipt).where(Receipt.receipt_no == receipt_no))
    if receipt is None:
        raise NotFound("void.receipt_not_found", receipt=receipt_no)
    payment = s.get(Payment, receipt.payment_id)
    shift = s.get(Shift, payment.shift_id) if payment.shift_id else None
    if shift is None or shift.closed_at is not None:
        raise InputError("void.shift_closed", receipt=receipt_no)
    terminal = s.get(Terminal, receipt.terminal_id)
    if terminal.code != c.terminal:
        raise InputError("void.other_terminal", receipt=receipt_no, terminal=terminal.code)
    if shift.user_id != user.id:
        perms = users.permissions_of(s, c.user)
        if "*" not in perms and "void_others" not in perms:
            owner = s.get(User, shift.user_id)
            raise PermissionDenied("void.not_your_shift", receipt=receipt_no,
                                   cashier=owner.display_name if owner else "?")
    approved_by = None
    if approval.is_late(s, payment.room_id, payment.created_at) and not users.allows(s, c.user, "void_late"):
        approved_by = approval.approve_for(s, c.user, approver, approver_password, "void_late")
    rooms.lock_room(s, payment.room_id)  # then look again: another counter may have voided it meanwhile
    ensure_day_open(s, terminal.code, payment.business_day)  # a closed day's money never changes (room lock first)
    if s.scalar(select(ReceiptVoid.id).where(ReceiptVoid.receipt_id == receipt.id)):
        raise Conflict("void.already_void", receipt=receipt_no)
    if payment.kind == "refund" or s.scalar(select(Payment.id).where(Payment.refund_of_id == payment.id).limit(1)):
        # money already given back: a void would give it back twice, or undo a refund the
        # resident holds (app/services/refunds)
        raise InputError("refund.no_void", receipt=receipt_no)
    if payment.kind == "prepay":
        balance = -ledger.balance(s, ledger.room_account("PRE", payment.room_id))
        if balance < payment.total_fen:
            raise InputError("void.prepaid_spent", receipt=receipt_no, balance=balance, amount=payment.total_fen)
    txn_id = s.scalar(select(LedgerTxn.id).where(LedgerTxn.ref_type == "payment", LedgerTxn.ref_id == payment.id,
                                                 LedgerTxn.kind == "payment"))
    reversal = ledger.reverse(s, txn_id, "void", memo=f"作废 {receipt_no}: {reason}", user=c.user,
                              terminal=c.terminal, ref_type="receipt_void", ref_id=receipt.id)
    if payment.kind == "one_off":
        _cancel_one_off(s, c, payment, receipt_no)
    s.add(ReceiptVoid(receipt_id=receipt.id, reason=reason, user_id=user.id, ledger_txn_id=reversal,
                      approved_by=approved_by, created_at=clock.now()))
    emit_event(s, "void", receipt.id)
    audit.record(s, "void", user=c.user, terminal=c.terminal, entity="receipt", entity_id=receipt.id,
                 detail={"receipt_no": receipt_no, "reason": reason, "total_fen": payment.total_fen,
                         **({"approved_by": approved_by} if approved_by else {})})
    return {"receipt_no": receipt_no, "status": "void", "reason": reason, "total_fen": payment.total_fen,
            "approved_by": approved_by}


def _cancel_one_off(s: Session, c: Counter, payment: Payment, receipt_no: str) -> None:
    """A one-off charge exists only because it was paid: voiding the payment cancels the
    charge too, by a merged correction of the same amount (the line nets to zero)."""
    from app.db.models import Allocation

    for alloc in s.scalars(select(Allocation).where(Allocation.payment_id == payment.id)):
        line = s.get(BillLine, alloc.bill_line_id)
        lid = new_id()
        s.add(BillLine(id=lid, room_id=line.room_id, fee_item_id=line.fee_item_id, period=line.period,
                       kind="delta", amount_fen=-line.amount_fen,
                       detail={"basis": "correction", "mode": "merged", "reason": f"作废 {receipt_no}"},
                       due_date=line.due_date, corrects_id=line.id, note=f"作废 {receipt_no}", created_by=c.user,
                       created_at=clock.now()))
        s.flush()
        post_bill_lines(s, [(line.room_id, line.fee_item_id, -line.amount_fen)], ref_type="bill_line", ref_id=lid,
                        memo=f"作废临时收费 {receipt_no}", user=c.user, terminal=c.terminal)
