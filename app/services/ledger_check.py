"""`ledger check`: the books balance, and every balance agrees with the facts it stands for.

- every transaction sums to zero, and so does the whole ledger;
- a room's receivable (AR) = its bill lines − principal paid by payments not voided
  − principal waived;
- its prepaid balance (PRE) = top-ups − prepaid spent + credits from corrections;
- its deposits (DEP) = deposits collected (not voided);
- each counter's tender account (TND) = the tenders it applied (not voided).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import (Allocation, BillAdjustment, BillLine, LedgerAccount, Payment, Posting, Tender,
                           Terminal)
from app.services import ledger
from app.services.voided import voided_payment_ids


def _ledger_by_code_prefix(s: Session, prefix: str) -> dict[str, int]:
    rows = s.execute(select(LedgerAccount.code, func.sum(Posting.amount_fen))
                     .join(Posting, Posting.account_id == LedgerAccount.id)
                     .where(LedgerAccount.code.like(f"{prefix}:%")).group_by(LedgerAccount.code)).all()
    return {code.split(":", 1)[1]: int(total) for code, total in rows}


def _compare(kind: str, books: dict[str, int], facts: dict[str, int], problems: list[str]) -> None:
    for key in sorted(set(books) | set(facts)):
        b, f = books.get(key, 0), facts.get(key, 0)
        if b != f:
            problems.append(f"{kind}:{key}: ledger says {b} fen, the records say {f} fen")


def full_check(s: Session) -> dict:
    result = ledger.check(s)
    problems: list[str] = list(result["problems"])
    voided = voided_payment_ids()

    # AR: debit balance per room
    facts: dict[str, int] = defaultdict(int)
    for room_id, total in s.execute(select(BillLine.room_id, func.sum(BillLine.amount_fen))
                                    .where(BillLine.kind != "credit").group_by(BillLine.room_id)):
        facts[room_id] += int(total)
    for room_id, total in s.execute(select(Payment.room_id, func.sum(Allocation.principal_fen))
                                    .join(Allocation, Allocation.payment_id == Payment.id)
                                    .where(Payment.id.not_in(voided)).group_by(Payment.room_id)):
        facts[room_id] -= int(total)
    for room_id, total in s.execute(select(BillLine.room_id, func.sum(BillAdjustment.amount_fen))
                                    .join(BillLine, BillLine.id == BillAdjustment.bill_line_id)
                                    .where(BillAdjustment.kind == "waive_principal").group_by(BillLine.room_id)):
        facts[room_id] -= int(total or 0)
    ar_books = _ledger_by_code_prefix(s, "AR")
    _compare("AR", {k: v for k, v in ar_books.items() if v}, {k: v for k, v in facts.items() if v}, problems)

    # PRE: credit balance per room (ledger negative = money held for the room)
    pre: dict[str, int] = defaultdict(int)
    for room_id, total in s.execute(select(Payment.room_id, func.sum(Payment.total_fen))
                                    .where(Payment.kind == "prepay", Payment.id.not_in(voided)).group_by(Payment.room_id)):
        pre[room_id] -= int(total)
    for room_id, total in s.execute(select(Payment.room_id, func.sum(Tender.amount_fen))
                                    .join(Tender, Tender.payment_id == Payment.id)
                                    .where(Tender.method == "prepaid", Payment.id.not_in(voided))
                                    .group_by(Payment.room_id)):
        pre[room_id] += int(total)
    for room_id, total in s.execute(select(BillLine.room_id, func.sum(BillLine.amount_fen))
                                    .where(BillLine.kind == "credit").group_by(BillLine.room_id)):
        pre[room_id] += int(total)  # credits are negative amounts
    _compare("PRE", {k: v for k, v in _ledger_by_code_prefix(s, "PRE").items() if v},
             {k: v for k, v in pre.items() if v}, problems)

    dep = {room_id: -int(total) for room_id, total in s.execute(
        select(Payment.room_id, func.sum(Payment.total_fen)).where(Payment.kind == "deposit", Payment.id.not_in(voided))
        .group_by(Payment.room_id))}
    _compare("DEP", {k: v for k, v in _ledger_by_code_prefix(s, "DEP").items() if v},
             {k: v for k, v in dep.items() if v}, problems)

    tnd = {f"{m}:{code}": int(total) for m, code, total in s.execute(
        select(Tender.method, Terminal.code, func.sum(Tender.amount_fen)).join(Payment, Payment.id == Tender.payment_id)
        .join(Terminal, Terminal.id == Payment.terminal_id)
        .where(Tender.method != "prepaid", Payment.id.not_in(voided)).group_by(Tender.method, Terminal.code))}
    _compare("TND", {k: v for k, v in _ledger_by_code_prefix(s, "TND").items() if v},
             {k: v for k, v in tnd.items() if v}, problems)

    return {"ok": not problems, "transactions": result["transactions"], "rooms_checked": len(ar_books),
            "problems": problems[:100]}
