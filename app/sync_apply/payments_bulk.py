"""Many `payment` events at once: the fast path of a push batch (docs/sync.md "Push").

A counter that was offline for a shift pushes hundreds of plain payments: each one alone costs
about twenty statements (room lock, lines, what is paid on them, receipt number, ledger…).
Here a run of events is checked with a handful of set-wide queries and written with one
multi-row insert per table. Only the plain case is taken: bills or prepaid top-ups, no one-off
line or deposit, no prepaid tender, every allocation still open, no receipt number or payment
already here, the shift open and the day not closed. Anything else — a double payment, a late
event, an unknown room — returns False before writing a single row, and the caller applies
the events one by one with the ordinary applier (app.sync_apply.payments), which handles every
business rule. The rows written are the same either way (a test compares them)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.models import Allocation, BillLine, DayClose, Payment, Receipt, ReceiptSequence, Room, Shift, Tender
from app.services import ledger
from app.sync_apply.common import day, dt, ensure_shift, terminal, user_id
from app.sync_apply.payments import _entries, _open_on
from app.sync_events import EventRejected

_RS = ReceiptSequence.__table__
PLAIN_KINDS = ("bills", "prepay")


def _plain(p: dict[str, Any]) -> bool:
    return (p.get("kind") in PLAIN_KINDS and not p.get("one_off_line") and not p.get("deposit")
            and not p.get("refund_of_id") and p.get("receipt") is not None and p.get("shift_id") is not None
            and all(t.get("method") != "prepaid" for t in p.get("tenders") or []))


def apply_payments(s: Session, payloads: list[dict[str, Any]], origin: str) -> bool:
    """Apply these payment payloads (one terminal's, in device_seq order) together, or return
    False having written nothing."""
    if not payloads or not all(_plain(p) for p in payloads):
        return False
    ids = [p["id"] for p in payloads]
    if len(set(ids)) != len(ids) or s.scalar(select(Payment.id).where(Payment.id.in_(ids)).limit(1)):
        return False
    try:
        term = terminal(s, payloads[0].get("terminal"), origin)
        if any((p.get("terminal") or origin) != term.code for p in payloads):
            return False
        uids = {p["user"]: user_id(s, p["user"]) for p in payloads if p.get("user")}
    except EventRejected:
        return False
    # rooms locked in id order (two batches never lock the same rooms in opposite orders)
    room_ids = sorted({p["room_id"] for p in payloads})
    rooms = {r.id: r for r in s.execute(select(Room.id, Room.room_key, Room.community_id)
                                        .where(Room.id.in_(room_ids)).order_by(Room.id).with_for_update())}
    if len(rooms) != len(room_ids):
        return False
    numbers = [p["receipt"]["receipt_no"] for p in payloads]
    if len(set(numbers)) != len(numbers) or s.scalar(select(Receipt.id).where(Receipt.receipt_no.in_(numbers)).limit(1)):
        return False
    line_ids = {a["bill_line_id"] for p in payloads for a in p.get("allocations") or []}
    lines = {ln.id: ln for ln in s.scalars(select(BillLine).where(BillLine.id.in_(line_ids)))} if line_ids else {}
    if len(lines) != len(line_ids):
        return False
    open_ = _open_on(s, lines) if lines else {}
    for p in payloads:
        for a in p.get("allocations") or []:
            line = lines[a["bill_line_id"]]
            if line.room_id != p["room_id"] or int(a["principal_fen"]) > open_[line.id]:
                return False
            open_[line.id] -= int(a["principal_fen"])
    shift_ids = sorted({p["shift_id"] for p in payloads})
    shifts = {sh.id: sh for sh in s.scalars(select(Shift).where(Shift.id.in_(shift_ids)))}
    if any(sh.closed_at is not None for sh in shifts.values()):
        return False
    days = sorted({day(p["business_day"]) for p in payloads})
    if s.scalar(select(DayClose.id).where(DayClose.terminal_id == term.id, DayClose.day.in_(days)).limit(1)):
        return False
    # -- checked: write --------------------------------------------------------------------
    for p in payloads:  # a shift met first in this batch (its shift_open was pushed earlier)
        if p["shift_id"] not in shifts:
            shifts[p["shift_id"]] = ensure_shift(s, p.get("shift"), p["shift_id"], term.id, uids.get(p.get("user")),
                                                 dt(p["created_at"]))
    s.execute(Payment.__table__.insert(), [{
        "id": p["id"], "kind": p["kind"], "room_id": p["room_id"], "payer_name": p.get("payer_name"),
        "shift_id": p["shift_id"], "terminal_id": term.id, "user_id": uids.get(p.get("user")),
        "total_fen": int(p["total_fen"]), "change_fen": int(p.get("change_fen") or 0),
        "prepaid_after_fen": p.get("prepaid_after_fen"), "as_of": day(p["as_of"]),
        "business_day": day(p["business_day"]), "device_seq": None, "refund_of_id": None, "note": p.get("note"),
        "created_at": dt(p["created_at"])} for p in payloads])
    s.execute(Receipt.__table__.insert(), [{
        "id": p["receipt"]["id"], "receipt_no": p["receipt"]["receipt_no"], "payment_id": p["id"],
        "terminal_id": term.id, "day": day(p["receipt"]["day"]), "seq": int(p["receipt"]["seq"]),
        "issued_at": dt(p["receipt"]["issued_at"])} for p in payloads])
    top: dict[Any, int] = defaultdict(int)
    for p in payloads:
        rday = day(p["receipt"]["day"])
        top[rday] = max(top[rday], int(p["receipt"]["seq"]))
    for rday, seq in top.items():
        where = (_RS.c.terminal_id == term.id, _RS.c.day == rday)
        if s.execute(update(_RS).where(*where, _RS.c.last_seq < seq).values(last_seq=seq)).rowcount == 0:
            if s.scalar(select(_RS.c.last_seq).where(*where)) is None:
                s.execute(_RS.insert().values(terminal_id=term.id, day=rday, last_seq=seq))
    tenders = [{"id": t["id"], "payment_id": p["id"], "method": t["method"], "amount_fen": int(t["amount_fen"]),
                "received_fen": t.get("received_fen"), "reference": t.get("reference"),
                "pos_terminal": t.get("pos_terminal"), "pos_batch": t.get("pos_batch"),
                "pos_voucher": t.get("pos_voucher"), "gateway_order_id": None}
               for p in payloads for t in p.get("tenders") or []]
    if tenders:
        s.execute(Tender.__table__.insert(), tenders)
    allocations = [{"id": a["id"], "payment_id": p["id"], "bill_line_id": a["bill_line_id"],
                    "principal_fen": int(a["principal_fen"]), "late_fee_fen": int(a.get("late_fee_fen") or 0),
                    "late_fee_detail": a.get("late_fee_detail") if int(a.get("late_fee_fen") or 0) else None}
                   for p in payloads for a in p.get("allocations") or []
                   if int(a["principal_fen"]) or int(a.get("late_fee_fen") or 0)]
    if allocations:
        s.execute(Allocation.__table__.insert(), allocations)
    ledger.post_many(s, [{"kind": "payment", "entries": _entries(p, rooms[p["room_id"]], term.code),
                          "ref_type": "payment", "ref_id": p["id"], "memo": p["receipt"]["receipt_no"],
                          "user": p.get("user"), "terminal": term.code, "txn_id": p.get("txn_id")}
                         for p in payloads])
    return True
