"""Returning a deposit (押金退还): the whole deposit leaves the room's deposit ledger; what is
kept (a deduction, with a note saying why) becomes income — the `deposit_deduction` income
account — and the rest is paid out by the tender chosen. Once per deposit; a manager approves.
The deposit's whole life (taken, returned, kept) is read back by `deposit_history`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock, tender_methods
from app.db.models import Deposit, DepositReturn, Payment, Receipt, Refund, Room, User
from app.errors import InputError, NotFound
from app.money import fen_to_yuan_str
from app.services import ledger, rooms
from app.services.cashier.payments import Counter
from app.services.closing.day_lock import ensure_day_open
from app.services.refunds import approval, record
from app.services.refunds.plan import Leg
from app.services.voided import not_voided

DEDUCTION_ACCOUNT = ledger.income_account("deposit_deduction")
TENDERS = ("cash", "transfer", "pos", "prepaid")  # how a deposit can be paid out at the counter


def _deposit(s: Session, deposit_id: str) -> Deposit:
    dep = s.get(Deposit, (deposit_id or "").strip())
    if dep is None:
        raise NotFound("refund.deposit_not_found", deposit=deposit_id)
    return dep


def refund_deposit(s: Session, c: Counter, deposit_id: str, *, approver: str | None, password: str | None = None,
                   deduct_fen: int = 0, note: str | None = None, tender: str = "cash",
                   reference: str | None = None) -> dict:
    """Give a deposit back less `deduct_fen` (a note is then required). Returns
    {"refund_no", "amount_fen" (paid out), "deducted_fen", …}."""
    approved_by = approval.check(s, c.user, approver, password, "deposit_refund")
    dep = _deposit(s, deposit_id)
    rooms.lock_room(s, dep.room_id)  # then look again: another counter may be returning it now
    ensure_day_open(s, c.terminal, clock.today())  # paid out today: not into a closed day
    if s.scalar(select(DepositReturn.id).where(DepositReturn.deposit_id == dep.id)):
        raise InputError("refund.deposit_returned", deposit=dep.id)
    if not s.scalar(select(Payment.id).where(Payment.id == dep.payment_id, not_voided(Payment.id))):
        raise InputError("refund.deposit_voided", deposit=dep.id)
    if tender not in TENDERS:
        raise InputError("refund.deposit_bad_tender", tender=tender, tenders=list(TENDERS))
    if isinstance(deduct_fen, bool) or not isinstance(deduct_fen, int) or deduct_fen < 0:
        raise InputError("refund.deduct_negative")
    if deduct_fen > dep.amount_fen:
        raise InputError("refund.deduct_too_much", deduct=deduct_fen, amount=dep.amount_fen)
    note = (note or "").strip()
    if deduct_fen and not note:
        raise InputError("refund.deduct_note_required")
    ref = (reference or "").strip() or None
    if tender == "pos":
        rule = tender_methods.get("pos").reference
        if not ref:
            raise InputError("refund.pos_reference_required", receipt=dep.id)
        if rule is not None and not rule.matches(ref):
            raise InputError("refund.pos_reference_bad", reference=ref)
    paid_out = dep.amount_fen - deduct_fen
    legs = [Leg(tender, paid_out, ref)] if paid_out else []
    credits = [(ledger.room_account("DEP", dep.room_id), dep.amount_fen)]
    if deduct_fen:
        credits.append((DEDUCTION_ACCOUNT, -deduct_fen))
    reason = f"退还{dep.purpose}" + (f"，扣除 {fen_to_yuan_str(deduct_fen)} 元：{note}" if deduct_fen else "")
    original = s.get(Payment, dep.payment_id)
    out = record.write_refund(s, c, room_id=dep.room_id, original=original, amount_fen=paid_out, source="deposit",
                              route=tender, legs=legs, reopen=[], credits=credits, reason=reason,
                              approved_by=approved_by, note=reason,
                              kind_detail={"deposit_id": dep.id, "deducted_fen": deduct_fen})
    s.add(DepositReturn(deposit_id=dep.id, refund_id=out["refund_id"], paid_out_fen=paid_out, deducted_fen=deduct_fen,
                        note=note or None))
    s.flush()
    record.emit(s, out["refund_id"])
    out.update(deducted_fen=deduct_fen, deposit_id=dep.id, purpose=dep.purpose, deposit_fen=dep.amount_fen,
               note=note or None)
    return out


def deposit_history(s: Session, *, room_key: str | None = None, open_only: bool = False) -> list[dict]:
    """Every deposit with its whole life: taken (receipt, day, amount), and — once returned —
    the 退款单, what was paid out, what was kept and why, who approved. Voided deposits show as
    such."""
    q = select(Deposit, Room.room_key).join(Room, Room.id == Deposit.room_id).order_by(Deposit.created_at)
    if room_key:
        room = rooms.resolve_room(s, room_key)
        q = q.where(Deposit.room_id == room.id)
    out = []
    for dep, key in s.execute(q).all():
        taken = s.scalar(select(Receipt.receipt_no).where(Receipt.payment_id == dep.payment_id))
        voided = s.scalar(select(Payment.id).where(Payment.id == dep.payment_id, ~not_voided(Payment.id))) is not None
        ret = s.scalar(select(DepositReturn).where(DepositReturn.deposit_id == dep.id))
        returned = None
        if ret is not None:
            refund = s.get(Refund, ret.refund_id)
            rp = s.get(Payment, refund.refund_payment_id)
            returned = {"refund_no": s.scalar(select(Receipt.receipt_no).where(Receipt.payment_id == rp.id)),
                        "day": rp.business_day.isoformat(), "paid_out_fen": ret.paid_out_fen,
                        "deducted_fen": ret.deducted_fen, "note": ret.note, "approved_by": refund.approved_by,
                        "by": s.scalar(select(User.username).where(User.id == rp.user_id))}
        state = "void" if voided else ("returned" if returned else "held")
        if open_only and state != "held":
            continue
        out.append({"deposit_id": dep.id, "room": key, "purpose": dep.purpose, "amount_fen": dep.amount_fen,
                    "receipt_no": taken, "taken_at": dep.created_at.isoformat() if dep.created_at else None,
                    "state": state, "returned": returned})
    return out
