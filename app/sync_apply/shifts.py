"""Applying `shift_open` and `shift_close`: the shift with the sender's id, and at close its
drawer count rows, expected amounts and variance. Either event creates the shift when this
database has not seen it yet (a payment of the shift may already have)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CashCount, Shift
from app.sync_apply.common import dt, terminal, user_id


def _shift(s: Session, p: dict[str, Any], origin_terminal: str) -> Shift:
    term = terminal(s, p.get("terminal"), origin_terminal)
    uid = user_id(s, p.get("user"))
    shift = s.get(Shift, p["shift_id"])
    if shift is None:
        shift = Shift(id=p["shift_id"], terminal_id=term.id, user_id=uid)
        s.add(shift)
    # the shift's own event is the authority on when it opened and with what float
    shift.float_fen = int(p.get("float_fen") or 0)
    shift.opened_at = dt(p["opened_at"])
    s.flush()
    return shift


def apply_shift_open(s: Session, p: dict[str, Any], origin_terminal: str) -> None:
    _shift(s, p, origin_terminal)


def apply_shift_close(s: Session, p: dict[str, Any], origin_terminal: str) -> None:
    shift = _shift(s, p, origin_terminal)
    have = set(s.scalars(select(CashCount.denomination_fen).where(CashCount.shift_id == shift.id)))
    for c in p.get("counts") or []:
        if int(c["denomination_fen"]) not in have:
            s.add(CashCount(id=c["id"], shift_id=shift.id, denomination_fen=int(c["denomination_fen"]),
                            count=int(c["count"])))
    shift.closed_at = dt(p["closed_at"])
    shift.expected = p.get("expected")
    shift.counted_fen = p.get("counted_fen")
    shift.variance_fen = p.get("variance_fen")
    s.flush()
