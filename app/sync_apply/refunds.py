"""The `refund` counter event: a refund or deposit return with everything another database
needs to re-create it with the same ids — the refund payment (negative tenders, negative
allocations, its 退款单 receipt), its ledger transaction posting by posting, the `Refund` row
and, for a deposit, the `DepositReturn`. (Gateway refund orders stay on the sender, like
gateway payment orders; the tender keeps the gateway's refund id as its reference.)

Refunds are facts: a late one (its shift or day already closed here) is applied and an
exception `late_event` is opened, as for payments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import sync_payloads
from app.db.models import (Allocation, Deposit, DepositReturn, LedgerAccount, LedgerTxn, Payment, Posting, Receipt,
                           Refund, Tender)
from app.services import ledger
from app.sync_apply.common import (day, dt, ensure_shift, flag_negative_prepaid, late_reason, open_exception, room,
                                   terminal, user_id)
from app.sync_apply.payments import _add_receipt, _check_lines
from app.sync_events import EventRejected
from app.sync_rows import encode

VERSION = 1


def build(s: Session, refund_id: str) -> dict[str, Any]:
    s.flush()
    rf = s.get(Refund, refund_id)
    pay = sync_payloads.payment(s, rf.refund_payment_id)
    txn = s.scalar(select(LedgerTxn).where(LedgerTxn.kind == "refund", LedgerTxn.ref_type == "payment",
                                           LedgerTxn.ref_id == rf.refund_payment_id))
    entries = [[code, int(amount)] for code, amount in s.execute(
        select(LedgerAccount.code, Posting.amount_fen).join(LedgerAccount, LedgerAccount.id == Posting.account_id)
        .where(Posting.txn_id == txn.id).order_by(LedgerAccount.code))]
    dr = s.scalar(select(DepositReturn).where(DepositReturn.refund_id == rf.id))
    return {"v": VERSION, "id": rf.id, "original_payment_id": rf.original_payment_id, "room_id": rf.room_id,
            "source": rf.source, "amount_fen": rf.amount_fen, "reason": rf.reason, "requested_by": rf.requested_by,
            "approved_by": rf.approved_by, "created_at": encode(rf.created_at), "payment": pay,
            "txn": {"id": txn.id, "memo": txn.memo, "entries": entries},
            "deposit_return": ({"id": dr.id, "deposit_id": dr.deposit_id, "paid_out_fen": dr.paid_out_fen,
                                "deducted_fen": dr.deducted_fen, "note": dr.note, "created_at": encode(dr.created_at)}
                               if dr else None)}


def apply_refund(s: Session, e: dict[str, Any], origin_terminal: str) -> None:
    if s.scalar(select(Refund.id).where(Refund.id == e["id"])) is not None:
        return  # already here
    p = e["payment"]
    refund_no = (p.get("receipt") or {}).get("receipt_no")
    uid = user_id(s, p.get("user"), required=p.get("user") is not None)
    r = room(s, p["room_id"], p.get("room_key"))  # the room's lock first, as every money movement
    if e.get("original_payment_id") and s.get(Payment, e["original_payment_id"]) is None:
        raise EventRejected("refund.sync_unknown_original", refund_no=refund_no)
    dr = e.get("deposit_return")
    if dr and s.get(Deposit, dr["deposit_id"]) is None:
        raise EventRejected("refund.sync_unknown_deposit", refund_no=refund_no)
    receipt = p.get("receipt")
    if receipt and s.scalar(select(Receipt.id).where(Receipt.receipt_no == receipt["receipt_no"])):
        raise EventRejected("refund.sync_receipt_taken", receipt=receipt["receipt_no"])
    _check_lines(s, p, r)
    term = terminal(s, p.get("terminal"), origin_terminal)
    created_at = dt(p["created_at"])
    shift = ensure_shift(s, p.get("shift"), p["shift_id"], term.id, uid, created_at) if p.get("shift_id") else None
    business_day = day(p["business_day"])
    late = late_reason(s, shift, term.id, business_day)
    s.execute(Payment.__table__.insert(), [{
        "id": p["id"], "kind": "refund", "room_id": r.id, "payer_name": p.get("payer_name"),
        "shift_id": shift.id if shift else None, "terminal_id": term.id, "user_id": uid,
        "total_fen": int(p["total_fen"]), "change_fen": 0, "prepaid_after_fen": p.get("prepaid_after_fen"),
        "as_of": day(p["as_of"]), "business_day": business_day, "device_seq": None,
        "refund_of_id": p.get("refund_of_id"), "note": p.get("note"), "created_at": created_at}])
    if receipt:
        _add_receipt(s, receipt, p["id"], term.id)
    if p.get("tenders"):
        s.execute(Tender.__table__.insert(), [{
            "id": t["id"], "payment_id": p["id"], "method": t["method"], "amount_fen": int(t["amount_fen"]),
            "received_fen": None, "reference": t.get("reference"), "pos_terminal": t.get("pos_terminal"),
            "pos_batch": t.get("pos_batch"), "pos_voucher": t.get("pos_voucher"), "gateway_order_id": None}
            for t in p["tenders"]])
    if p.get("allocations"):
        s.execute(Allocation.__table__.insert(), [{
            "id": a["id"], "payment_id": p["id"], "bill_line_id": a["bill_line_id"],
            "principal_fen": int(a["principal_fen"]), "late_fee_fen": int(a.get("late_fee_fen") or 0),
            "late_fee_detail": None} for a in p["allocations"]])
    txn = e["txn"]
    ledger.post(s, "refund", [(code, int(amount)) for code, amount in txn["entries"]], ref_type="payment",
                ref_id=p["id"], memo=txn.get("memo"), user=p.get("user"), terminal=term.code, txn_id=txn["id"])
    s.execute(Refund.__table__.insert(), [{
        "id": e["id"], "original_payment_id": e.get("original_payment_id"), "refund_payment_id": p["id"],
        "room_id": r.id, "source": e["source"], "amount_fen": int(e["amount_fen"]), "reason": e["reason"],
        "requested_by": e.get("requested_by"), "approved_by": e.get("approved_by"), "created_at": dt(e["created_at"])}])
    if dr:
        s.execute(DepositReturn.__table__.insert(), [{
            "id": dr["id"], "deposit_id": dr["deposit_id"], "refund_id": e["id"], "paid_out_fen": int(dr["paid_out_fen"]),
            "deducted_fen": int(dr["deducted_fen"]), "note": dr.get("note"), "created_at": dt(dr["created_at"])}])
    if late:
        open_exception(s, "late_event", "payment", p["id"], reason=late, terminal=term.code, day=p["business_day"],
                       shift_id=p.get("shift_id"), receipt_no=refund_no, room=r.room_key,
                       amount_fen=int(p["total_fen"]))
    if e["source"] == "prepaid" or any(t["method"] == "prepaid" for t in p.get("tenders") or []):
        flag_negative_prepaid(s, r, "payment", p["id"], refund_no)
