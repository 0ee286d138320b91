"""`ledger check`: the books balance, every balance agrees with the facts it stands for, and
the facts agree with each other. Each check has a name and lists its offending rows
(at most `MAX_OFFENDERS`), so a failure says where to look:

- `transactions_balance`: every transaction sums to zero, and so does the whole ledger;
- `receivable_matches_bills` (AR): a room's receivable = its bill lines − principal paid by
  payments not voided − principal waived;
- `prepaid_matches_records` (PRE): top-ups − prepaid spent + credits from corrections − top-ups
  refunded (a refund to prepaid is a negative prepaid tender: it adds);
- `deposits_match_records` (DEP): deposits collected (not voided) − deposits returned;
- `tenders_match_records` (TND): each counter's tender account = the tenders it applied;
- `lines_not_overpaid`: no bill line is allocated more principal than it is due (its own
  amount + merged corrections), nor more late fee than its cap (cap_ratio × due);
- `prepaid_not_negative`: no room's prepaid balance is below zero;
- `receipt_numbers_gapless`: per terminal and day the receipt numbers run 1…n with no gap,
  and n is the terminal's last number of the day (a deleted payment leaves a hole);
- `payments_match_tenders`: a payment's total = the tenders applied to it;
- `payments_match_allocations`: a bill or one-off payment's total = principal + late fee
  allocated; a top-up's (deposit's) total = what its transaction credits to PRE (DEP);
- `payment_txns_match_payments`: every ledger transaction of kind payment points at an
  existing payment, and every payment has its transaction (a refund's is of kind `refund`).

Refunds (docs/refunds.md) are payments of kind `refund` with negative tenders and
allocations, so the AR, TND and line checks take them as they are.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from app.db.models import (Allocation, BillAdjustment, BillLine, Deposit, DepositReturn, FeeItem, LedgerAccount,
                           LedgerTxn, Payment, Posting, Receipt, ReceiptSequence, Refund, Room, Tender, Terminal)
from app.services.voided import voided_payment_ids

MAX_OFFENDERS = 100


def _check(name: str, offenders: list[dict]) -> dict:
    return {"name": name, "ok": not offenders, "count": len(offenders), "offenders": offenders[:MAX_OFFENDERS]}


def _ledger_by_code_prefix(s: Session, prefix: str) -> dict[str, int]:
    rows = s.execute(select(LedgerAccount.code, func.sum(Posting.amount_fen))
                     .join(Posting, Posting.account_id == LedgerAccount.id)
                     .where(LedgerAccount.code.like(f"{prefix}:%")).group_by(LedgerAccount.code)).all()
    return {code.split(":", 1)[1]: int(total) for code, total in rows}


def _compare(prefix: str, books: dict[str, int], facts: dict[str, int]) -> list[dict]:
    out = []
    for key in sorted(set(books) | set(facts)):
        b, f = books.get(key, 0), facts.get(key, 0)
        if b != f:
            out.append({"account": f"{prefix}:{key}", "ledger_fen": b, "records_fen": f})
    return out


def _transactions_balance(s: Session) -> list[dict]:
    unbalanced = s.execute(select(Posting.txn_id, func.sum(Posting.amount_fen)).group_by(Posting.txn_id)
                           .having(func.sum(Posting.amount_fen) != 0).limit(MAX_OFFENDERS)).all()
    out = [{"txn": t, "sum_fen": int(a)} for t, a in unbalanced]
    grand = int(s.scalar(select(func.coalesce(func.sum(Posting.amount_fen), 0))) or 0)
    if grand != 0:
        out.append({"whole_ledger_fen": grand})
    return out


def _receivable(s: Session, voided) -> tuple[list[dict], int]:  # type: ignore[no-untyped-def]
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
    books = _ledger_by_code_prefix(s, "AR")
    return _compare("AR", {k: v for k, v in books.items() if v}, {k: v for k, v in facts.items() if v}), len(books)


def _prepaid(s: Session, voided) -> list[dict]:  # type: ignore[no-untyped-def]
    pre: dict[str, int] = defaultdict(int)  # credit balance: negative = money held for the room
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
    for room_id, total in s.execute(select(Refund.room_id, func.sum(Refund.amount_fen))  # top-ups given back
                                    .where(Refund.source == "prepaid", Refund.refund_payment_id.not_in(voided))
                                    .group_by(Refund.room_id)):
        pre[room_id] += int(total)
    return _compare("PRE", {k: v for k, v in _ledger_by_code_prefix(s, "PRE").items() if v},
                    {k: v for k, v in pre.items() if v})


def _deposits(s: Session, voided) -> list[dict]:  # type: ignore[no-untyped-def]
    dep = {room_id: -int(total) for room_id, total in s.execute(
        select(Payment.room_id, func.sum(Payment.total_fen)).where(Payment.kind == "deposit", Payment.id.not_in(voided))
        .group_by(Payment.room_id))}
    for room_id, total in s.execute(select(Deposit.room_id, func.sum(Deposit.amount_fen))  # deposits returned
                                    .join(DepositReturn, DepositReturn.deposit_id == Deposit.id)
                                    .join(Refund, Refund.id == DepositReturn.refund_id)
                                    .where(Refund.refund_payment_id.not_in(voided)).group_by(Deposit.room_id)):
        dep[room_id] = dep.get(room_id, 0) + int(total)
    return _compare("DEP", {k: v for k, v in _ledger_by_code_prefix(s, "DEP").items() if v},
                    {k: v for k, v in dep.items() if v})


def _tenders(s: Session, voided) -> list[dict]:  # type: ignore[no-untyped-def]
    tnd = {f"{m}:{code}": int(total) for m, code, total in s.execute(
        select(Tender.method, Terminal.code, func.sum(Tender.amount_fen)).join(Payment, Payment.id == Tender.payment_id)
        .join(Terminal, Terminal.id == Payment.terminal_id)
        .where(Tender.method != "prepaid", Payment.id.not_in(voided)).group_by(Tender.method, Terminal.code))}
    return _compare("TND", {k: v for k, v in _ledger_by_code_prefix(s, "TND").items() if v},
                    {k: v for k, v in tnd.items() if v})


def _cap_ratio(cfg: dict | None) -> Decimal:
    try:
        return Decimal(str((cfg or {}).get("cap_ratio", "1")))
    except (InvalidOperation, ValueError):
        return Decimal(1)


def _lines_not_overpaid(s: Session, voided) -> list[dict]:  # type: ignore[no-untyped-def]
    # Merged corrections change what a line is due; they are few, so they are read whole.
    merged: dict[str, int] = defaultdict(int)
    for target, amount, detail in s.execute(select(BillLine.corrects_id, BillLine.amount_fen,
                                                   BillLine.__table__.c.detail)
                                            .where(BillLine.kind == "delta", BillLine.corrects_id.is_not(None))):
        d = detail if isinstance(detail, dict) else json.loads(detail or "{}")
        if d.get("mode") == "merged":
            merged[target] += int(amount)
    paid = (select(Allocation.bill_line_id.label("line_id"), func.sum(Allocation.principal_fen).label("principal"),
                   func.sum(Allocation.late_fee_fen).label("late"))
            .where(Allocation.payment_id.not_in(voided)).group_by(Allocation.bill_line_id).subquery())
    # Candidates in SQL (paid beyond the line's own amount, or a line with merged corrections);
    # the exact due amount and late-fee cap in Python.
    rows = s.execute(select(BillLine.id, Room.room_key, BillLine.period, FeeItem.code, BillLine.amount_fen,
                            FeeItem.late_fee, paid.c.principal, paid.c.late)
                     .join(paid, paid.c.line_id == BillLine.id).join(FeeItem, FeeItem.id == BillLine.fee_item_id)
                     .join(Room, Room.id == BillLine.room_id)
                     .where(or_(paid.c.principal > BillLine.amount_fen, paid.c.late > BillLine.amount_fen,
                                *([BillLine.id.in_(list(merged))] if merged else []))))
    out = []
    for line_id, room_key, period, fee, amount, cfg, principal, late in rows:
        due = int(amount) + merged.get(line_id, 0)
        cap = math.ceil(max(due, 0) * _cap_ratio(cfg))
        if int(principal) > due or int(late) > cap:
            out.append({"line": line_id, "room": room_key, "fee": fee, "period": period, "due_fen": due,
                        "principal_paid_fen": int(principal), "late_fee_paid_fen": int(late),
                        "late_fee_cap_fen": cap})
    return out


def _prepaid_not_negative(s: Session) -> list[dict]:
    rows = s.execute(select(LedgerAccount.code, Room.room_key, func.sum(Posting.amount_fen))
                     .join(Posting, Posting.account_id == LedgerAccount.id)
                     .outerjoin(Room, Room.id == LedgerAccount.room_id)
                     .where(LedgerAccount.code.like("PRE:%")).group_by(LedgerAccount.code, Room.room_key)
                     .having(func.sum(Posting.amount_fen) > 0)).all()
    return [{"account": code, "room": room_key, "balance_fen": -int(total)} for code, room_key, total in rows]


def _receipt_numbers_gapless(s: Session) -> list[dict]:
    groups = {(t, d): (int(n), int(lo), int(hi)) for t, d, n, lo, hi in s.execute(
        select(Receipt.terminal_id, Receipt.day, func.count(), func.min(Receipt.seq), func.max(Receipt.seq))
        .group_by(Receipt.terminal_id, Receipt.day))}
    last = {(t, d): int(n) for t, d, n in s.execute(select(ReceiptSequence.terminal_id, ReceiptSequence.day,
                                                           ReceiptSequence.last_seq))}
    codes = dict(s.execute(select(Terminal.id, Terminal.code)).all())
    out = []
    for key in sorted(set(groups) | set(last), key=lambda k: (codes.get(k[0], ""), k[1])):
        n, lo, hi = groups.get(key, (0, 0, 0))
        top = last.get(key, 0)
        if n == hi == top and (n == 0 or lo == 1):
            continue
        seqs = set(s.scalars(select(Receipt.seq).where(Receipt.terminal_id == key[0], Receipt.day == key[1])))
        missing = [q for q in range(1, max(top, hi) + 1) if q not in seqs]
        out.append({"terminal": codes.get(key[0], key[0]), "day": key[1].isoformat(), "receipts": n,
                    "last_seq": top, "missing": missing[:50]})
    return out


def _payments_match_tenders(s: Session) -> list[dict]:
    t = (select(Tender.payment_id, func.sum(Tender.amount_fen).label("applied"))
         .group_by(Tender.payment_id).subquery())
    rows = s.execute(select(Payment.id, Receipt.receipt_no, Payment.total_fen, t.c.applied)
                     .outerjoin(t, t.c.payment_id == Payment.id).outerjoin(Receipt, Receipt.payment_id == Payment.id)
                     .where(func.coalesce(t.c.applied, 0) != Payment.total_fen).limit(MAX_OFFENDERS)).all()
    return [{"payment": pid, "receipt_no": no, "total_fen": int(total), "tenders_fen": int(applied or 0)}
            for pid, no, total, applied in rows]


def _payments_match_allocations(s: Session) -> list[dict]:
    # A synced payment whose line was already paid here: that part went to prepaid by the
    # payment's own `double_pay` txn (app/sync_apply/payments.py) and counts as allocated.
    dp = (select(LedgerTxn.ref_id.label("payment_id"), (-Posting.amount_fen).label("amount"))
          .join(Posting, Posting.txn_id == LedgerTxn.id).join(LedgerAccount, LedgerAccount.id == Posting.account_id)
          .where(LedgerTxn.kind == "double_pay", LedgerTxn.ref_type == "payment", LedgerAccount.code.like("PRE:%")))
    parts = (select(Allocation.payment_id, (Allocation.principal_fen + Allocation.late_fee_fen).label("amount"))
             .union_all(dp).subquery())
    a = (select(parts.c.payment_id, func.sum(parts.c.amount).label("allocated"))
         .group_by(parts.c.payment_id).subquery())
    out = [{"payment": pid, "receipt_no": no, "kind": kind, "total_fen": int(total), "allocated_fen": int(alloc or 0)}
           for pid, no, kind, total, alloc in s.execute(
               select(Payment.id, Receipt.receipt_no, Payment.kind, Payment.total_fen, a.c.allocated)
               .outerjoin(a, a.c.payment_id == Payment.id).outerjoin(Receipt, Receipt.payment_id == Payment.id)
               .where(Payment.kind.in_(("bills", "one_off")), func.coalesce(a.c.allocated, 0) != Payment.total_fen)
               .limit(MAX_OFFENDERS))]
    for kind, prefix in (("prepay", "PRE:%"), ("deposit", "DEP:%")):
        credited = (select(LedgerTxn.ref_id.label("payment_id"), func.sum(Posting.amount_fen).label("posted"))
                    .join(Posting, Posting.txn_id == LedgerTxn.id)
                    .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
                    .where(LedgerTxn.kind == "payment", LedgerTxn.ref_type == "payment", LedgerAccount.code.like(prefix))
                    .group_by(LedgerTxn.ref_id).subquery())
        out += [{"payment": pid, "receipt_no": no, "kind": kind, "total_fen": int(total),
                 "credited_fen": -int(posted or 0)}
                for pid, no, total, posted in s.execute(
                    select(Payment.id, Receipt.receipt_no, Payment.total_fen, credited.c.posted)
                    .outerjoin(credited, credited.c.payment_id == Payment.id)
                    .outerjoin(Receipt, Receipt.payment_id == Payment.id)
                    .where(Payment.kind == kind, -func.coalesce(credited.c.posted, 0) != Payment.total_fen)
                    .limit(MAX_OFFENDERS))]
    return out


def _payment_txns_match_payments(s: Session) -> list[dict]:
    orphans = s.execute(select(LedgerTxn.id, LedgerTxn.ref_id, LedgerTxn.memo)
                        .where(LedgerTxn.kind == "payment", or_(LedgerTxn.ref_type != "payment",
                                                                LedgerTxn.ref_type.is_(None),
                                                                ~exists().where(Payment.id == LedgerTxn.ref_id)))
                        .limit(MAX_OFFENDERS)).all()
    out = [{"txn": t, "payment": ref, "memo": memo, "problem": "payment_missing"} for t, ref, memo in orphans]
    bare = s.execute(select(Payment.id, Receipt.receipt_no).outerjoin(Receipt, Receipt.payment_id == Payment.id)
                     .where(~exists().where(LedgerTxn.kind.in_(("payment", "refund")), LedgerTxn.ref_type == "payment",
                                            LedgerTxn.ref_id == Payment.id)).limit(MAX_OFFENDERS)).all()
    out += [{"payment": pid, "receipt_no": no, "problem": "txn_missing"} for pid, no in bare]
    return out


def full_check(s: Session) -> dict:
    voided = voided_payment_ids()
    receivable, rooms_checked = _receivable(s, voided)
    checks = [
        _check("transactions_balance", _transactions_balance(s)),
        _check("receivable_matches_bills", receivable),
        _check("prepaid_matches_records", _prepaid(s, voided)),
        _check("deposits_match_records", _deposits(s, voided)),
        _check("tenders_match_records", _tenders(s, voided)),
        _check("lines_not_overpaid", _lines_not_overpaid(s, voided)),
        _check("prepaid_not_negative", _prepaid_not_negative(s)),
        _check("receipt_numbers_gapless", _receipt_numbers_gapless(s)),
        _check("payments_match_tenders", _payments_match_tenders(s)),
        _check("payments_match_allocations", _payments_match_allocations(s)),
        _check("payment_txns_match_payments", _payment_txns_match_payments(s)),
    ]
    problems = [f"{c['name']}: {json.dumps(o, ensure_ascii=False, sort_keys=True)}"
                for c in checks for o in c["offenders"]]
    txns = s.scalar(select(func.count()).select_from(LedgerTxn)) or 0
    return {"ok": all(c["ok"] for c in checks), "transactions": txns, "rooms_checked": rooms_checked,
            "checks": checks, "problems": problems[:MAX_OFFENDERS]}
