"""Taking money at the counter. Each function is one unit of work: the payment, its
tenders, allocations, receipt number, ledger transaction, outbox event and audit record
commit together or not at all. Every check runs before the first write.

Concurrency (docs/checkout.md "Two counters, one room"): every function here first locks
the room's row (`rooms.lock_room`) and only then reads what is open, paid and held, so
"the line is still open, the balance still covers it" and the allocation are one atomic
step on PostgreSQL as on SQLite. The recorder checks again under the lock what its caller
read (a caller that read before locking loses with `Conflict`, never pays twice)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import clock, tender_methods
from app.db.models import Allocation, BillLine, Community, FeeItem, Occupancy, Party, Payment, Receipt, Room, Tender
from app.domain.periods import Period
from app.errors import Conflict, InputError, NotFound, PermissionDenied, Problem
from app.ids import new_id
from app.money import fen_to_yuan_str
from app.services.closing.day_lock import ensure_day_open
from app.services import audit, ledger, print_queue, rooms, users
from app.services.receivables.bills import LineView, paid_by_line, room_lines
from app.services.receivables.postings import post_bill_lines
from app.services.cashier.receipt_numbers import next_receipt_no
from app.services.cashier.shifts import require_open
from app.services.cashier.tenders import Settlement, TenderInput, settle
from app.services.rooms import resolve_room
from app.sync_events import emit_event

# Most change a counter hands back unless the community says otherwise (Community.options
# "max_change_fen"): a typo like cash=999999999999 is refused instead of recorded.
DEFAULT_MAX_CHANGE_FEN = 100000


@dataclass(frozen=True)
class Counter:
    """Who is acting where: the terminal code and the acting user."""

    terminal: str
    user: str


def prepaid_balance(s: Session, room_id: str) -> int:
    return -ledger.balance(s, ledger.room_account("PRE", room_id))


def payer_name(s: Session, room_id: str) -> str | None:
    return s.scalar(select(Party.name).join(Occupancy, Occupancy.party_id == Party.id)
                    .where(Occupancy.room_id == room_id, Occupancy.end_date.is_(None))
                    .order_by(Occupancy.role).limit(1))


def _tender_entries(room_id: str, terminal: str, st: Settlement) -> list[tuple[str, int]]:
    return [(tender_methods.account(t.method, terminal=terminal, room=room_id), applied)
            for t, applied in st.applied]


def record_payment(s: Session, c: Counter, kind: str, room: Room, total_fen: int, st: Settlement, as_of: date,
                   credits: list[tuple[str, int]], note: str | None = None,
                   allocations: list[tuple[LineView, int, int]] | None = None, in_shift: bool = True,
                   emit_now: bool = True) -> dict:
    """The one payment recorder (the counter's payments and the bill run's prepaid deduction):
    payment, receipt number, tenders, allocations, ledger transaction, outbox event and audit
    in the caller's unit of work, re-checked under the room lock."""
    rooms.lock_room(s, room.id)  # a no-op when the caller already holds it
    _recheck_under_lock(s, room, st, allocations or [])
    if in_shift:
        shift, terminal, user = require_open(s, c.terminal, c.user)
        ensure_day_open(s, c.terminal, clock.today())  # no new money into a day already closed
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
    if emit_now:  # a deposit emits once its deposit row exists: the payload carries it
        emit_event(s, "payment", pid)
    audit.record(s, f"pay.{kind}", user=c.user, terminal=terminal.code, entity="payment", entity_id=pid,
                 detail={"receipt_no": receipt_no, "total_fen": total_fen, "as_of": as_of.isoformat(),
                         **({"as_of_past": True} if as_of < day else {})})
    return result


def _line_name(v: LineView) -> str:
    return f"{v.fee_name} {v.period}"


def _recheck_under_lock(s: Session, room: Room, st: Settlement,
                        allocations: list[tuple[LineView, int, int]]) -> None:
    """With the room locked, what the caller read must still hold: every allocated line is
    paid exactly as much as when it was read, and the prepaid balance covers what is spent.
    Otherwise another counter got there first: Conflict, nothing written."""
    if allocations:
        fresh = paid_by_line(s, [v.id for v, _, _ in allocations])
        taken = [_line_name(v) for v, principal, _ in allocations
                 if fresh.get(v.id, 0) != v.paid_fen or principal > v.amount_fen - fresh.get(v.id, 0)]
        if taken:
            raise Conflict("pay.line_taken", lines=taken, room=room.room_key)
    _check_prepaid(s, room, sum(applied for t, applied in st.applied if t.method == "prepaid"))


def _check_prepaid(s: Session, room: Room, spend_fen: int) -> None:
    """Spending more than the balance (read now, under the room lock) is a Conflict: most
    often another counter has just spent it; the message says to refresh either way."""
    if spend_fen:
        balance = prepaid_balance(s, room.id)
        if spend_fen > balance:
            raise Conflict("pay.prepaid_short", room=room.room_key, amount=spend_fen, balance=balance)


def max_change_fen(community: Community | None) -> int:
    value = ((community.options or {}) if community else {}).get("max_change_fen", DEFAULT_MAX_CHANGE_FEN)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return DEFAULT_MAX_CHANGE_FEN  # a bad option never lets unlimited change through
    return value


def _check_change(s: Session, room: Room, st: Settlement) -> None:
    limit = max_change_fen(s.get(Community, room.community_id))
    if st.change_fen > limit:
        raise InputError("pay.change_too_large", change=st.change_fen, limit=limit, received=st.cash_received_fen)


def _check_as_of(s: Session, c: Counter, as_of: date | None) -> date:
    """Late fees as of another day than today: a past day shrinks the late fee, so it needs
    the `waive` permission (and the payment's audit record carries the day); a future day
    is refused."""
    today = clock.today()
    if as_of is None or as_of == today:
        return today
    if as_of > today:
        raise InputError("pay.as_of_future", day=as_of.isoformat(), today=today.isoformat())
    perms = users.permissions_of(s, c.user)
    if "*" not in perms and "waive" not in perms:
        raise PermissionDenied("pay.as_of_needs_waive", user=c.user, day=as_of.isoformat())
    return as_of


def pay_bills(s: Session, c: Counter, room_key: str, tenders: list[TenderInput], *, line_ids: list[str] | None = None,
              as_of: date | None = None) -> dict:
    """Pay the given lines (or all unpaid lines, oldest due first) with late fees as of the
    payment day. A line another counter paid meanwhile is a Conflict (pay.line_taken)."""
    users.require(s, c.user, "pay")
    require_open(s, c.terminal, c.user)
    as_of = _check_as_of(s, c, as_of)
    room = resolve_room(s, room_key)
    rooms.lock_room(s, room.id)  # before reading the lines: see the module docstring
    views = {v.id: v for v in room_lines(s, room.id, as_of=as_of, include_paid=True)}
    if line_ids:
        problems, taken = [], []
        for lid in dict.fromkeys(line_ids):
            v = views.get(lid)
            if v is None:
                problems.append(Problem.of("pay.line_not_in_room", line=lid, room=room.room_key))
            elif v.status == "paid":
                taken.append(_line_name(v))
            elif v.status != "unpaid" or v.outstanding_fen <= 0:
                problems.append(Problem.of("pay.line_not_payable", line=_line_name(v), status=v.status))
        if problems:
            raise InputError("pay.bad_lines", problems, room=room.room_key)
        if taken:
            raise Conflict("pay.line_taken", lines=taken, room=room.room_key)
        chosen = [views[lid] for lid in dict.fromkeys(line_ids)]
    else:
        chosen = [v for v in views.values() if v.status == "unpaid" and v.outstanding_fen > 0]
    if not chosen:
        raise InputError("pay.nothing_due", room=room.room_key)
    chosen.sort(key=lambda v: (v.due_date, v.period, v.fee_code))
    principal = sum(v.outstanding_fen for v in chosen)
    late = sum(v.late_fee_fen for v in chosen)
    _check_prepaid(s, room, sum(t.amount_fen for t in tenders if t.method == "prepaid"))
    st = settle(principal + late, tenders, prepaid_balance(s, room.id))
    _check_change(s, room, st)
    community = s.get(Community, room.community_id)
    credits = [(ledger.room_account("AR", room.id), -principal)] + ([(ledger.late_fee_account(community.id), -late)] if late else [])
    return record_payment(s, c, "bills", room, principal + late, st, as_of, credits,
                   allocations=[(v, v.outstanding_fen, v.late_fee_fen) for v in chosen])


def prepay(s: Session, c: Counter, room_key: str, tenders: list[TenderInput]) -> dict:
    """Top up a room's prepaid balance (预存). The whole tender goes in: no change."""
    users.require(s, c.user, "prepay")
    require_open(s, c.terminal, c.user)
    room = resolve_room(s, room_key)
    rooms.lock_room(s, room.id)
    if any(t.method == "prepaid" for t in tenders):
        raise InputError("prepay.from_prepaid")
    total = sum(t.amount_fen for t in tenders)
    st = settle(total, tenders, allow_change=False)
    return record_payment(s, c, "prepay", room, total, st, clock.today(), [(ledger.room_account("PRE", room.id), -total)], note="预存")


def collect_deposit(s: Session, c: Counter, room_key: str, purpose: str, tenders: list[TenderInput]) -> dict:
    """A deposit (押金) goes to the room's deposit ledger — a liability, never income."""
    from app.db.models import Deposit

    users.require(s, c.user, "deposit")
    require_open(s, c.terminal, c.user)
    purpose = (purpose or "").strip()
    if not purpose:
        raise InputError("deposit.purpose_required")
    room = resolve_room(s, room_key)
    rooms.lock_room(s, room.id)
    if any(t.method == "prepaid" for t in tenders):
        raise InputError("deposit.from_prepaid")
    total = sum(t.amount_fen for t in tenders)
    st = settle(total, tenders, allow_change=False)
    result = record_payment(s, c, "deposit", room, total, st, clock.today(), [(ledger.room_account("DEP", room.id), -total)],
                            note=purpose, emit_now=False)
    s.add(Deposit(room_id=room.id, purpose=purpose, amount_fen=total, payment_id=result["payment_id"]))
    emit_event(s, "payment", result["payment_id"])
    result["deposits_fen"] = -ledger.balance(s, ledger.room_account("DEP", room.id))
    return result


def charge_one_off(s: Session, c: Counter, room_key: str, fee_code: str, amount_fen: int, note: str,
                   tenders: list[TenderInput]) -> dict:
    """A one-off charge (临时收费, e.g. 装修垃圾清运费) with a free amount and a note, billed and
    paid in the same unit of work."""
    users.require(s, c.user, "pay")
    require_open(s, c.terminal, c.user)
    room = resolve_room(s, room_key)
    rooms.lock_room(s, room.id)
    item = s.scalar(select(FeeItem).where(FeeItem.community_id == room.community_id, FeeItem.code == fee_code))
    if item is None:
        raise NotFound("charge.fee_not_found", fee=fee_code, room=room.room_key)
    if item.basis != "one_off":
        raise InputError("charge.not_one_off", fee=fee_code, name=item.name, basis=item.basis)
    if amount_fen <= 0:
        raise InputError("charge.amount_not_positive", amount=amount_fen)
    if not (note or "").strip():
        raise InputError("charge.note_required")
    today = clock.today()
    _check_prepaid(s, room, sum(t.amount_fen for t in tenders if t.method == "prepaid"))
    st = settle(amount_fen, tenders, prepaid_balance(s, room.id))
    _check_change(s, room, st)
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
    return record_payment(s, c, "one_off", room, amount_fen, st, today, [(ledger.room_account("AR", room.id), -amount_fen)],
                   note=note.strip(), allocations=[(view, amount_fen, 0)])
