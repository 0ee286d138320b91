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

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import tender_methods
from app.db.models import (Allocation, BillAdjustment, BillLine, Deposit, FeeItem, Payment, Receipt,
                           ReceiptSequence, ReceiptVoid, Tender)
from app.ids import new_id
from app.services import ledger
from app.sync_apply.common import (day, dt, ensure_shift, flag_negative_prepaid, late_reason, open_exception, room,
                                   terminal, user_id)
from app.sync_events import EventRejected

_RS = ReceiptSequence.__table__


def apply_payment(s: Session, p: dict[str, Any], origin_terminal: str) -> None:
    if s.scalar(select(Payment.id).where(Payment.id == p["id"])) is not None:
        return  # already here (a snapshot carried it): the event changes nothing
    uid = user_id(s, p.get("user"), required=p.get("user") is not None)
    # The room's lock first (the order every money-moving unit of work keeps), then the lines,
    # what is paid on them, the shift and the day — all read under it.
    r = room(s, p["room_id"], p.get("room_key"))
    receipt = p.get("receipt")
    if receipt and s.scalar(select(Receipt.id).where(Receipt.receipt_no == receipt["receipt_no"])):
        raise EventRejected("sync.receipt_taken", receipt=receipt["receipt_no"], terminal=p.get("terminal"))
    lines = _check_lines(s, p, r)
    term = terminal(s, p.get("terminal"), origin_terminal)
    created_at = dt(p["created_at"])
    shift = (ensure_shift(s, p.get("shift"), p["shift_id"], term.id, uid, created_at) if p.get("shift_id") else None)
    business_day = day(p["business_day"])
    late = late_reason(s, shift, term.id, business_day)

    one_off = p.get("one_off_line")
    if one_off:
        _create_one_off_line(s, one_off, r, term.code)
    s.execute(Payment.__table__.insert(), [{
        "id": p["id"], "kind": p["kind"], "room_id": r.id, "payer_name": p.get("payer_name"),
        "shift_id": shift.id if shift else None, "terminal_id": term.id, "user_id": uid,
        "total_fen": int(p["total_fen"]), "change_fen": int(p.get("change_fen") or 0),
        "prepaid_after_fen": p.get("prepaid_after_fen"), "as_of": day(p["as_of"]), "business_day": business_day,
        "device_seq": None, "refund_of_id": p.get("refund_of_id"), "note": p.get("note"), "created_at": created_at}])
    if receipt:
        _add_receipt(s, receipt, p["id"], term.id)
    tenders = p.get("tenders") or []
    if tenders:  # (gateway orders live on the sender only; the tender keeps its reference)
        s.execute(Tender.__table__.insert(), [{
            "id": t["id"], "payment_id": p["id"], "method": t["method"], "amount_fen": int(t["amount_fen"]),
            "received_fen": t.get("received_fen"), "reference": t.get("reference"),
            "pos_terminal": t.get("pos_terminal"), "pos_batch": t.get("pos_batch"), "pos_voucher": t.get("pos_voucher"),
            "gateway_order_id": None} for t in tenders])
    credit = _allocate(s, p, lines)
    if p["kind"] == "deposit" and p.get("deposit"):
        d = p["deposit"]
        s.execute(Deposit.__table__.insert(), [{
            "id": d["id"], "room_id": r.id, "purpose": d["purpose"], "amount_fen": int(d["amount_fen"]),
            "payment_id": p["id"], "refund_payment_id": None, "created_at": dt(d.get("created_at")) or created_at}])
    receipt_no = receipt["receipt_no"] if receipt else None
    ledger.post(s, "payment", _entries(p, r, term.code), ref_type="payment", ref_id=p["id"], memo=receipt_no,
                user=p.get("user"), terminal=term.code, txn_id=p.get("txn_id"))
    if credit:
        _credit_double_payment(s, p, r, term.code, receipt_no, credit)
    if late:
        open_exception(s, "late_event", "payment", p["id"], reason=late, terminal=term.code,
                       day=p["business_day"], shift_id=p.get("shift_id"), receipt_no=receipt_no,
                       room=r.room_key, amount_fen=int(p["total_fen"]))
    if any(t["method"] == "prepaid" for t in tenders):
        flag_negative_prepaid(s, r, "payment", p["id"], receipt_no)


def _check_lines(s: Session, p: dict[str, Any], r: Any) -> dict[str, BillLine]:
    """Every allocated line must exist here, in this room (the one-off line comes with the
    event and must not)."""
    one_off = p.get("one_off_line")
    one_off_id = (one_off or {}).get("id")
    wanted = {a["bill_line_id"] for a in p.get("allocations") or []} - {one_off_id}
    out = {line.id: line for line in s.scalars(select(BillLine).where(BillLine.id.in_(wanted)))} if wanted else {}
    for lid in sorted(wanted):
        if lid not in out or out[lid].room_id != r.id:
            raise EventRejected("sync.unknown_line", line=lid, room=r.room_key)
    if one_off:
        if s.scalar(select(BillLine.id).where(BillLine.id == one_off_id)) is not None:
            raise EventRejected("sync.line_exists", line=one_off_id, room=r.room_key)
        if s.scalar(select(FeeItem.id).where(FeeItem.id == one_off["fee_item_id"])) is None:
            raise EventRejected("sync.unknown_fee_item", fee=one_off.get("fee_code") or one_off["fee_item_id"],
                                room=r.room_key)
    return out


def _add_receipt(s: Session, receipt: dict[str, Any], payment_id: str, terminal_id: str) -> None:
    """The receipt keeps the sender's number; the sender terminal's sequence for that day is
    raised to it here, so this database never hands that number out again."""
    rday, seq = day(receipt["day"]), int(receipt["seq"])
    s.execute(Receipt.__table__.insert(), [{
        "id": receipt["id"], "receipt_no": receipt["receipt_no"], "payment_id": payment_id, "terminal_id": terminal_id,
        "day": rday, "seq": seq, "issued_at": dt(receipt["issued_at"])}])
    where = (_RS.c.terminal_id == terminal_id, _RS.c.day == rday)
    if s.execute(update(_RS).where(*where, _RS.c.last_seq < seq).values(last_seq=seq)).rowcount == 0:
        if s.scalar(select(_RS.c.last_seq).where(*where)) is None:
            s.execute(_RS.insert().values(terminal_id=terminal_id, day=rday, last_seq=seq))


def _create_one_off_line(s: Session, line: dict[str, Any], r: Any, terminal_code: str) -> None:
    s.add(BillLine(id=line["id"], room_id=r.id, fee_item_id=line["fee_item_id"], period=line["period"],
                   kind="one_off", amount_fen=int(line["amount_fen"]), detail=line.get("detail") or {},
                   due_date=day(line["due_date"]), note=line.get("note"), created_by=line.get("created_by"),
                   created_at=dt(line.get("created_at"))))
    s.flush()
    fee_name = s.scalar(select(FeeItem.name).where(FeeItem.id == line["fee_item_id"]))
    ledger.post(s, "bill", [(ledger.room_account("AR", r.id), int(line["amount_fen"])),
                            (ledger.income_account(line['fee_item_id']), -int(line["amount_fen"]))],
                ref_type="bill_line", ref_id=line["id"], memo=f"临时收费 {fee_name}", user=line.get("created_by"),
                terminal=terminal_code, txn_id=line.get("txn_id"))


def _open_on(s: Session, lines: dict[str, BillLine]) -> dict[str, int]:
    """What each line still has open here: its amount, plus corrections merged into it, less
    principal waived and principal paid by payments not voided. Three queries for all the
    lines of a payment; most find nothing."""
    ids = list(lines)
    due = {lid: line.amount_fen for lid, line in lines.items()}
    for target, amount, detail in s.execute(select(BillLine.corrects_id, BillLine.amount_fen, BillLine.detail)
                                            .where(BillLine.corrects_id.in_(ids), BillLine.kind == "delta")):
        if (detail or {}).get("mode") == "merged":
            due[target] += int(amount)
    for lid, amount in s.execute(select(BillAdjustment.bill_line_id, BillAdjustment.amount_fen)
                                 .where(BillAdjustment.bill_line_id.in_(ids),
                                        BillAdjustment.kind == "waive_principal")):
        due[lid] -= int(amount or 0)
    paid = s.execute(select(Allocation.bill_line_id, Allocation.payment_id, Allocation.principal_fen)
                     .where(Allocation.bill_line_id.in_(ids))).all()
    if paid:
        voided = set(s.scalars(select(Receipt.payment_id).join(ReceiptVoid, ReceiptVoid.receipt_id == Receipt.id)
                               .where(Receipt.payment_id.in_({pid for _, pid, _ in paid}))))
        for lid, pid, principal in paid:
            if pid not in voided:
                due[lid] -= int(principal)
    return due


def _allocate(s: Session, p: dict[str, Any], lines: dict[str, BillLine]) -> list[dict[str, Any]]:
    """Write the allocations; return the parts that found their line already paid here."""
    rows, credit = split_allocations(p, lines, _open_on(s, lines) if lines else {})
    for c in credit:
        c["first_payments"] = _payers(s, c["bill_line_id"], p["id"])
    if rows:
        s.execute(Allocation.__table__.insert(), rows)
    return credit


def split_allocations(p: dict[str, Any], lines: dict[str, BillLine], open_: dict[str, int]
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The payment's allocation rows as far as its lines are still open (`open_` is lowered by
    what they take), and the parts that found their line already paid (without
    `first_payments`, which the caller adds)."""
    credit, rows = [], []
    for a in p.get("allocations") or []:
        lid, principal, late = a["bill_line_id"], int(a["principal_fen"]), int(a.get("late_fee_fen") or 0)
        line = lines.get(lid)
        keep = principal if line is None else max(0, min(principal, open_[lid]))
        if keep < principal:
            # the late fee follows the principal: kept with any part that still fits, else credited
            kept_late = late if keep > 0 else 0
            credit.append({"bill_line_id": lid, "allocation_id": a["id"], "principal_fen": principal - keep,
                           "late_fee_fen": late - kept_late, "fee_item_id": line.fee_item_id, "period": line.period})
            late = kept_late
        if keep > 0 or late:
            rows.append({"id": a["id"], "payment_id": p["id"], "bill_line_id": lid, "principal_fen": keep,
                         "late_fee_fen": late, "late_fee_detail": a.get("late_fee_detail") if late else None})
        if line is not None:
            open_[lid] -= keep
    return rows, credit


def _payers(s: Session, line_id: str, this_payment: str) -> list[str]:
    from app.services.voided import not_voided

    return sorted(set(s.scalars(select(Allocation.payment_id).where(Allocation.bill_line_id == line_id,
                                                                    Allocation.payment_id != this_payment,
                                                                    not_voided(Allocation.payment_id)))))


def _entries(p: dict[str, Any], r: Any, terminal_code: str) -> list[tuple[str, int]]:
    """The payment's ledger entries as the sender posted them: each tender to the account the
    tender registry names, the credit side by kind."""
    out = [(tender_methods.account(t["method"], terminal=terminal_code, room=r.id), int(t["amount_fen"]))
           for t in p.get("tenders") or []]
    total = int(p["total_fen"])
    kind = p["kind"]
    if kind in ("bills", "one_off"):
        principal = sum(int(a["principal_fen"]) for a in p.get("allocations") or [])
        late = sum(int(a.get("late_fee_fen") or 0) for a in p.get("allocations") or [])
        out.append((ledger.room_account("AR", r.id), -principal))
        if late:
            out.append((ledger.late_fee_account(r.community_id), -late))
    elif kind == "prepay":
        out.append((ledger.room_account("PRE", r.id), -total))
    elif kind == "deposit":
        out.append((ledger.room_account("DEP", r.id), -total))
    else:
        raise EventRejected("sync.unknown_payment_kind", kind=kind)
    return out


def _credit_double_payment(s: Session, p: dict[str, Any], r: Any, terminal_code: str, receipt_no: str | None,
                           credit: list[dict[str, Any]]) -> None:
    lines, entries, exception = double_payment_records(p, r, receipt_no, credit)
    s.add_all(lines)
    s.flush()
    ledger.post(s, "double_pay", entries.items(), ref_type="payment", ref_id=p["id"],
                memo=double_pay_memo(receipt_no), user=p.get("user"), terminal=terminal_code)
    open_exception(s, "double_payment", "payment", p["id"], terminal=terminal_code, **exception)


def double_pay_memo(receipt_no: str | None) -> str:
    """The words on a double payment's credit lines and its `double_pay` txn."""
    return f"重复缴费转预存 {receipt_no or ''}".strip()


def double_payment_records(p: dict[str, Any], r: Any, receipt_no: str | None, credit: list[dict[str, Any]]
                           ) -> tuple[list[BillLine], dict[str, int], dict[str, Any]]:
    """What a double payment's credited parts become: the 'credit' bill lines, the entries of
    its `double_pay` txn and the detail of its exception (the one-by-one and bulk appliers share it)."""
    lines: list[BillLine] = []
    entries: dict[str, int] = defaultdict(int)
    for c in credit:
        amount = c["principal_fen"] + c["late_fee_fen"]
        lines.append(BillLine(id=new_id(), room_id=r.id, fee_item_id=c["fee_item_id"], period=c["period"], kind="credit",
                              amount_fen=-amount, detail={"basis": "double_payment", "payment_id": p["id"],
                                                          "line_id": c["bill_line_id"],
                                                          "principal_fen": c["principal_fen"],
                                                          "late_fee_fen": c["late_fee_fen"], "receipt_no": receipt_no},
                              due_date=day(p["business_day"]), note=double_pay_memo(receipt_no),
                              created_by=p.get("user"), created_at=dt(p["created_at"])))
        entries[ledger.room_account("AR", r.id)] += c["principal_fen"]
        if c["late_fee_fen"]:
            entries[ledger.late_fee_account(r.community_id)] += c["late_fee_fen"]
        entries[ledger.room_account("PRE", r.id)] -= amount
    exception = {"room": r.room_key, "room_id": r.id,
                 "amount_fen": sum(c["principal_fen"] + c["late_fee_fen"] for c in credit),
                 "receipt_no": receipt_no, "lines": [c["bill_line_id"] for c in credit],
                 "payments": sorted({pid for c in credit for pid in c["first_payments"]}) + [p["id"]]}
    return lines, entries, exception
