"""Taking money at the counter. Each function is one unit of work: the payment, its
tenders, allocations, receipt number, ledger transaction, outbox event and audit record
commit together or not at all. Every check runs before the first write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Allocation, BillLine, Community, FeeItem, Occupancy, Party, Payment, Receipt, Room, Tender
from app.domain.periods import Period
from app.errors import InputError, NotFound, Problem
from app.ids import new_id
from app.money import fen_to_yuan_str
from app.services import audit, ledger, print_queue, users
from app.services.billing.bills import LineView, room_lines
from app.services.billing.postings import post_bill_lines
from app.services.cashier.receipt_numbers import next_receipt_no
from app.services.cashier.shifts import require_open
from app.services.cashier.tenders import Settlement, TenderInput, settle
from app.services.outbox import emit
from app.services.rooms import resolve_room


@dataclass(frozen=True)
class Counter:
    """Who is acting where: the terminal code and the acting user."""

    terminal: str
    user: str


def prepaid_balance(s: Session, room_id: str) -> int:
    return -ledger.balance(s, f"PRE:{room_id}")


def payer_name(s: Session, room_id: str) -> str | None:
    return s.scalar(select(Party.name).join(Occupancy, Occupancy.party_id == Party.id)
                    .where(Occupancy.room_id == room_id, Occupancy.end_date.is_(None))
                    .order_by(Occupancy.role).limit(1))


def _tender_entries(room_id: str, terminal: str, st: Settlement) -> list[tuple[str, int]]:
    return [(f"PRE:{room_id}" if t.method == "prepaid" else f"TND:{t.method}:{terminal}", applied)
            for t, applied in st.applied]


def _record(s: Session, c: Counter, kind: str, room: Room, total_fen: int, st: Settlement, as_of: date,
            credits: list[tuple[str, int]], note: str | None = None,
            allocations: list[tuple[LineView, int, int]] | None = None, in_shift: bool = True) -> dict:
    if in_shift:
        shift, terminal, user = require_open(s, c.terminal, c.user)
    else:  # the bill run's prepaid deduction: no cash moves, so no drawer and no shift
        shift, terminal, user = None, users.ensure_terminal(s, c.terminal), users.get_user(s, c.user)
    day = clock.today()
    receipt_no, seq = next_receipt_no(s, terminal.id, terminal.code, day)
    pid = new_id()
    payer = payer_name(s, room.id)
    s.add(Payment(id=pid, kind=kind, room_id=room.id, payer_name=payer, shift_id=shift.id if shift else None,
                  terminal_id=terminal.id,
                  user_id=user.id, total_fen=total_fen, change_fen=st.change_fen, as_of=as_of, business_day=day,
                  note=note, created_at=clock.now()))
    s.flush()
    receipt = Receipt(receipt_no=receipt_no, payment_id=pid, terminal_id=terminal.id, day=day, seq=seq,
                      issued_at=clock.now())
    s.add(receipt)
    s.flush()
    if terminal.printer:  # printed after the commit by the terminal's print worker
        print_queue.enqueue(s, terminal.id, receipt.id)
    tenders_json = []
    for t, applied in st.applied:
        s.add(Tender(payment_id=pid, method=t.method, amount_fen=applied,
                     received_fen=st.cash_received_fen if t.method == "cash" else None, reference=t.reference,
                     pos_batch=t.pos_batch, pos_voucher=t.pos_voucher, pos_terminal=t.pos_terminal))
        tenders_json.append({"method": t.method, "amount_fen": applied, "reference": t.reference,
                             **({"received_fen": st.cash_received_fen} if t.method == "cash" else {})})
    alloc_json = []
    for v, principal, late in allocations or []:
        s.add(Allocation(payment_id=pid, bill_line_id=v.id, principal_fen=principal, late_fee_fen=late,
                         late_fee_detail=v.late_fee_detail if late else None))
        alloc_json.append({"line_id": v.id, "fee_code": v.fee_code, "fee_name": v.fee_name, "period": v.period,
                           "principal_fen": principal, "late_fee_fen": late})
    ledger.post(s, "payment", _tender_entries(room.id, terminal.code, st) + credits, ref_type="payment", ref_id=pid,
                memo=f"{receipt_no}", user=c.user, terminal=terminal.code)
    prepaid_after = prepaid_balance(s, room.id)
    s.execute(update(Payment).where(Payment.id == pid).values(prepaid_after_fen=prepaid_after))
    result = {"receipt_no": receipt_no, "payment_id": pid, "kind": kind, "room": room.room_key, "payer": payer,
              "total_fen": total_fen, "change_fen": st.change_fen, "cash_received_fen": st.cash_received_fen,
              "allocations": alloc_json, "tenders": tenders_json, "as_of": as_of.isoformat(),
              "prepaid_fen": prepaid_after}
    emit(s, "payment", pid, {k: v for k, v in result.items() if k != "prepaid_fen"} | {"terminal": terminal.code,
                                                                                     "user": c.user})
    audit.record(s, f"pay.{kind}", user=c.user, terminal=terminal.code, entity="payment", entity_id=pid,
                 detail={"receipt_no": receipt_no, "total_fen": total_fen})
    return result


def pay_bills(s: Session, c: Counter, room_key: str, tenders: list[TenderInput], *, line_ids: list[str] | None = None,
              as_of: date | None = None) -> dict:
    """Pay the given lines (or all unpaid lines, oldest due first) with late fees as of the
    payment day."""
    users.require(s, c.user, "pay")
    require_open(s, c.terminal, c.user)
    as_of = as_of or clock.today()
    room = resolve_room(s, room_key)
    views = {v.id: v for v in room_lines(s, room.id, as_of=as_of, include_paid=True)}
    if line_ids:
        problems = []
        for lid in dict.fromkeys(line_ids):
            v = views.get(lid)
            if v is None:
                problems.append(Problem(f"bill line {lid} is not a line of room {room.room_key}"))
            elif v.status != "unpaid" or v.outstanding_fen <= 0:
                problems.append(Problem(f"bill line {lid} ({v.fee_name} {v.period}) is already {v.status}"))
        if problems:
            raise InputError("cannot pay these lines", problems)
        chosen = [views[lid] for lid in dict.fromkeys(line_ids)]
    else:
        chosen = [v for v in views.values() if v.status == "unpaid" and v.outstanding_fen > 0]
    if not chosen:
        raise InputError(f"room {room.room_key} has nothing to pay")
    chosen.sort(key=lambda v: (v.due_date, v.period, v.fee_code))
    principal = sum(v.outstanding_fen for v in chosen)
    late = sum(v.late_fee_fen for v in chosen)
    st = settle(principal + late, tenders, prepaid_balance(s, room.id))
    community = s.get(Community, room.community_id)
    credits = [(f"AR:{room.id}", -principal)] + ([(f"LATE:{community.id}", -late)] if late else [])
    return _record(s, c, "bills", room, principal + late, st, as_of, credits,
                   allocations=[(v, v.outstanding_fen, v.late_fee_fen) for v in chosen])


def prepay(s: Session, c: Counter, room_key: str, tenders: list[TenderInput]) -> dict:
    """Top up a room's prepaid balance (预存). The whole tender goes in: no change."""
    users.require(s, c.user, "prepay")
    require_open(s, c.terminal, c.user)
    room = resolve_room(s, room_key)
    if any(t.method == "prepaid" for t in tenders):
        raise InputError("a prepaid top-up cannot be paid from the prepaid balance")
    total = sum(t.amount_fen for t in tenders)
    st = settle(total, tenders, allow_change=False)
    return _record(s, c, "prepay", room, total, st, clock.today(), [(f"PRE:{room.id}", -total)], note="预存")


def collect_deposit(s: Session, c: Counter, room_key: str, purpose: str, tenders: list[TenderInput]) -> dict:
    """A deposit (押金) goes to the room's deposit ledger — a liability, never income."""
    from app.db.models import Deposit

    users.require(s, c.user, "deposit")
    require_open(s, c.terminal, c.user)
    purpose = (purpose or "").strip()
    if not purpose:
        raise InputError("--purpose is required (e.g. 装修押金)")
    room = resolve_room(s, room_key)
    if any(t.method == "prepaid" for t in tenders):
        raise InputError("a deposit cannot be paid from the prepaid balance")
    total = sum(t.amount_fen for t in tenders)
    st = settle(total, tenders, allow_change=False)
    result = _record(s, c, "deposit", room, total, st, clock.today(), [(f"DEP:{room.id}", -total)], note=purpose)
    s.add(Deposit(room_id=room.id, purpose=purpose, amount_fen=total, payment_id=result["payment_id"]))
    result["deposits_fen"] = -ledger.balance(s, f"DEP:{room.id}")
    return result


def charge_one_off(s: Session, c: Counter, room_key: str, fee_code: str, amount_fen: int, note: str,
                   tenders: list[TenderInput]) -> dict:
    """A one-off charge (临时收费, e.g. 装修垃圾清运费) with a free amount and a note, billed and
    paid in the same unit of work."""
    users.require(s, c.user, "pay")
    require_open(s, c.terminal, c.user)
    room = resolve_room(s, room_key)
    item = s.scalar(select(FeeItem).where(FeeItem.community_id == room.community_id, FeeItem.code == fee_code))
    if item is None:
        raise NotFound(f"fee item {fee_code!r} does not exist in this room's community")
    if item.basis != "one_off":
        raise InputError(f"fee item {fee_code} is billed by the bill run ({item.basis}), not as a one-off charge")
    if amount_fen <= 0:
        raise InputError(f"amount {fen_to_yuan_str(amount_fen)} must be greater than 0")
    if not (note or "").strip():
        raise InputError("--note is required: say what the charge is for")
    today = clock.today()
    st = settle(amount_fen, tenders, prepaid_balance(s, room.id))
    lid = new_id()
    s.add(BillLine(id=lid, room_id=room.id, fee_item_id=item.id, period=str(Period.of(today)), kind="one_off",
                   amount_fen=amount_fen, detail={"basis": "one_off", "amount": fen_to_yuan_str(amount_fen),
                                                  "note": note.strip()},
                   due_date=today, note=note.strip(), created_by=c.user, created_at=clock.now()))
    s.flush()
    post_bill_lines(s, [(room.id, item.id, amount_fen)], ref_type="bill_line", ref_id=lid, memo=f"临时收费 {item.name}",
                    user=c.user, terminal=c.terminal)
    view = LineView(lid, item.code, item.name, str(Period.of(today)), "one_off", amount_fen, 0, 0, None, today,
                    "unpaid")
    return _record(s, c, "one_off", room, amount_fen, st, today, [(f"AR:{room.id}", -amount_fen)],
                   note=note.strip(), allocations=[(view, amount_fen, 0)])
