"""The demo's day to close (日结): WeChat Pay, Alipay and POS statement files of the last day
the demo counter took payments, written beside the demo database (`statements/<day>/`), so a
manager can close that day from the 日结对账 screen or `propdesk day close`.

The files say what the counter's tenders say (every scanned and card payment of the day, at
the time it was taken, in each platform's real layout: app.demo.statement_files), with one
deliberate discrepancy: WeChat has a 100.00 payment the counter never recorded (a resident
scanned twice) — shown as 平台有这笔…账上没有."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.context import AppContext
from app.db.models import Payment, Receipt, ReceiptVoid, Tender, Terminal
from app.demo.statement_files import StmtLine, alipay_detail, pos_settlement, wechat_all

STRANGER_FEN = 10000  # the deliberate discrepancy


def statements_dir(ctx: AppContext, day: date) -> Path:
    from app.demo.build import demo_print_file

    return demo_print_file(ctx).parent.parent / "statements" / day.isoformat()


def demo_day(s: Session, terminal_id: str, before: date) -> date | None:
    return s.scalar(select(func.max(Payment.business_day)).where(Payment.terminal_id == terminal_id,
                                                                 Payment.business_day < before))


def write_demo_statements(ctx: AppContext, today: date | None = None) -> dict[str, Any]:
    """{"day", "files": {source: path}, "lines": n} — or {} when the counter has no payments."""
    today = today or clock.today()
    with ctx.uow() as s:
        term = s.scalar(select(Terminal).where(Terminal.code == ctx.terminal))
        day = demo_day(s, term.id, today) if term else None
        if day is None:
            return {}
        voided = select(Receipt.payment_id).join(ReceiptVoid, ReceiptVoid.receipt_id == Receipt.id)
        rows = s.execute(select(Tender.method, Tender.reference, Tender.amount_fen, Payment.created_at)
                         .join(Payment, Payment.id == Tender.payment_id)
                         .where(Payment.terminal_id == term.id, Payment.business_day == day,
                                Tender.method.in_(("wechat", "alipay", "pos")), Payment.id.not_in(voided))
                         .order_by(Payment.created_at)).all()
    lines: dict[str, list[StmtLine]] = {"wechat": [], "alipay": [], "pos": []}
    for method, ref, amount, created in rows:
        at = clock.local(created).replace(tzinfo=None)
        kind = "refund" if amount < 0 else "pay"
        lines[method].append(StmtLine(kind, ref, int(amount), at, out_trade_no=f"{ctx.terminal}{ref[-12:]}"))
    noon = clock.local(clock.now()).replace(year=day.year, month=day.month, day=day.day, hour=12, minute=0,
                                            second=0, microsecond=0, tzinfo=None)
    lines["wechat"].append(StmtLine("pay", f"4200000099{day:%Y%m%d}0000000001", STRANGER_FEN, noon,
                                    out_trade_no=f"{ctx.terminal}DEMO0000000001"))
    folder = statements_dir(ctx, day)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"wechat": folder / f"wechat_ALL_{day:%Y%m%d}.csv",
             "alipay": folder / f"20880211096256330156_{day:%Y%m%d}_业务明细.csv",
             "pos": folder / f"pos_{day:%Y%m%d}.csv"}
    files["wechat"].write_bytes(wechat_all(lines["wechat"]))
    files["alipay"].write_bytes(alipay_detail(lines["alipay"], day))
    files["pos"].write_bytes(pos_settlement(lines["pos"]))
    return {"day": day.isoformat(), "files": {k: str(v) for k, v in files.items()},
            "lines": sum(len(v) for v in lines.values())}
