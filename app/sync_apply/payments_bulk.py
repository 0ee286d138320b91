"""Many `payment` events at once: the fast path of a push batch (docs/sync.md "Push").

A counter that was offline for a shift pushes hundreds of payments: each one alone costs
about twenty statements (room lock, lines, what is paid on them, receipt number, ledger…).
Here a run of events is checked with a handful of set-wide queries and written with one
multi-row insert per table — double payments included (twenty counters of one community
paying the same rooms offline make most of a push's payments double: one by one, their
batches queued for minutes behind each other's room locks). The cases left to the ordinary
applier (app.sync_apply.payments) are the rare ones: a one-off line, a deposit, a prepaid
tender, a late event (shift or day closed here), an unknown room or line, an id or receipt
number already here. Such an event sets its ROOM aside: every event of that room goes one by
one, after the others, in device_seq order — what a payment does depends only on its room's
lines and accounts, so rooms may be applied in any order but each room's events in theirs.
The rows written are the same either way (tests compare them, double payments included)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.models import (Allocation, BillLine, DayClose, ExceptionCase, Payment, Receipt, ReceiptSequence, Room, Shift,
                           Tender)
from app.services import ledger
from app.sync_apply.common import day, dt, ensure_shift, terminal, user_id
from app.sync_apply.payments import _entries, _open_on, double_pay_memo, double_payment_records, split_allocations
from app.sync_events import EventRejected

_RS = ReceiptSequence.__table__
PLAIN_KINDS = ("bills", "prepay")


def _plain(p: dict[str, Any]) -> bool:
    return (p.get("kind") in PLAIN_KINDS and not p.get("one_off_line") and not p.get("deposit")
            and not p.get("refund_of_id") and p.get("receipt") is not None and p.get("shift_id") is not None
            and all(t.get("method") != "prepaid" for t in p.get("tenders") or []))


def apply_payments(s: Session, payloads: list[dict[str, Any]], origin: str) -> list[int]:
    """Apply these payment payloads (one terminal's, in device_seq order) together as far as
    they are ordinary; return the positions left for the one-by-one applier, in order."""
    everything = list(range(len(payloads)))
    ids = [p["id"] for p in payloads]
    if not payloads or len(set(ids)) != len(ids):
        return everything
    try:
        term = terminal(s, payloads[0].get("terminal"), origin)
        if any((p.get("terminal") or origin) != term.code for p in payloads):
            return everything
        uids = {p["user"]: user_id(s, p["user"]) for p in payloads if p.get("user")}
    except EventRejected:
        return everything
    # rooms locked in id order (two batches never lock the same rooms in opposite orders)
    room_ids = sorted({p["room_id"] for p in payloads if isinstance(p.get("room_id"), str)})
    rooms = {r.id: r for r in s.execute(select(Room.id, Room.room_key, Room.community_id)
                                        .where(Room.id.in_(room_ids)).order_by(Room.id).with_for_update())}
    line_ids = {a["bill_line_id"] for p in payloads for a in p.get("allocations") or []}
    lines = {ln.id: ln for ln in s.scalars(select(BillLine).where(BillLine.id.in_(line_ids)))} if line_ids else {}
    aside = _rooms_aside(s, payloads, term.id, rooms, lines)
    take = [p for p in payloads if p["room_id"] not in aside]
    if not take:
        return everything
    lines = {a["bill_line_id"]: lines[a["bill_line_id"]] for p in take for a in p.get("allocations") or []}
    open_ = _open_on(s, lines) if lines else {}
    allocations: list[dict[str, Any]] = []
    credits: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    paid_here: dict[str, set[str]] = defaultdict(set)  # line -> payments of this run holding part of it
    for p in take:
        rows, credit = split_allocations(p, lines, open_)
        for c in credit:
            c["first_payments"] = set(paid_here[c["bill_line_id"]])
        if credit:
            credits.append((p, credit))
        for row in rows:
            paid_here[row["bill_line_id"]].add(p["id"])
        allocations += rows
    if credits:  # the payers already here (not voided) come before this run's
        _add_payers_here(s, credits)
    _write(s, take, term, uids, rooms, allocations, credits)
    return [i for i, p in enumerate(payloads) if p["room_id"] in aside]


def _rooms_aside(s: Session, payloads: list[dict[str, Any]], terminal_id: str, rooms: dict[str, Any],
                 lines: dict[str, BillLine]) -> set[str]:
    """The rooms of events the ordinary applier must take (module docstring); `rooms` and
    `lines` are those of the payloads found here."""
    aside = {p.get("room_id") for p in payloads if not _plain(p)}
    ids = [p["id"] for p in payloads]
    here = set(s.scalars(select(Payment.id).where(Payment.id.in_(ids))))
    aside |= {p["room_id"] for p in payloads if p["id"] in here}
    aside |= {p["room_id"] for p in payloads if p["room_id"] not in rooms}
    numbers = Counter(p["receipt"]["receipt_no"] for p in payloads if p.get("receipt"))
    taken = set(s.scalars(select(Receipt.receipt_no).where(Receipt.receipt_no.in_(list(numbers)))))
    aside |= {p["room_id"] for p in payloads if p.get("receipt")
              and (numbers[p["receipt"]["receipt_no"]] > 1 or p["receipt"]["receipt_no"] in taken)}
    aside |= {p["room_id"] for p in payloads for a in p.get("allocations") or []
              if a["bill_line_id"] not in lines or lines[a["bill_line_id"]].room_id != p["room_id"]}
    shift_ids = {p["shift_id"] for p in payloads if p.get("shift_id")}
    closed = set(s.scalars(select(Shift.id).where(Shift.id.in_(shift_ids), Shift.closed_at.is_not(None))))
    days = {day(p["business_day"]) for p in payloads}
    closed_days = set(s.scalars(select(DayClose.day).where(DayClose.terminal_id == terminal_id, DayClose.day.in_(days))))
    aside |= {p["room_id"] for p in payloads if p.get("shift_id") in closed or day(p["business_day"]) in closed_days}
    return aside


def _write(s: Session, payloads: list[dict[str, Any]], term: Any, uids: dict[str, str | None], rooms: dict[str, Any],
           allocations: list[dict[str, Any]], credits: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
    shifts = set(s.scalars(select(Shift.id).where(Shift.id.in_({p["shift_id"] for p in payloads}))))
    for p in payloads:  # a shift met first in this batch (its shift_open was pushed earlier)
        if p["shift_id"] not in shifts:
            ensure_shift(s, p.get("shift"), p["shift_id"], term.id, uids.get(p.get("user")), dt(p["created_at"]))
            shifts.add(p["shift_id"])
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
    if allocations:
        s.execute(Allocation.__table__.insert(), allocations)
    ledger.post_many(s, [{"kind": "payment", "entries": _entries(p, rooms[p["room_id"]], term.code),
                          "ref_type": "payment", "ref_id": p["id"], "memo": p["receipt"]["receipt_no"],
                          "user": p.get("user"), "terminal": term.code, "txn_id": p.get("txn_id")}
                         for p in payloads])
    if credits:
        _credit_double_payments(s, term.code, rooms, credits)


def _add_payers_here(s: Session, credits: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
    from app.services.voided import not_voided

    line_ids = sorted({c["bill_line_id"] for _, credit in credits for c in credit})
    here: dict[str, set[str]] = defaultdict(set)
    for lid, pid in s.execute(select(Allocation.bill_line_id, Allocation.payment_id)
                              .where(Allocation.bill_line_id.in_(line_ids), not_voided(Allocation.payment_id))):
        here[lid].add(pid)
    for p, credit in credits:
        for c in credit:
            c["first_payments"] = sorted((c["first_payments"] | here[c["bill_line_id"]]) - {p["id"]})


def _credit_double_payments(s: Session, terminal_code: str, rooms: dict[str, Any],
                            credits: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
    """What the one-by-one applier's _credit_double_payment writes, for all of them at once."""
    txns, cases = [], []
    for p, credit in credits:
        receipt_no = p["receipt"]["receipt_no"]
        lines, entries, exception = double_payment_records(p, rooms[p["room_id"]], receipt_no, credit)
        s.add_all(lines)
        txns.append({"kind": "double_pay", "entries": list(entries.items()), "ref_type": "payment", "ref_id": p["id"],
                     "memo": double_pay_memo(receipt_no), "user": p.get("user"),
                     "terminal": terminal_code})
        cases.append(ExceptionCase(kind="double_payment", ref_type="payment", ref_id=p["id"],
                                   detail={"terminal": terminal_code, **exception}))
    s.add_all(cases)
    s.flush()
    ledger.post_many(s, txns)
