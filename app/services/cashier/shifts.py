"""Shifts (班次): opened with a float, closed with the drawer counted by denomination."""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import CashCount, Payment, Shift, Tender, Terminal, User
from app.errors import InputError
from app.money import fen_to_yuan_str, shown
from app.services import audit, users
from app.sync_events import emit_event
from app.services.voided import not_voided

# 100/50/20/10/5/1 元, 5/1 角 and 5/2/1 分 notes and coins, in fen: the one list the drawer
# count (CLI and the shift-close dialog) reads. The 分 rows let an honest count balance when
# a payment's change had fen in it.
DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1)
MAX_COUNT = 999_999  # pieces of one denomination: more is a typo, not a drawer

# ASCII only: '²' and '٣' are digits to str.isdigit(), not to a cash count.
_DENOM_RE = re.compile(r"^([0-9]{1,3})(?:\.([0-9]{1,2}))?$")
_COUNT_RE = re.compile(r"^[0-9]{1,6}$")


def open_shift(s: Session, terminal_code: str, username: str, float_fen: int = 0) -> Shift:
    user = users.require(s, username, "shift")
    terminal = users.ensure_terminal(s, terminal_code)
    if float_fen < 0:
        raise InputError("shift.float_negative")
    if current(s, terminal.id, user.id) is not None:
        raise InputError("shift.already_open", user=username, terminal=terminal_code)
    shift = Shift(terminal_id=terminal.id, user_id=user.id, float_fen=float_fen, opened_at=clock.now())
    s.add(shift)
    s.flush()
    emit_event(s, "shift_open", shift.id)
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
        raise InputError("shift.not_open", user=username, terminal=terminal_code)
    return shift, terminal, user


def _denomination(text: str) -> int | None:
    m = _DENOM_RE.match(text)
    if not m:
        return None
    return int(m.group(1)) * 100 + int((m.group(2) or "").ljust(2, "0"))


def parse_count(text: str) -> dict[int, int]:
    """'100=3,50=1,0.5=2,0.01=4' -> {10000: 3, 5000: 1, 50: 2, 1: 4}. Anything else — a
    denomination that is not one, a count that is not 0–999999 in ASCII digits — is an
    InputError naming the part."""
    counts: dict[int, int] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        denom_text, sep, n_text = part.partition("=")
        denom_text, n_text = denom_text.strip(), n_text.strip()
        part, denom_shown = shown(part), shown(denom_text)
        if not sep:
            raise InputError("count.syntax", part=part)
        denom = _denomination(denom_text)
        if denom not in DENOMINATIONS:
            raise InputError("count.bad_denomination", part=part, denomination=denom_shown,
                             choices=[fen_to_yuan_str(d) for d in DENOMINATIONS])
        if not _COUNT_RE.match(n_text):
            raise InputError("count.bad_number", part=part, max=MAX_COUNT)
        if denom in counts:
            raise InputError("count.twice", denomination=denom_shown)
        counts[denom] = int(n_text)
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
    for d, n in counts.items():  # the GUI passes its spin boxes straight in
        if d not in DENOMINATIONS or isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_COUNT:
            raise InputError("count.bad_row", denomination=fen_to_yuan_str(d) if isinstance(d, int) else str(d),
                             count=n, max=MAX_COUNT)
    users.require(s, username, "shift")  # the right first: a reader is refused for that, not for "no shift"
    shift, terminal, user = require_open(s, terminal_code, username)
    expected = expected_by_tender(s, shift)
    counted = sum(d * n for d, n in counts.items())
    variance = counted - expected.get("cash", 0)
    for d, n in sorted(counts.items(), reverse=True):
        s.add(CashCount(shift_id=shift.id, denomination_fen=d, count=n))
    shift.closed_at = clock.now()
    shift.expected, shift.counted_fen, shift.variance_fen = expected, counted, variance
    emit_event(s, "shift_close", shift.id)
    audit.record(s, "shift.close", user=username, terminal=terminal_code, entity="shift", entity_id=shift.id,
                 detail={"expected": expected, "counted_fen": counted, "variance_fen": variance})
    return {"shift_id": shift.id, "expected": expected, "counted_fen": counted, "variance_fen": variance,
            "counts": {fen_to_yuan_str(d): n for d, n in sorted(counts.items(), reverse=True)}}
