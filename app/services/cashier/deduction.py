"""Prepaid deduction (预存抵扣) after a bill run, for communities that enable it
(Community.options["prepaid_deduction"]).

Each room with a prepaid balance pays its unpaid lines from it, oldest due first, late fees
included as of the run day, as long as the balance covers the next line whole; it stops at
the first line it cannot cover (a line is never part-paid). Each room's deduction is an
ordinary payment with a receipt number and tender 'prepaid' — never booked as cash.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Community, LedgerAccount, Posting, Room
from app.services.receivables.bills import room_lines
from app.services import ledger
from app.services.cashier.payments import Counter, prepaid_balance, record_payment
from app.services.cashier.tenders import TenderInput, settle
from app.services.rooms import lock_room


def deduction_communities(s: Session, community_ids: list[str]) -> list[str]:
    return [c.id for c in s.scalars(select(Community).where(Community.id.in_(community_ids)))
            if (c.options or {}).get("prepaid_deduction")]


def _rooms_with_prepaid(s: Session, community_ids: list[str], room_ids: list[str] | None) -> list[tuple[str, int]]:
    """(room id, PRE ledger balance < 0) of the rooms holding prepaid money."""
    q = (select(LedgerAccount.room_id, func.sum(Posting.amount_fen))
         .join(Posting, Posting.account_id == LedgerAccount.id)
         .join(Room, Room.id == LedgerAccount.room_id)
         .where(LedgerAccount.code.like("PRE:%"), Room.community_id.in_(community_ids))
         .group_by(LedgerAccount.room_id).having(func.sum(Posting.amount_fen) < 0))
    if room_ids is None:
        return [tuple(r) for r in s.execute(q)]  # type: ignore[misc]
    out: list[tuple[str, int]] = []
    for i in range(0, len(room_ids), 900):
        out += [tuple(r) for r in s.execute(q.where(LedgerAccount.room_id.in_(room_ids[i:i + 900])))]  # type: ignore[misc]
    return out


def deduct_prepaid(s: Session, c: Counter, community_ids: list[str], as_of: date, *,
                   room_ids: list[str] | None = None) -> dict:
    """Deduct for every room of the communities that enable it (or only for `room_ids`:
    the bill run deducts chunk by chunk, in the chunk's own transaction)."""
    ids = deduction_communities(s, community_ids)
    if not ids:
        return {"payments": 0, "total_fen": 0, "receipts": []}
    rows = _rooms_with_prepaid(s, ids, room_ids)
    receipts, total = [], 0
    for room_id, _ in sorted(rows):
        lock_room(s, room_id)  # then read fresh: a counter may have paid or spent meanwhile
        balance = start = prepaid_balance(s, room_id)
        chosen = []
        for v in sorted((v for v in room_lines(s, room_id, as_of=as_of) if v.outstanding_fen > 0),
                        key=lambda v: (v.due_date, v.period, v.fee_code)):
            need = v.outstanding_fen + v.late_fee_fen
            if need > balance:
                break
            chosen.append(v)
            balance -= need
        if not chosen:
            continue
        room = s.get(Room, room_id)
        principal = sum(v.outstanding_fen for v in chosen)
        late = sum(v.late_fee_fen for v in chosen)
        st = settle(principal + late, [TenderInput("prepaid", principal + late)], start)
        credits = [(ledger.room_account("AR", room_id), -principal)] + ([(ledger.late_fee_account(room.community_id), -late)] if late else [])
        r = record_payment(s, c, "bills", room, principal + late, st, as_of, credits, note="预存抵扣",
                    allocations=[(v, v.outstanding_fen, v.late_fee_fen) for v in chosen], in_shift=False)
        receipts.append(r["receipt_no"])
        total += principal + late
    return {"payments": len(receipts), "total_fen": total, "receipts": receipts[:200]}
