"""Writing a refund: one unit of work holds the refund payment (kind 'refund', negative
tenders, negative allocations for the lines reopened), its 退款单 receipt numbered from the
terminal's own sequence, the balanced ledger transaction (the reverse of what the payment
posted, for what is given back), the `Refund` row, the print job, the outbox event and the
audit record."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import clock, tender_methods
from app.db.models import Allocation, Community, Payment, Receipt, Refund, Room, Tender
from app.errors import InputError
from app.ids import new_id
from app.services import audit, ledger, print_queue, users
from app.services.cashier.payments import Counter, payer_name, prepaid_balance
from app.services.cashier.receipt_numbers import next_receipt_no
from app.services.cashier.shifts import current as current_shift
from app.services.refunds.plan import Leg, Reopen
from app.sync_events import emit_event

ROUTE_NAMES = {"original": "原路退回", "cash": "现金退款", "prepaid": "转入预存"}


def write_refund(s: Session, c: Counter, *, room_id: str, original: Payment | None, amount_fen: int, source: str,
                 route: str, legs: list[Leg], reopen: list[Reopen], credits: list[tuple[str, int]], reason: str,
                 approved_by: str, note: str, kind_detail: dict | None = None) -> dict:
    """The refund payment and its Refund row. `credits` are the debit side given back
    (positive: AR/LATE reopened, PRE or DEP released, income of a deduction negative);
    `legs` the money going out. The caller holds the room lock and has checked everything."""
    shift = require_drawer(s, c, legs)
    user = users.get_user(s, c.user)
    terminal = users.ensure_terminal(s, c.terminal)
    day = clock.today()
    receipt_no, seq = next_receipt_no(s, terminal.id, terminal.code, day)
    pid = new_id()
    now = clock.now()
    s.add(Payment(id=pid, kind="refund", room_id=room_id, payer_name=payer_name(s, room_id),
                  shift_id=shift.id if shift else None, terminal_id=terminal.id, user_id=user.id,
                  total_fen=-amount_fen, change_fen=0, as_of=day, business_day=day,
                  refund_of_id=original.id if original else None, note=note[:200], created_at=now))
    s.flush()
    receipt = Receipt(receipt_no=receipt_no, payment_id=pid, terminal_id=terminal.id, day=day, seq=seq, issued_at=now)
    s.add(receipt)
    s.flush()
    if terminal.printer:  # the 退款单 is printed after the commit by the terminal's print worker
        print_queue.enqueue(s, terminal.id, receipt.id)
    tenders_json = []
    for leg in legs:
        s.add(Tender(payment_id=pid, method=leg.method, amount_fen=-leg.amount_fen, reference=leg.reference,
                     gateway_order_id=leg.gateway_order_id))
        tenders_json.append({"method": leg.method, "amount_fen": -leg.amount_fen, "reference": leg.reference})
    alloc_json = []
    for r in reopen:
        s.add(Allocation(payment_id=pid, bill_line_id=r.line_id, principal_fen=-r.principal_fen,
                         late_fee_fen=-r.late_fee_fen))
        alloc_json.append({"line_id": r.line_id, "fee_code": r.fee_code, "fee_name": r.fee_name, "period": r.period,
                           "principal_fen": -r.principal_fen, "late_fee_fen": -r.late_fee_fen})
    entries = [(tender_methods.account(leg.method, terminal=terminal.code, room=room_id), -leg.amount_fen)
               for leg in legs] + list(credits)
    ledger.post(s, "refund", entries, ref_type="payment", ref_id=pid, memo=f"退款 {receipt_no}", user=c.user,
                terminal=terminal.code)
    prepaid_after = prepaid_balance(s, room_id)
    s.execute(update(Payment).where(Payment.id == pid).values(prepaid_after_fen=prepaid_after)
              .execution_options(synchronize_session=False))
    refund = Refund(original_payment_id=original.id if original else None, refund_payment_id=pid, room_id=room_id,
                    source=source, amount_fen=amount_fen, reason=reason[:200], requested_by=c.user,
                    approved_by=approved_by, created_at=now)
    s.add(refund)
    s.flush()
    audit.record(s, f"refund.{source}", user=c.user, terminal=terminal.code, entity="refund", entity_id=refund.id,
                 detail={"refund_no": receipt_no, "amount_fen": amount_fen, "route": route, "approved_by": approved_by,
                         "reason": reason, **(kind_detail or {})})
    room_key = s.scalar(select(Room.room_key).where(Room.id == room_id))
    return {"refund_no": receipt_no, "refund_id": refund.id, "payment_id": pid, "amount_fen": amount_fen,
            "route": route, "state": "done", "room": room_key, "source": source, "reason": reason,
            "approved_by": approved_by, "tenders": tenders_json, "allocations": alloc_json,
            "prepaid_fen": prepaid_after}


def require_drawer(s: Session, c: Counter, legs: list[Leg]):  # type: ignore[no-untyped-def]
    """The acting user's open shift (None if she has none); cash going out of the drawer
    needs one — checked before a gateway is asked, so a mixed refund never stops half way."""
    shift = current_shift(s, users.ensure_terminal(s, c.terminal).id, users.get_user(s, c.user).id)
    if shift is None and any(leg.method == "cash" for leg in legs):
        raise InputError("refund.cash_needs_shift", user=c.user, terminal=c.terminal)
    return shift


def emit(s: Session, refund_id: str) -> None:
    """The refund's outbox event, once every row of it (deposit return, gateway order) exists."""
    emit_event(s, "refund", refund_id)


def reopen_credits(s: Session, room_id: str, reopen: list[Reopen]) -> list[tuple[str, int]]:
    room = s.get(Room, room_id)
    community = s.get(Community, room.community_id)
    principal = sum(r.principal_fen for r in reopen)
    late = sum(r.late_fee_fen for r in reopen)
    out = [(ledger.room_account("AR", room_id), principal)]
    if late:
        out.append((ledger.late_fee_account(community.id), late))
    return out
