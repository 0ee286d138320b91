"""Applying a `payment` event (any kind: bills, prepay, deposit, one_off): the payment, its
receipt (numbered by the sender's terminal), tenders, allocations, the one-off bill line or
the deposit, and the same ledger transaction as on the sender, with the same ids.

Business conflicts (docs/sync.md): payments are facts and are never refused for being late.
- An allocation to a bill line this database already has paid (by another counter's
  payment) keeps only what the line still has open; the rest of that allocation — principal
  and its late fee — becomes prepaid credit on the room: a 'credit' bill line (corrects no
  line, so no line's due changes) and its own ledger txn of kind `double_pay` (Dr AR / Dr LATE,
  Cr PRE, referring to the payment), plus an exception `double_payment` for the manager.
  The payment's own txn is posted exactly as the sender posted it, so AR nets out.
- A payment into a shift or business day already closed here is applied and an exception
  `late_event` is opened.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app import tender_methods
from app.db.models import (Allocation, BillAdjustment, BillLine, Deposit, FeeItem, Payment, Receipt,
                           ReceiptSequence, Room, Tender)
from app.ids import new_id
from app.services import ledger, rooms
from app.services.billing.bills import paid_by_line
from app.sync_apply.common import (day, dt, ensure_shift, flag_negative_prepaid, late_reason, open_exception, room,
                                   terminal, user_id)
from app.sync_events import EventRejected

_RS = ReceiptSequence.__table__


def apply_payment(s: Session, p: dict[str, Any], origin_terminal: str) -> None:
    if s.get(Payment, p["id"]) is not None:
        return  # already here (a snapshot carried it): the event changes nothing
    r = room(s, p["room_id"], p.get("room_key"))
    term = terminal(s, p.get("terminal") or origin_terminal)
    uid = user_id(s, p.get("user"), required=p.get("user") is not None)
    receipt = p.get("receipt")
    if receipt and s.scalar(select(Receipt.id).where(Receipt.receipt_no == receipt["receipt_no"])):
        raise EventRejected("sync.receipt_taken", receipt=receipt["receipt_no"], terminal=term.code)
    lines = _check_lines(s, p, r)
    rooms.lock_room(s, r.id)  # serialise with this database's own payments for the room
    created_at = dt(p["created_at"])
    shift = (ensure_shift(s, p.get("shift"), p["shift_id"], term.id, uid, created_at) if p.get("shift_id") else None)
    business_day = day(p["business_day"])
    late = late_reason(s, shift, term.id, business_day)

    one_off = p.get("one_off_line")
    if one_off:
        _create_one_off_line(s, one_off, r, term.code)
    s.add(Payment(id=p["id"], kind=p["kind"], room_id=r.id, payer_name=p.get("payer_name"),
                  shift_id=shift.id if shift else None, terminal_id=term.id, user_id=uid,
                  total_fen=int(p["total_fen"]), change_fen=int(p.get("change_fen") or 0),
                  prepaid_after_fen=p.get("prepaid_after_fen"), as_of=day(p["as_of"]), business_day=business_day,
                  refund_of_id=p.get("refund_of_id"), note=p.get("note"), created_at=created_at))
    s.flush()
    if receipt:
        _add_receipt(s, receipt, p["id"], term.id)
    for t in p.get("tenders") or []:
        s.add(Tender(id=t["id"], payment_id=p["id"], method=t["method"], amount_fen=int(t["amount_fen"]),
                     received_fen=t.get("received_fen"), reference=t.get("reference"),
                     pos_terminal=t.get("pos_terminal"), pos_batch=t.get("pos_batch"),
                     pos_voucher=t.get("pos_voucher")))
    # (gateway orders live on the sender only; the tender keeps its reference)
    credit = _allocate(s, p, lines)
    if p["kind"] == "deposit" and p.get("deposit"):
        d = p["deposit"]
        s.add(Deposit(id=d["id"], room_id=r.id, purpose=d["purpose"], amount_fen=int(d["amount_fen"]),
                      payment_id=p["id"], created_at=dt(d.get("created_at")) or created_at))
    s.flush()
    receipt_no = receipt["receipt_no"] if receipt else None
    ledger.post(s, "payment", _entries(p, r, term.code), ref_type="payment", ref_id=p["id"], memo=receipt_no,
                user=p.get("user"), terminal=term.code, txn_id=p.get("txn_id"))
    if credit:
        _credit_double_payment(s, p, r, term.code, receipt_no, credit)
    if late:
        open_exception(s, "late_event", "payment", p["id"], reason=late, terminal=term.code,
                       day=p["business_day"], shift_id=p.get("shift_id"), receipt_no=receipt_no,
                       room=r.room_key, amount_fen=int(p["total_fen"]))
    flag_negative_prepaid(s, r, "payment", p["id"], receipt_no)


def _check_lines(s: Session, p: dict[str, Any], r: Room) -> dict[str, BillLine]:
    """Every allocated line must exist here (the one-off line comes with the event)."""
    one_off_id = (p.get("one_off_line") or {}).get("id")
    out: dict[str, BillLine] = {}
    for a in p.get("allocations") or []:
        lid = a["bill_line_id"]
        if lid == one_off_id:
            continue
        line = s.get(BillLine, lid)
        if line is None or line.room_id != r.id:
            raise EventRejected("sync.unknown_line", line=lid, room=r.room_key)
        out[lid] = line
    if one_off_id and s.get(BillLine, one_off_id) is not None:
        raise EventRejected("sync.line_exists", line=one_off_id, room=r.room_key)
    one_off = p.get("one_off_line")
    if one_off and s.get(FeeItem, one_off["fee_item_id"]) is None:
        raise EventRejected("sync.unknown_fee_item", fee=one_off.get("fee_code") or one_off["fee_item_id"],
                            room=r.room_key)
    return out


def _add_receipt(s: Session, receipt: dict[str, Any], payment_id: str, terminal_id: str) -> None:
    """The receipt keeps the sender's number; the sender terminal's sequence for that day is
    raised to it here, so this database never hands that number out again."""
    rday, seq = day(receipt["day"]), int(receipt["seq"])
    s.add(Receipt(id=receipt["id"], receipt_no=receipt["receipt_no"], payment_id=payment_id, terminal_id=terminal_id,
                  day=rday, seq=seq, issued_at=dt(receipt["issued_at"])))
    last = s.scalar(select(_RS.c.last_seq).where(_RS.c.terminal_id == terminal_id, _RS.c.day == rday))
    if last is None:
        s.execute(_RS.insert().values(terminal_id=terminal_id, day=rday, last_seq=seq))
    elif last < seq:
        s.execute(update(_RS).where(_RS.c.terminal_id == terminal_id, _RS.c.day == rday).values(last_seq=seq))


def _create_one_off_line(s: Session, line: dict[str, Any], r: Room, terminal_code: str) -> None:
    s.add(BillLine(id=line["id"], room_id=r.id, fee_item_id=line["fee_item_id"], period=line["period"],
                   kind="one_off", amount_fen=int(line["amount_fen"]), detail=line.get("detail") or {},
                   due_date=day(line["due_date"]), note=line.get("note"), created_by=line.get("created_by"),
                   created_at=dt(line.get("created_at"))))
    s.flush()
    fee_name = s.scalar(select(FeeItem.name).where(FeeItem.id == line["fee_item_id"]))
    ledger.post(s, "bill", [(f"AR:{r.id}", int(line["amount_fen"])),
                            (f"INC:{line['fee_item_id']}", -int(line["amount_fen"]))],
                ref_type="bill_line", ref_id=line["id"], memo=f"临时收费 {fee_name}", user=line.get("created_by"),
                terminal=terminal_code, txn_id=line.get("txn_id"))


def _due(s: Session, line: BillLine) -> int:
    """What the line is due here: its amount, the corrections merged into it, less principal
    waived."""
    merged = 0
    for amount, detail in s.execute(select(BillLine.amount_fen, BillLine.detail)
                                    .where(BillLine.corrects_id == line.id, BillLine.kind == "delta")):
        if (detail or {}).get("mode") == "merged":
            merged += int(amount)
    waived = s.scalar(select(func.coalesce(func.sum(BillAdjustment.amount_fen), 0))
                      .where(BillAdjustment.bill_line_id == line.id, BillAdjustment.kind == "waive_principal")) or 0
    return line.amount_fen + merged - int(waived)


def _allocate(s: Session, p: dict[str, Any], lines: dict[str, BillLine]) -> list[dict[str, Any]]:
    """Write the allocations; return the parts that found their line already paid here."""
    paid = paid_by_line(s, list(lines)) if lines else {}
    credit = []
    for a in p.get("allocations") or []:
        lid, principal, late = a["bill_line_id"], int(a["principal_fen"]), int(a.get("late_fee_fen") or 0)
        line = lines.get(lid)
        keep = principal if line is None else max(0, min(principal, _due(s, line) - paid.get(lid, 0)))
        if keep < principal:
            # the late fee follows the principal: kept with any part that still fits, else credited
            kept_late = late if keep > 0 else 0
            credit.append({"bill_line_id": lid, "allocation_id": a["id"], "principal_fen": principal - keep,
                           "late_fee_fen": late - kept_late, "fee_item_id": line.fee_item_id, "period": line.period,
                           "first_payments": _payers(s, lid, p["id"])})
            late = kept_late
        if keep > 0 or (line is None and late):
            s.add(Allocation(id=a["id"], payment_id=p["id"], bill_line_id=lid, principal_fen=keep, late_fee_fen=late,
                             late_fee_detail=a.get("late_fee_detail") if late else None))
        if line is not None:
            paid[lid] = paid.get(lid, 0) + keep
    s.flush()
    return credit


def _payers(s: Session, line_id: str, this_payment: str) -> list[str]:
    from app.services.voided import not_voided

    return sorted(set(s.scalars(select(Allocation.payment_id).where(Allocation.bill_line_id == line_id,
                                                                    Allocation.payment_id != this_payment,
                                                                    not_voided(Allocation.payment_id)))))


def _entries(p: dict[str, Any], r: Room, terminal_code: str) -> list[tuple[str, int]]:
    """The payment's ledger entries as the sender posted them: each tender to the account the
    tender registry names, the credit side by kind."""
    out = [(tender_methods.account(t["method"], terminal=terminal_code, room=r.id), int(t["amount_fen"]))
           for t in p.get("tenders") or []]
    total = int(p["total_fen"])
    kind = p["kind"]
    if kind in ("bills", "one_off"):
        principal = sum(int(a["principal_fen"]) for a in p.get("allocations") or [])
        late = sum(int(a.get("late_fee_fen") or 0) for a in p.get("allocations") or [])
        out.append((f"AR:{r.id}", -principal))
        if late:
            out.append((f"LATE:{r.community_id}", -late))
    elif kind == "prepay":
        out.append((f"PRE:{r.id}", -total))
    elif kind == "deposit":
        out.append((f"DEP:{r.id}", -total))
    else:
        raise EventRejected("sync.unknown_payment_kind", kind=kind)
    return out


def _credit_double_payment(s: Session, p: dict[str, Any], r: Room, terminal_code: str, receipt_no: str | None,
                           credit: list[dict[str, Any]]) -> None:
    entries: dict[str, int] = defaultdict(int)
    for c in credit:
        amount = c["principal_fen"] + c["late_fee_fen"]
        s.add(BillLine(id=new_id(), room_id=r.id, fee_item_id=c["fee_item_id"], period=c["period"], kind="credit",
                       amount_fen=-amount, detail={"basis": "double_payment", "payment_id": p["id"],
                                                   "line_id": c["bill_line_id"], "principal_fen": c["principal_fen"],
                                                   "late_fee_fen": c["late_fee_fen"], "receipt_no": receipt_no},
                       due_date=day(p["business_day"]), note=f"重复缴费转预存 {receipt_no or ''}".strip(),
                       created_by=p.get("user"), created_at=dt(p["created_at"])))
        entries[f"AR:{r.id}"] += c["principal_fen"]
        if c["late_fee_fen"]:
            entries[f"LATE:{r.community_id}"] += c["late_fee_fen"]
        entries[f"PRE:{r.id}"] -= amount
    s.flush()
    ledger.post(s, "double_pay", entries.items(), ref_type="payment", ref_id=p["id"],
                memo=f"重复缴费转预存 {receipt_no or ''}".strip(), user=p.get("user"), terminal=terminal_code)
    open_exception(s, "double_payment", "payment", p["id"], room=r.room_key, room_id=r.id,
                   amount_fen=sum(c["principal_fen"] + c["late_fee_fen"] for c in credit),
                   receipt_no=receipt_no, terminal=terminal_code,
                   lines=[c["bill_line_id"] for c in credit],
                   payments=sorted({pid for c in credit for pid in c["first_payments"]}) + [p["id"]])
