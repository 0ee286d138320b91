"""What every applier needs: the sender's terminal, users by name, rooms, values decoded from
JSON, the exception cases a manager reviews."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import DayClose, ExceptionCase, Room, Shift, Terminal, User
from app.services import users
from app.sync_events import EventRejected


def dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def terminal(s: Session, code: str | None) -> Terminal:
    """The sender's terminal row; created when missing (central registered it; a counter
    meets another counter's code for the first time in a pull)."""
    if not code:
        raise EventRejected("sync.payload_incomplete", event_type="?", field="terminal")
    return users.ensure_terminal(s, code)


def user_id(s: Session, username: str | None, *, required: bool = True) -> str | None:
    """Users are central's master data, matched by name. A deactivated user still made the
    fact, so activity is not checked."""
    if not username:
        if required:
            raise EventRejected("sync.unknown_user", user="")
        return None
    uid = s.scalar(select(User.id).where(User.username == username))
    if uid is None:
        raise EventRejected("sync.unknown_user", user=username)
    return uid


def room(s: Session, room_id: str, room_key: str | None = None) -> Room:
    r = s.get(Room, room_id)
    if r is None:
        raise EventRejected("sync.unknown_room", room=room_key or room_id)
    return r


def ensure_shift(s: Session, info: dict[str, Any] | None, shift_id: str, terminal_id: str, uid: str | None,
                 fallback_opened_at: datetime | None) -> Shift:
    """The shift row with the sender's id. An event that arrives before its shift_open (a
    pull that started mid-shift) creates it from what the event knows; the shift's own
    events fill in the rest."""
    shift = s.get(Shift, shift_id)
    if shift is None:
        info = info or {}
        shift = Shift(id=shift_id, terminal_id=terminal_id,
                      user_id=user_id(s, info.get("user"), required=False) or uid,
                      float_fen=int(info.get("float_fen") or 0),
                      opened_at=dt(info.get("opened_at")) or fallback_opened_at)
        if shift.user_id is None:
            raise EventRejected("sync.unknown_user", user="")
        s.add(shift)
        s.flush()
    return shift


def late_reason(s: Session, shift: Shift | None, terminal_id: str, business_day: date | None) -> str | None:
    """Why this fact lands after its shift or day was closed here, or None."""
    if shift is not None and shift.closed_at is not None:
        return "shift_closed"
    if business_day is not None and s.scalar(select(DayClose.id).where(DayClose.terminal_id == terminal_id,
                                                                      DayClose.day == business_day)):
        return "day_closed"
    return None


def open_exception(s: Session, kind: str, ref_type: str, ref_id: str, **detail: Any) -> ExceptionCase:
    case = ExceptionCase(kind=kind, ref_type=ref_type, ref_id=ref_id, detail=detail)
    s.add(case)
    s.flush()
    return case


def flag_negative_prepaid(s: Session, room: Room, ref_type: str, ref_id: str, receipt_no: str | None) -> None:
    """The sender spent (or a void took back) prepaid that this database does not hold — the
    top-up went elsewhere or was spent here meanwhile: applied anyway, flagged for review."""
    from app.services import ledger

    balance = -ledger.balance(s, f"PRE:{room.id}")
    if balance < 0:
        open_exception(s, "prepaid_negative", ref_type, ref_id, room=room.room_key, room_id=room.id,
                       amount_fen=balance, receipt_no=receipt_no)
