"""A receipt as a printable document, rebuilt from the records of its payment (so a reprint
shows exactly what the first print did), and the verification of a scanned receipt QR."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import (Allocation, BillLine, Community, Deposit, FeeItem, Payment, Receipt, ReceiptVoid, Room,
                           Tender, Terminal, User)
from app.domain.periods import Period
from app.errors import AppError, InputError, Msg, NotFound
from app.messages import render
from app.printing import receipt_qr
from app.services import receipt_keys
from app.printing.receipt_doc import ReceiptDoc, ReceiptLine, ReceiptTender

FOOTER = "请妥善保管本收据 · 扫描二维码可验真\n物业服务中心 感谢您的支持"


def receipt_doc(s: Session, receipt_no: str, *, reprint_at: datetime | None = None) -> ReceiptDoc:
    receipt = s.scalar(select(Receipt).where(Receipt.receipt_no == receipt_no.strip()))
    if receipt is None:
        raise NotFound("print.no_receipt", receipt_no=receipt_no.strip())
    p = s.get(Payment, receipt.payment_id)
    room = s.get(Room, p.room_id)
    community = s.get(Community, room.community_id)
    terminal = s.get(Terminal, receipt.terminal_id)
    cashier = s.get(User, p.user_id) if p.user_id else None
    key = receipt_keys.key_of(s, terminal.code)
    if not key:
        raise AppError("secrets.missing", terminal=terminal.code)
    void = s.scalar(select(ReceiptVoid).where(ReceiptVoid.receipt_id == receipt.id))
    lines: list[ReceiptLine] = []
    for alloc, fee_name, period, note in s.execute(
            select(Allocation, FeeItem.name, BillLine.period, BillLine.note)
            .join(BillLine, BillLine.id == Allocation.bill_line_id).join(FeeItem, FeeItem.id == BillLine.fee_item_id)
            .where(Allocation.payment_id == p.id).order_by(BillLine.due_date, BillLine.period, FeeItem.code)):
        lines.append(ReceiptLine(fee_name, period, alloc.principal_fen, alloc.late_fee_fen, note))
    if p.kind in ("prepay", "deposit"):
        what = "预存款" if p.kind == "prepay" else (s.scalar(select(Deposit.purpose).where(Deposit.payment_id == p.id))
                                                 or "押金")
        lines.append(ReceiptLine(what, str(Period.of(p.business_day)), p.total_fen))
    if p.kind == "refund":
        lines = _refund_lines(s, p) + lines
    tenders = [ReceiptTender(t.method, t.amount_fen, t.reference)
               for t in s.scalars(select(Tender).where(Tender.payment_id == p.id).order_by(Tender.method))]
    cash = next((t.received_fen for t in s.scalars(select(Tender).where(Tender.payment_id == p.id,
                                                                         Tender.method == "cash"))), None)
    return ReceiptDoc(
        community=community.name, terminal=terminal.code, receipt_no=receipt.receipt_no, issued_at=receipt.issued_at,
        cashier=cashier.display_name if cashier else "系统", room_key=room.room_key, payer=p.payer_name, kind=p.kind,
        lines=lines, total_fen=p.total_fen, tenders=tenders, cash_received_fen=cash, change_fen=p.change_fen,
        prepaid_balance_after_fen=p.prepaid_after_fen, status="void" if void else "issued",
        void_reason=void.reason if void else None, reprint_at=reprint_at, footer=FOOTER,
        qr_payload=receipt_qr.sign(receipt.receipt_no, p.total_fen, receipt.issued_at,
                                    key))


def _was_issued_here(s: Session, receipt_no: str) -> bool:
    """A receipt number this database's own numbering has handed out (its terminal is here and
    its day's sequence went past it): a genuine QR for it with no receipt means a deletion."""
    from datetime import date as _date

    from app.db.models import ReceiptSequence

    parts = receipt_no.split("-")
    if len(parts) != 3 or not parts[2].isdigit():
        return False
    try:
        day = _date(int(parts[1][:4]), int(parts[1][4:6]), int(parts[1][6:8]))
    except ValueError:
        return False
    last = s.scalar(select(ReceiptSequence.last_seq).join(Terminal, Terminal.id == ReceiptSequence.terminal_id)
                    .where(Terminal.code == parts[0], ReceiptSequence.day == day))
    return last is not None and int(parts[2]) <= last


def _refund_lines(s: Session, p: Payment) -> list[ReceiptLine]:
    """A 退款单 names the receipt it refunds and why (a zero line with a note); a top-up or
    deposit given back has no bill lines, so it shows what left the prepaid or deposit
    ledger, and a deposit's deduction as the amount kept."""
    from app.db.models import DepositReturn, Refund

    refund = s.scalar(select(Refund).where(Refund.refund_payment_id == p.id))
    original = s.scalar(select(Receipt.receipt_no).where(Receipt.payment_id == p.refund_of_id)) if p.refund_of_id else None
    out = [ReceiptLine(f"原收据 {original}" if original else "退款", "", 0, 0,
                       f"退款原因：{refund.reason}；批准人：{refund.approved_by}" if refund else None)]
    if refund is not None and refund.source == "prepaid":
        out.append(ReceiptLine("退预存款", str(Period.of(p.business_day)), p.total_fen))
    elif refund is not None and refund.source == "deposit":
        ret = s.scalar(select(DepositReturn).where(DepositReturn.refund_id == refund.id))
        dep = s.get(Deposit, ret.deposit_id)
        out.append(ReceiptLine(f"退{dep.purpose}", str(Period.of(p.business_day)), -dep.amount_fen))
        if ret.deducted_fen:
            out.append(ReceiptLine("扣除", "", ret.deducted_fen, 0, ret.note))
    return out


def verify(s: Session, payload: str) -> dict:
    """Is a scanned receipt genuine? The one verification of a receipt QR, for the CLI and
    the GUI alike. The signature is checked with the issuing terminal's key, then the receipt
    is looked up: a genuine signature on a receipt this database does not have (another
    counter's, not yet synced) says so, and a QR whose amount differs from the receipt on
    record is NOT genuine whatever its signature (a leaked key must not make a forged amount
    pass). `reason_code` is a message code; `reason` / `reason_en` are its words."""
    payload = (payload or "").strip()
    if not payload:
        raise InputError("qr.empty")

    def key_of(code: str) -> str | None:
        return receipt_keys.key_of(s, code)

    try:
        result = receipt_qr.verify(payload, key_of)
    except ValueError:  # the terminal's stored key itself is unusable
        raise InputError("qr.bad_key", terminal=receipt_qr.terminal_of(payload.split("|")[1])) from None
    genuine, code = result.genuine, result.code
    out = {"receipt_no": result.receipt_no, "total_fen": result.total_fen,
           "issued_at": result.issued_at.isoformat() if result.issued_at else None}
    if genuine and result.receipt_no:
        receipt = s.scalar(select(Receipt).where(Receipt.receipt_no == result.receipt_no))
        if receipt is None:
            out["record"] = None
            code = "qr.not_in_books" if _was_issued_here(s, result.receipt_no) else "qr.not_here"
            genuine = False if code == "qr.not_in_books" else genuine
        else:
            doc = receipt_doc(s, result.receipt_no)
            out["record"] = {"receipt_no": doc.receipt_no, "room": doc.room_key, "payer": doc.payer,
                             "status": doc.status, "void_reason": doc.void_reason, "total_fen": doc.total_fen,
                             "cashier": doc.cashier,
                             "lines": [{"fee": x.fee_name, "period": x.period, "amount_fen": x.amount_fen,
                                        "late_fee_fen": x.late_fee_fen} for x in doc.lines]}
            issuer = s.scalar(select(Terminal.code).where(Terminal.id == receipt.terminal_id))
            if doc.total_fen != result.total_fen:
                genuine, code = False, "qr.amount_differs"
            elif int(receipt.issued_at.timestamp()) != int(result.issued_at.timestamp()):
                genuine, code = False, "qr.time_differs"
            elif issuer != receipt_qr.terminal_of(result.receipt_no):
                genuine, code = False, "qr.terminal_differs"
            elif doc.status == "void":
                code = "qr.void"
    msg = Msg.of(code, receipt_no=result.receipt_no, qr_total=result.total_fen,
                 record_total=(out.get("record") or {}).get("total_fen"),
                 qr_time=clock.local_text(result.issued_at, "%Y-%m-%d %H:%M:%S") if result.issued_at else None)
    return {"genuine": genuine, "reason_code": code, "reason": render(msg, "zh"), "reason_en": render(msg, "en"),
            **out}
