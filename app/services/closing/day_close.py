"""Closing a counter's business day (日结): totals by tender, cashier and fee item; the day's
statements matched to our tenders (reconcile); then the day locked (DayClose), the
statements stored, and every discrepancy opened as an exception (kind 'reconcile') for the
manager. `preview` does everything but write, for the GUI to show before the manager
confirms. Permission `day_close`. Unclosed shifts of that day (or before it) block it.
docs/day-close.md."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.db.models import (Allocation, BillLine, DayClose, ExceptionCase, FeeItem, Payment, Receipt, ReceiptVoid,
                           Shift, Statement, StatementLine, Tender, Terminal, User)
from app.errors import Conflict, InputError, NotFound
from app.ids import new_ids
from app.services import audit, users
from app.services.closing import day_lock
from app.services.closing.reconcile import reconcile
from app.services.closing.statements import SOURCES, StatementFile, read_file
from app.services.closing.statements.common import fail
from app.sync_events import emit_event

ensure_day_open = day_lock.ensure_day_open  # the seam other services call (voids, refunds, payments)
PLATFORM_ZONE = ZoneInfo("Asia/Shanghai")


def _terminal(s: Session, code: str) -> Terminal:
    t = s.scalar(select(Terminal).where(Terminal.code == code))
    if t is None:
        raise NotFound("closing.unknown_terminal", terminal=code)
    return t


def open_shifts(s: Session, terminal: Terminal, day: date) -> list[dict[str, Any]]:
    """Shifts of this counter still open that began on or before `day`."""
    out = []
    for sh, name, username in s.execute(select(Shift, User.display_name, User.username)
                                        .join(User, User.id == Shift.user_id)
                                        .where(Shift.terminal_id == terminal.id, Shift.closed_at.is_(None))
                                        .order_by(Shift.opened_at)):
        opened = clock.local(sh.opened_at)
        if opened.date() <= day:
            out.append({"shift_id": sh.id, "user": username, "name": name or username,
                        "opened_at": opened.strftime("%Y-%m-%d %H:%M")})
    return out


def day_totals(s: Session, terminal: Terminal, day: date) -> dict[str, Any]:
    """Money of the day at this counter, receipts voided left out: by tender method, by cashier
    and by fee item (what the payments settled; prepay/deposit/refund/one-off by kind)."""
    voided = (select(Receipt.payment_id).join(ReceiptVoid, ReceiptVoid.receipt_id == Receipt.id)
              .where(Receipt.terminal_id == terminal.id, Receipt.day == day))
    of_day = (Payment.terminal_id == terminal.id, Payment.business_day == day, Payment.id.not_in(voided))
    pay_rows = s.execute(select(Payment.id, Payment.kind, Payment.user_id).where(*of_day)).all()
    tenders: dict[str, int] = defaultdict(int)
    paid_by: dict[str, int] = defaultdict(int)
    for pid, method, amount in s.execute(select(Tender.payment_id, Tender.method, Tender.amount_fen)
                                         .join(Payment, Payment.id == Tender.payment_id).where(*of_day)):
        tenders[method] += int(amount)
        paid_by[pid] += int(amount)
    allocated: dict[str, int] = defaultdict(int)
    by_fee: dict[str, dict[str, Any]] = {}
    q = (select(Allocation.payment_id, FeeItem.code, FeeItem.name, Allocation.principal_fen, Allocation.late_fee_fen)
         .join(Payment, Payment.id == Allocation.payment_id)
         .join(BillLine, BillLine.id == Allocation.bill_line_id).join(FeeItem, FeeItem.id == BillLine.fee_item_id)
         .where(*of_day))
    for pid, code, name, principal, late in s.execute(q):
        amount = int(principal) + int(late or 0)
        allocated[pid] += amount
        row = by_fee.setdefault(code, {"code": code, "name": name, "amount_fen": 0})
        row["amount_fen"] += amount
    names = dict(s.execute(select(User.id, User.username)).all())
    display = dict(s.execute(select(User.username, User.display_name)).all())
    by_cashier: dict[str, dict[str, Any]] = {}
    for pid, kind, uid in pay_rows:
        rest = paid_by[pid] - allocated[pid]
        if rest:
            key = f"_{kind}"
            row = by_fee.setdefault(key, {"code": key, "name": None, "kind": kind, "amount_fen": 0})
            row["amount_fen"] += rest
        user = names.get(uid, "-")
        c = by_cashier.setdefault(user, {"user": user, "name": display.get(user) or user, "payments": 0,
                                         "amount_fen": 0})
        c["payments"] += 1
        c["amount_fen"] += paid_by[pid]
    return {"totals": dict(sorted(tenders.items())), "payments": len(pay_rows),
            "by_cashier": sorted(by_cashier.values(), key=lambda r: r["user"]),
            "by_fee_item": sorted(by_fee.values(), key=lambda r: r["code"])}


def _expected_account(s: Session, terminal: Terminal, source: str) -> str | None:
    """The merchant a statement must belong to: the configured WeChat mch_id, else the
    account of this source's earlier statements here."""
    if source == "wechat":
        mch = ((terminal.gateways or {}).get("wechat") or {}).get("mch_id")
        if mch:
            return str(mch)
    return s.scalar(select(Statement.account).where(Statement.source == source, Statement.account.is_not(None))
                    .order_by(Statement.created_at.desc()).limit(1))


def _check_file(s: Session, terminal: Terminal, day: date, source: str, sf: StatementFile) -> None:
    p = sf.parsed
    expected = _expected_account(s, terminal, source)
    if expected and p.account and p.account != expected and expected not in p.aliases:
        raise fail("closing.file.other_merchant", p.file, None, account=p.account, expected=expected)
    if p.day_from is not None and p.day_from != day:
        raise fail("closing.file.wrong_day", p.file, 3, found=p.day_from.isoformat(), day=day.isoformat())
    for line in p.lines:
        if line.occurred_at is not None and (found := clock.local(platform_time(line.occurred_at)).date()) != day:
            raise fail("closing.file.wrong_day", p.file, line.line_no, found=found.isoformat(), day=day.isoformat())


def platform_time(naive: datetime) -> datetime:
    """A statement's time as an aware UTC time: WeChat, Alipay and China's acquirers write
    Beijing time, whatever the business zone is."""
    return naive.replace(tzinfo=PLATFORM_ZONE).astimezone(timezone.utc)


def load_statements(files: dict[str, str | Path | StatementFile | None]) -> dict[str, StatementFile]:
    out: dict[str, StatementFile] = {}
    for source, f in files.items():
        if f is None or f == "":
            continue
        if source not in SOURCES:
            raise InputError("closing.unknown_source", source=source, known=sorted(SOURCES))
        out[source] = f if isinstance(f, StatementFile) else read_file(source, f)
    return out


def _prepare(s: Session, terminal_code: str, user: str, day: date,
             files: dict[str, Any]) -> tuple[Terminal, dict[str, StatementFile], dict[str, Any]]:
    users.require(s, user, "day_close")
    terminal = _terminal(s, terminal_code)
    today = clock.today()
    if day > today:
        raise InputError("closing.day_in_future", day=day.isoformat(), today=today.isoformat())
    if day_lock.is_closed(s, terminal.id, day):
        raise Conflict("closing.day_already_closed", day=day.isoformat(), terminal=terminal.code)
    shifts = open_shifts(s, terminal, day)
    if shifts:
        raise InputError("closing.shifts_open", day=day.isoformat(),
                         shifts=[f"{x['name']}（{x['opened_at']}）" for x in shifts], count=len(shifts))
    statements = load_statements(files)
    for source, sf in statements.items():
        _check_file(s, terminal, day, source, sf)
    result = {"date": day.isoformat(), "terminal": terminal.code, **day_totals(s, terminal, day)}
    rec = reconcile(s, terminal, day, {k: v.parsed for k, v in statements.items()})
    result.update(matched=rec["matched"], unmatched=rec["unmatched"],
                  statements=[{"source": k, "file": v.parsed.file, "account": v.parsed.account,
                               **rec["by_source"][k]} for k, v in statements.items()])
    return terminal, statements, result


def preview(s: Session, terminal_code: str, user: str, day: date, files: dict[str, Any]) -> dict[str, Any]:
    """What closing the day would show, writing nothing."""
    _, _, result = _prepare(s, terminal_code, user, day, files)
    return {**result, "locked": False}


def close_day(s: Session, terminal_code: str, user: str, day: date, files: dict[str, Any]) -> dict[str, Any]:
    """Close and lock `day` at `terminal_code` (see the module doc); the caller commits."""
    if day_lock.lock_terminal(s, terminal_code) is None:
        raise NotFound("closing.unknown_terminal", terminal=terminal_code)
    terminal, statements, result = _prepare(s, terminal_code, user, day, files)
    dc = DayClose(terminal_id=terminal.id, day=day, totals=result["totals"], closed_by=user,
                  detail={"by_cashier": result["by_cashier"], "by_fee_item": result["by_fee_item"],
                          "matched": result["matched"], "unmatched": len(result["unmatched"]),
                          "payments": result["payments"], "statements": result["statements"]},
                  created_at=clock.now())
    s.add(dc)
    try:
        s.flush()
    except IntegrityError:
        raise Conflict("closing.day_already_closed", day=day.isoformat(), terminal=terminal.code) from None
    for source, sf in statements.items():
        _store_statement(s, source, day, sf, user)
    for d in result["unmatched"]:
        if d["reason"] == "late":
            continue  # already an exception of its own (late_event), listed until resolved
        s.add(ExceptionCase(kind="reconcile", ref_type="day_close", ref_id=dc.id,
                            detail={k: v for k, v in d.items() if k not in ("message", "message_en")}
                            | {"terminal": terminal.code, "day": day.isoformat()}))
    emit_event(s, "day_close", dc.id)  # central learns the day is locked: later payments of it are late there
    audit.record(s, "day.close", user=user, terminal=terminal.code, entity="day_close", entity_id=dc.id,
                 detail={"day": day.isoformat(), "totals": result["totals"], "matched": result["matched"],
                         "unmatched": len(result["unmatched"]),
                         "files": {k: v.sha256 for k, v in statements.items()}})
    return {**result, "day_close_id": dc.id, "locked": True}


def _store_statement(s: Session, source: str, day: date, sf: StatementFile, user: str) -> None:
    """The file's lines, once per (source, day, file): another counter closing the same day
    with the same merchant-wide file shares the stored copy."""
    if s.scalar(select(Statement.id).where(Statement.source == source, Statement.day == day,
                                           Statement.file_sha256 == sf.sha256)):
        return
    st = Statement(source=source, day=day, file_sha256=sf.sha256, imported_by=user, account=sf.parsed.account,
                   file_name=sf.parsed.file[:200], created_at=clock.now())
    s.add(st)
    s.flush()
    ids = new_ids(len(sf.parsed.lines))
    rows = [{"id": ids[i], "statement_id": st.id, "reference": x.reference, "out_trade_no": x.out_trade_no,
             "amount_fen": x.amount_fen, "fee_fen": x.fee_fen,
             "occurred_at": platform_time(x.occurred_at) if x.occurred_at else None} for i, x in enumerate(sf.parsed.lines)]
    if rows:  # lengths were checked when the file was read (parse_bytes): no per-row check again
        s.connection().execute(StatementLine.__table__.insert(), rows)


def closed_days(s: Session, terminal_code: str, limit: int = 30) -> list[dict[str, Any]]:
    t = _terminal(s, terminal_code)
    return [{"date": d.day.isoformat(), "closed_by": d.closed_by, "totals": d.totals,
             "closed_at": clock.local_text(d.created_at)}
            for d in s.scalars(select(DayClose).where(DayClose.terminal_id == t.id)
                               .order_by(DayClose.day.desc()).limit(limit))]
