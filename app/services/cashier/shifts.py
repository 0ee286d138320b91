"""Shifts (班次): opened with a float, closed with the drawer counted by denomination."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import CashCount, Payment, Shift, Tender, Terminal, User
from app.errors import InputError
from app.money import MoneyError, fen_to_yuan_str, parse_yuan
from app.services import audit, users
from app.services.outbox import emit
from app.services.voided import not_voided

# 100/50/20/10/5/1 元 and 5/1 角 notes and coins, in fen.
DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 100, 50, 10)


def open_shift(s: Session, terminal_code: str, username: str, float_fen: int = 0) -> Shift:
    user = users.require(s, username, "shift")
    terminal = users.ensure_terminal(s, terminal_code)
    if float_fen < 0:
        raise InputError("--float may not be negative")
    if current(s, terminal.id, user.id) is not None:
        raise InputError(f"user {username} already has an open shift on terminal {terminal_code}: close it first")
    shift = Shift(terminal_id=terminal.id, user_id=user.id, float_fen=float_fen, opened_at=clock.now())
    s.add(shift)
    s.flush()
    emit(s, "shift_open", shift.id, {"shift_id": shift.id, "terminal": terminal_code, "user": username,
                                      "float_fen": float_fen})
    audit.record(s, "shift.open", user=username, terminal=terminal_code, entity="shift", entity_id=shift.id,
                 detail={"float_fen": float_fen})
    return shift


def current(s: Session, terminal_id: str, user_id: str) -> Shift | None:
    return s.scalar(select(Shift).where(Shift.terminal_id == terminal_id, Shift.user_id == user_id,
                                        Shift.closed_at.is_(None)))


def require_open(s: Session, terminal_code: str, username: str) -> tuple[Shift, Terminal, User]:
    user = users.get_user(s, username)
    terminal = users.ensure_terminal(s, terminal_code)
    shift = current(s, terminal.id, user.id)
    if shift is None:
        raise InputError(f"no open shift for {username} on terminal {terminal_code}: "
                         f"open one first (propdesk shift open --float 200)")
    return shift, terminal, user


def parse_count(text: str) -> dict[int, int]:
    """'100=3,50=1,0.5=2' -> {10000: 3, 5000: 1, 50: 2}."""
    counts: dict[int, int] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        denom_text, sep, n_text = part.partition("=")
        if not sep:
            raise InputError(f"--count {part!r}: write DENOMINATION=COUNT, e.g. 100=3")
        try:
            denom = parse_yuan(denom_text.strip())
        except MoneyError as e:
            raise InputError(f"--count {part!r}: {e}") from None
        if denom not in DENOMINATIONS:
            raise InputError(f"--count {part!r}: {denom_text.strip()} is not a denomination "
                             f"(100, 50, 20, 10, 5, 1, 0.5, 0.1)")
        if not (n_text.strip().isascii() and n_text.strip().isdigit() and len(n_text.strip()) <= 6):  # not ², ٣
            raise InputError(f"--count {part!r}: the count must be a whole number ≥ 0")
        if denom in counts:
            raise InputError(f"--count: denomination {denom_text.strip()} given twice")
        counts[denom] = int(n_text.strip())
    return counts


def expected_by_tender(s: Session, shift: Shift) -> dict[str, int]:
    """What the shift should hold per tender: the float plus cash kept, and every other
    tender's applied amounts, from payments that were not voided."""
    rows = s.execute(select(Tender.method, func.sum(Tender.amount_fen)).join(Payment, Payment.id == Tender.payment_id)
                     .where(Payment.shift_id == shift.id, not_voided(Payment.id)).group_by(Tender.method)).all()
    out: dict[str, int] = defaultdict(int)
    out["cash"] = shift.float_fen
    for method, total in rows:
        out[method] += int(total)
    return dict(out)


def close_shift(s: Session, terminal_code: str, username: str, counts: dict[int, int]) -> dict:
    shift, terminal, user = require_open(s, terminal_code, username)
    expected = expected_by_tender(s, shift)
    counted = sum(d * n for d, n in counts.items())
    variance = counted - expected.get("cash", 0)
    for d, n in sorted(counts.items(), reverse=True):
        s.add(CashCount(shift_id=shift.id, denomination_fen=d, count=n))
    shift.closed_at = clock.now()
    shift.expected, shift.counted_fen, shift.variance_fen = expected, counted, variance
    emit(s, "shift_close", shift.id, {"shift_id": shift.id, "expected": expected, "counted_fen": counted,
                                       "variance_fen": variance, "counts": {str(d): n for d, n in counts.items()}})
    audit.record(s, "shift.close", user=username, terminal=terminal_code, entity="shift", entity_id=shift.id,
                 detail={"expected": expected, "counted_fen": counted, "variance_fen": variance})
    return {"shift_id": shift.id, "expected": expected, "counted_fen": counted, "variance_fen": variance,
            "counts": {fen_to_yuan_str(d): n for d, n in sorted(counts.items(), reverse=True)}}
