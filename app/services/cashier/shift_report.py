"""The shift report (交接班报表) of a shift, as the document app/printing renders."""

from __future__ import annotations

from collections import Counter as Tally

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CashCount, Community, Payment, Receipt, ReceiptVoid, Shift, Tender, Terminal, User
from app.errors import NotFound
from app.printing.pdf_model import CashCountRow, ShiftReport, ShiftTenderRow, ShiftVoid
from app.services.cashier.shifts import expected_by_tender


def shift_report(s: Session, shift_id: str) -> ShiftReport:
    shift = s.get(Shift, shift_id)
    if shift is None:
        raise NotFound("shift.not_found", shift=shift_id)
    terminal = s.get(Terminal, shift.terminal_id)
    user = s.get(User, shift.user_id)
    community = s.get(Community, terminal.community_id) if terminal.community_id else None
    voided = dict(s.execute(select(Receipt.payment_id, ReceiptVoid.reason)
                            .join(ReceiptVoid, ReceiptVoid.receipt_id == Receipt.id)
                            .join(Payment, Payment.id == Receipt.payment_id).where(Payment.shift_id == shift.id)).all())
    counts: Tally[str] = Tally()
    for method, pid in s.execute(select(Tender.method, Tender.payment_id).join(Payment, Payment.id == Tender.payment_id)
                                 .where(Payment.shift_id == shift.id)):
        if pid not in voided:
            counts[method] += 1
    expected = expected_by_tender(s, shift)
    cash_rows = [CashCountRow(c.denomination_fen, c.count)
                 for c in s.scalars(select(CashCount).where(CashCount.shift_id == shift.id)
                                    .order_by(CashCount.denomination_fen.desc()))]
    tenders = [ShiftTenderRow(m, counts.get(m, 0), expected.get(m, 0),
                              sum(r.amount_fen for r in cash_rows) if m == "cash" and shift.closed_at else None)
               for m in sorted(expected)]
    receipts = s.execute(select(Receipt.receipt_no, Payment.id, Payment.total_fen)
                         .join(Payment, Payment.id == Receipt.payment_id).where(Payment.shift_id == shift.id)).all()
    return ShiftReport(
        community=community.name if community else "", terminal=terminal.code, cashier=user.display_name,
        shift_id=shift.id, opened_at=shift.opened_at, closed_at=shift.closed_at, float_fen=shift.float_fen,
        tenders=tenders, cash_count=cash_rows, expected_cash_fen=expected.get("cash", shift.float_fen),
        receipts_count=len(receipts),
        voids=[ShiftVoid(no, total, voided[pid]) for no, pid, total in receipts if pid in voided])
