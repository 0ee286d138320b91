"""What every applier needs: the sender's terminal, users by name, rooms, values decoded from
JSON, the exception cases a manager reviews."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Term:
    id: str
    code: str


def _cache(s: Session, name: str) -> dict[str, Any]:
    """Per-session lookups of rows that events only read (a push batch applies hundreds of
    events of one terminal and a few users). Only rows that existed before are cached: a
    row created inside a rejected event's savepoint is rolled back with it."""
    return s.info.setdefault("sync_apply", {}).setdefault(name, {})


def terminal(s: Session, code: str | None, origin: str) -> Term:
    """The sender's terminal row; created when missing (central registered it; a counter
    meets another counter's code for the first time in a pull). A terminal speaks only for
    itself: an event naming another terminal than the one it came from is refused."""
    code = code or origin
    if not code:
        raise EventRejected("sync.payload_incomplete", event_type="?", field="terminal")
    if origin and code != origin:
        raise EventRejected("sync.terminal_mismatch", terminal=code, origin=origin)
    cache = _cache(s, "terminals")
    if code not in cache:
        tid = s.scalar(select(Terminal.id).where(Terminal.code == code))
        if tid is None:
            return Term(users.ensure_terminal(s, code).id, code)
        cache[code] = Term(tid, code)
    return cache[code]


def user_id(s: Session, username: str | None, *, required: bool = True) -> str | None:
    """Users are central's master data, matched by name. A deactivated user still made the
    fact, so activity is not checked."""
    if not username:
        if required:
            raise EventRejected("sync.unknown_user", user="")
        return None
    cache = _cache(s, "users")
    uid = cache.get(username) or s.scalar(select(User.id).where(User.username == username))
    if uid is None:
        raise EventRejected("sync.unknown_user", user=username)
    cache[username] = uid
    return uid


def room(s: Session, room_id: str, room_key: str | None = None) -> Any:
    """The room (id, room_key, community_id), locked for the rest of the transaction like
    every unit of work that moves a room's money (app.services.rooms.lock_room)."""
    r = s.execute(select(Room.id, Room.room_key, Room.community_id).where(Room.id == room_id)
                  .with_for_update()).first()
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


def flag_negative_prepaid(s: Session, room: Any, ref_type: str, ref_id: str, receipt_no: str | None) -> None:
    """The sender spent (or a void took back) prepaid that this database does not hold — the
    top-up went elsewhere or was spent here meanwhile: applied anyway, flagged for review."""
    from app.services import ledger

    balance = -ledger.balance(s, ledger.room_account("PRE", room.id))
    if balance < 0:
        open_exception(s, "prepaid_negative", ref_type, ref_id, room=room.room_key, room_id=room.id,
                       amount_fen=balance, receipt_no=receipt_no)
