"""Debit batches out, return files in (托收).

`export_batch`: the period's unpaid lines of every room with an active mandate (and not
already in a batch the bank has not answered yet), one debit per room — principal plus the
late fee as of today — written in the chosen layout; the batch and its lines are stored.

`import_return`: the bank's return file for a batch. Every record is checked before anything
is written (the batch, every line known, amounts and accounts equal, nothing truncated);
then each paid debit becomes a payment with the `bank_collect` tender through the one
payment recorder (receipt number, allocations, ledger, outbox, audit: like a counter
payment, without a shift — no drawer moved), and each failed debit keeps the bank's
reason, which the arrears report shows. A debited line that was paid at the counter
meanwhile cannot be paid twice: the bank's money then tops up the room's prepaid balance.
All in one unit of work: a bad file changes nothing.
"""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import BankMandate, CollectBatch, CollectLine, Community, Room
from app.domain.periods import Period
from app.errors import Conflict, InputError, NotFound
from app.services import audit, ledger, rooms, users
from app.services.cashier.payments import Counter, prepaid_balance, record_payment
from app.services.cashier.tenders import TenderInput, settle
from app.services.collect import layouts
from app.services.collect.layouts import DebitFile, DebitLine
from app.services.receivables.bills import room_lines
from app.sync_events import emit_event

METHOD = "bank_collect"


def _period(text: str) -> str:
    try:
        return str(Period.parse((text or "").strip()))
    except (ValueError, TypeError):
        raise InputError("input.bad_period", field="--period", value=text) from None


def _next_batch_no(s: Session, day: date) -> str:
    prefix = f"TS{day:%Y%m%d}"
    n = s.scalar(select(func.count()).select_from(CollectBatch).where(CollectBatch.batch_no.like(f"{prefix}%"))) or 0
    return f"{prefix}{n + 1:03d}"


def _pending_line_ids(s: Session) -> set[str]:
    """Bill lines in a debit the bank has not answered: never debited twice."""
    out: set[str] = set()
    for (items,) in s.execute(select(CollectLine.items).where(CollectLine.status == "sent")):
        out.update(i["line_id"] for i in items)
    return out


def export_batch(s: Session, user: str, layout_code: str, period_text: str, *,
                 community: str | None = None) -> tuple[dict, bytes]:
    users.require(s, user, "collect")
    layout = layouts.get(layout_code)
    period = _period(period_text)
    today = clock.today()
    q = (select(BankMandate, Room).join(Room, Room.id == BankMandate.room_id)
         .where(BankMandate.active.is_(True)).order_by(Room.room_key))
    cid = None
    if community:
        cid = s.scalar(select(Community.id).where(Community.name == community.strip()))
        if cid is None:
            raise NotFound("reports.no_community", community=community,
                           known=list(s.scalars(select(Community.name).order_by(Community.name))))
        q = q.where(Room.community_id == cid)
    pending = _pending_line_ids(s)
    debits: list[tuple[BankMandate, Room, list[dict], int]] = []
    for mandate, room in s.execute(q).all():
        items = [{"line_id": v.id, "fee": v.fee_name, "principal_fen": v.outstanding_fen,
                  "late_fee_fen": v.late_fee_fen}
                 for v in room_lines(s, room.id, as_of=today)
                 if v.period == period and v.outstanding_fen > 0 and v.id not in pending]
        if items:
            debits.append((mandate, room, items, sum(i["principal_fen"] + i["late_fee_fen"] for i in items)))
    if not debits:
        raise InputError("collect.nothing_to_collect", period=period)
    batch = CollectBatch(batch_no=_next_batch_no(s, today), layout=layout.code, period=period, community_id=cid,
                         rows=len(debits), total_fen=sum(d[3] for d in debits), status="sent", created_by=user,
                         created_at=clock.now())
    s.add(batch)
    s.flush()
    lines = []
    for seq, (mandate, room, items, amount) in enumerate(debits, start=1):
        s.add(CollectLine(batch_id=batch.id, seq=seq, room_id=room.id, mandate_id=mandate.id,
                          account_no=mandate.account_no or "", amount_fen=amount, items=items, status="sent"))
        lines.append(DebitLine(seq, mandate.mandate_no or "", mandate.bank_name or "", mandate.account_no or "",
                               mandate.account_holder or "", amount, room.room_key))
    data = layout.write(DebitFile(batch.batch_no, period, today, lines))
    audit.record(s, "collect.export", user=user, entity="collect_batch", entity_id=batch.id,
                 detail={"batch": batch.batch_no, "layout": layout.code, "period": period, "rows": batch.rows,
                         "total_fen": batch.total_fen})
    return {"batch": batch.batch_no, "rows": batch.rows, "total_fen": batch.total_fen, "layout": layout.code,
            "period": period}, data


def debit_file(s: Session, batch_no: str) -> tuple[layouts.Layout, DebitFile]:
    """A stored batch as its debit file (to write it again, or a return file in tests)."""
    batch = s.scalar(select(CollectBatch).where(CollectBatch.batch_no == batch_no))
    if batch is None:
        raise NotFound("collect.unknown_batch", batch=batch_no)
    rows = s.execute(select(CollectLine, BankMandate, Room.room_key)
                     .join(BankMandate, BankMandate.id == CollectLine.mandate_id)
                     .join(Room, Room.id == CollectLine.room_id)
                     .where(CollectLine.batch_id == batch.id).order_by(CollectLine.seq)).all()
    lines = [DebitLine(line.seq, m.mandate_no or "", m.bank_name or "", line.account_no, m.account_holder or "",
                       line.amount_fen, key) for line, m, key in rows]
    return layouts.get(batch.layout), DebitFile(batch.batch_no, batch.period, clock.local(batch.created_at).date(),
                                                lines)


def _find_batch(s: Session, data: bytes) -> CollectBatch:
    found, wrong = None, None
    for layout in layouts.LAYOUTS.values():
        no = layout.batch_no_of(data)
        if no:
            found = no
            batch = s.scalar(select(CollectBatch).where(CollectBatch.batch_no == no))
            if batch is not None and batch.layout == layout.code:
                return batch
            wrong = wrong or batch
    if wrong is not None:
        raise InputError("collect.wrong_layout", batch=wrong.batch_no, layout=wrong.layout)
    if found:
        raise InputError("collect.unknown_batch", batch=found)
    raise InputError("collect.not_a_return_file", layouts=list(layouts.LAYOUTS))


def import_return(s: Session, c: Counter, data: bytes) -> dict:
    users.require(s, c.user, "collect")
    batch = _find_batch(s, data)
    digest = hashlib.sha256(data).hexdigest()
    if batch.status == "returned":
        raise Conflict("collect.already_returned", batch=batch.batch_no,
                       when=clock.local_text(batch.returned_at) if batch.returned_at else "")
    ret = layouts.get(batch.layout).read_return(data)
    if ret.batch_no != batch.batch_no:
        raise InputError("collect.other_batch", line=1, batch=ret.batch_no, expected=batch.batch_no)
    stored = {line.seq: line for line in s.scalars(select(CollectLine).where(CollectLine.batch_id == batch.id))}
    seen: set[int] = set()
    for r in ret.lines:  # every check before the first write
        line = stored.get(r.seq)
        if line is None:
            raise InputError("collect.unknown_line", line=r.file_line, seq=r.seq, batch=batch.batch_no)
        if r.seq in seen:
            raise InputError("collect.line_twice", line=r.file_line, seq=r.seq)
        seen.add(r.seq)
        if r.amount_fen != line.amount_fen:
            raise InputError("collect.amount_differs", line=r.file_line, seq=r.seq, amount=r.amount_fen,
                             expected=line.amount_fen)
        if r.account_no != line.account_no:
            raise InputError("collect.account_differs", line=r.file_line, seq=r.seq)
        if not r.ok and not (r.reason or r.reason_code):
            raise InputError("collect.reason_missing", line=r.file_line, seq=r.seq)
    missing = sorted(set(stored) - seen)
    if missing:
        raise InputError("collect.lines_missing", batch=batch.batch_no, seqs=missing[:20], count=len(missing))
    now = clock.now()
    paid, failed, receipts, to_prepaid = 0, 0, [], 0
    for r in ret.lines:
        line = stored[r.seq]
        line.returned_at, line.reason_code, line.bank_ref = now, r.reason_code or None, r.bank_ref or None
        if r.ok:
            result = _pay(s, c, batch, line, r.bank_ref)
            line.status, line.payment_id = "paid", result["payment_id"]
            receipts.append(result["receipt_no"])
            to_prepaid += result["kind"] == "prepay"
            paid += 1
        else:
            line.status = "failed"
            line.reason = (r.reason or layouts.REASONS.get(r.reason_code, r.reason_code))[:100]
            failed += 1
    batch.status, batch.returned_at, batch.file_sha256 = "returned", now, digest
    emit_event(s, "collect_return", batch.id)  # after the payments' own events: central links to them
    audit.record(s, "collect.import", user=c.user, terminal=c.terminal, entity="collect_batch", entity_id=batch.id,
                 detail={"batch": batch.batch_no, "paid": paid, "failed": failed, "sha256": digest})
    return {"batch": batch.batch_no, "paid": paid, "failed": failed, "receipts": receipts,
            "to_prepaid": to_prepaid}


def _pay(s: Session, c: Counter, batch: CollectBatch, line: CollectLine, bank_ref: str) -> dict:
    room = s.get(Room, line.room_id)
    rooms.lock_room(s, room.id)
    today = clock.today()
    views = {v.id: v for v in room_lines(s, room.id, as_of=today)}
    items = line.items
    open_ = all(i["line_id"] in views and views[i["line_id"]].outstanding_fen >= i["principal_fen"] for i in items)
    tender = TenderInput(METHOD, line.amount_fen, (bank_ref or "")[:40] or None)
    note = f"托收 {batch.batch_no}-{line.seq}"
    if not open_:  # paid at the counter meanwhile: the bank's money is the room's credit
        st = settle(line.amount_fen, [tender], allow_change=False)
        return record_payment(s, c, "prepay", room, line.amount_fen, st, today,
                              [(ledger.room_account("PRE", room.id), -line.amount_fen)], note=f"{note} 转预存",
                              in_shift=False)
    principal = sum(i["principal_fen"] for i in items)
    late = sum(i["late_fee_fen"] for i in items)
    st = settle(line.amount_fen, [tender], prepaid_balance(s, room.id))
    credits = [(ledger.room_account("AR", room.id), -principal)]
    if late:
        credits.append((ledger.late_fee_account(room.community_id), -late))
    allocations = [(views[i["line_id"]], i["principal_fen"], i["late_fee_fen"]) for i in items]
    return record_payment(s, c, "bills", room, line.amount_fen, st, today, credits, note=note,
                          allocations=allocations, in_shift=False)
