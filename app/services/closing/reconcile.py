"""Matching a day's statement lines to our tenders (对账).

A statement line finds its tender by the platform's id first (WeChat 微信订单号 / Alipay
支付宝交易号 / POS 参考号 — what the cashier scanned or typed into the tender's reference), then by
our own order number (out_trade_no, kept on the gateway order). A refund line finds its
refund tender by the refund's id (微信退款单号 / 退款批次号 — the refund tender's reference), else
among the refunds of the payment its trade number points to. Amounts must agree to the fen.

What does not match is a discrepancy with a reason (message codes closing.reason.*):
- amount_differs: both sides have it, for different amounts;
- not_in_books: the platform has money we have no tender for;
- voided_but_settled: the platform has it, our receipt was voided (refund it, or re-enter it);
- not_in_statement: this counter's tender of that day is missing from the file provided;
- unconfirmed: a scanned-code order of that day still created/paying/unknown here;
- late: a payment that reached this database by sync after its day was closed (an open
  `late_event` exception), listed at every close until a manager resolves it.

Tenders of other counters (synced here) are matched too, so their lines in the merchant-wide
statement are not reported as strangers; only this counter's own tenders can be missing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import ExceptionCase, GatewayOrder, Payment, Receipt, ReceiptVoid, Tender, Terminal
from app.services.closing.statements import SOURCES, Line, Parsed

UNCONFIRMED = ("created", "paying", "unknown")


@dataclass
class Ours:
    tender_id: str
    payment_id: str
    method: str
    amount_fen: int
    reference: str | None
    out_trade_no: str | None
    terminal_id: str
    receipt_no: str | None
    voided: bool
    refund_of_id: str | None
    matched: bool = False


def _discrepancy(source: str, reason: str, ref: str, amount_fen: int, **extra: Any) -> dict[str, Any]:
    from app.errors import Msg
    from app.messages import render

    msg = Msg.of(f"closing.reason.{reason}", ref=ref, amount=amount_fen, **extra)
    return {"source": source, "ref": ref, "amount_fen": amount_fen, "reason": reason,
            "message": render(msg, "zh"), "message_en": render(msg, "en"), **extra}


def _our_tenders(s: Session, day: date, methods: list[str]) -> list[Ours]:
    rows = s.execute(
        select(Tender.id, Tender.payment_id, Tender.method, Tender.amount_fen, Tender.reference,
               GatewayOrder.out_trade_no, Payment.terminal_id, Receipt.receipt_no, ReceiptVoid.id,
               Payment.refund_of_id)
        .join(Payment, Payment.id == Tender.payment_id)
        .outerjoin(GatewayOrder, GatewayOrder.id == Tender.gateway_order_id)
        .outerjoin(Receipt, Receipt.payment_id == Payment.id)
        .outerjoin(ReceiptVoid, ReceiptVoid.receipt_id == Receipt.id)
        .where(Payment.business_day == day, Tender.method.in_(methods))).all()
    return [Ours(r[0], r[1], r[2], int(r[3]), r[4], r[5], r[6], r[7], r[8] is not None, r[9]) for r in rows]


def _original_trade_nos(s: Session, refunds: list[Ours]) -> dict[str, str]:
    """payment id of each refunded payment → its gateway/POS reference (the trade number)."""
    ids = {o.refund_of_id for o in refunds if o.refund_of_id}
    if not ids:
        return {}
    out: dict[str, str] = {}
    for pid, ref in s.execute(select(Tender.payment_id, Tender.reference)
                              .where(Tender.payment_id.in_(ids), Tender.reference.is_not(None))):
        out.setdefault(pid, ref)
    return out


def reconcile(s: Session, terminal: Terminal, day: date, statements: dict[str, Parsed]) -> dict[str, Any]:
    """{matched, unmatched: [discrepancy…], by_source: {source: {lines, matched, total_fen}}}."""
    methods = sorted({SOURCES[src].method for src in statements})
    ours = _our_tenders(s, day, methods) if methods else []
    index: dict[tuple[str, str], Ours] = {}
    for o in ours:
        for key in (o.reference, o.out_trade_no):
            if key:
                index.setdefault((o.method, key), o)
    refunds_by_trade: dict[tuple[str, str], list[Ours]] = defaultdict(list)
    refund_tenders = [o for o in ours if o.amount_fen < 0]
    trade_of = _original_trade_nos(s, refund_tenders)
    for o in refund_tenders:
        trade = trade_of.get(o.refund_of_id or "")
        if trade:
            refunds_by_trade[(o.method, trade)].append(o)
    # every counter's unconfirmed orders explain statement lines; this counter's left over are listed
    orders = {o.out_trade_no: o for o in s.scalars(select(GatewayOrder).where(GatewayOrder.status.in_(UNCONFIRMED)))}

    matched = 0
    unmatched: list[dict[str, Any]] = []
    by_source: dict[str, dict[str, int]] = {}
    for src, parsed in statements.items():
        method = SOURCES[src].method
        stats = {"lines": len(parsed.lines), "matched": 0, "total_fen": sum(x.amount_fen for x in parsed.lines)}
        by_source[src] = stats
        for line in parsed.lines:
            o = _find(index, refunds_by_trade, method, line)
            if o is None:
                order = orders.get(line.out_trade_no or "")
                if order is not None:
                    order_seen = order.out_trade_no
                    orders.pop(order_seen)
                    unmatched.append(_discrepancy(src, "unconfirmed", order_seen, line.amount_fen,
                                                  status=order.status, line=line.line_no))
                else:
                    unmatched.append(_discrepancy(src, "not_in_books", line.reference, line.amount_fen,
                                                  line=line.line_no))
                continue
            o.matched = True
            if o.voided:
                unmatched.append(_discrepancy(src, "voided_but_settled", line.reference, line.amount_fen,
                                              receipt=o.receipt_no or "", line=line.line_no))
            elif o.amount_fen != line.amount_fen:
                unmatched.append(_discrepancy(src, "amount_differs", line.reference, line.amount_fen,
                                              ours=o.amount_fen, receipt=o.receipt_no or "", line=line.line_no))
            else:
                matched += 1
                stats["matched"] += 1
    for o in ours:
        if not o.matched and not o.voided and o.terminal_id == terminal.id:
            src = next(k for k, v in SOURCES.items() if v.method == o.method and k in statements)
            unmatched.append(_discrepancy(src, "not_in_statement", o.reference or o.out_trade_no or o.tender_id,
                                          o.amount_fen, receipt=o.receipt_no or ""))
    for order in sorted(orders.values(), key=lambda x: x.out_trade_no):
        if order.terminal_id == terminal.id and clock.local(order.created_at).date() == day:
            unmatched.append(_discrepancy(order.provider, "unconfirmed", order.out_trade_no, int(order.amount_fen),
                                          status=order.status))
    unmatched.extend(late_cases(s, terminal, day))
    return {"matched": matched, "unmatched": unmatched, "by_source": by_source}


def _find(index: dict[tuple[str, str], Ours], refunds_by_trade: dict[tuple[str, str], list[Ours]], method: str,
          line: Line) -> Ours | None:
    keys = [line.reference, line.out_refund_no] if line.kind == "refund" else [line.reference, line.out_trade_no]
    if line.kind == "pay" and line.trade_no:
        keys.append(line.trade_no)
    for key in keys:
        if key:
            o = index.get((method, key))
            if o is not None and not o.matched and (o.amount_fen < 0) == (line.kind == "refund"):
                return o
    if line.kind == "refund" and line.trade_no:
        candidates = [o for o in refunds_by_trade.get((method, line.trade_no), []) if not o.matched]
        exact = [o for o in candidates if o.amount_fen == line.amount_fen]
        return (exact or candidates or [None])[0]
    return None


def late_cases(s: Session, terminal: Terminal, day: date) -> list[dict[str, Any]]:
    """Open `late_event` exceptions of this counter up to `day`: payments synced in after
    their day was closed here (not counted in that day's locked totals)."""
    out = []
    for case in s.scalars(select(ExceptionCase).where(ExceptionCase.kind == "late_event",
                                                      ExceptionCase.resolved_at.is_(None))
                          .order_by(ExceptionCase.created_at, ExceptionCase.id)):
        d = case.detail or {}
        if d.get("terminal") != terminal.code or not d.get("day") or d["day"] > day.isoformat():
            continue
        if d.get("reason") not in (None, "day_closed"):
            continue  # into a closed shift of a day still open: it is in that day's totals already
        out.append(_discrepancy("sync", "late", d.get("receipt_no") or case.ref_id or case.id,
                                int(d.get("amount_fen") or 0), day=d["day"], case=case.id))
    return out
