"""The day lock: once a counter's business day is closed (a DayClose row), nothing may change
that day there — no void, no payment, no back-dated change. Corrections are new facts on a
later day. Services that change a day's money call `ensure_day_open` first, inside their unit
of work; the terminal row is locked (PostgreSQL) so a day close and a change cannot both
commit believing the day open (SQLite serialises writers already)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import DayClose, Terminal
from app.errors import InputError


def lock_terminal(s: Session, terminal_code: str) -> Terminal | None:
    return s.scalar(select(Terminal).where(Terminal.code == terminal_code).with_for_update())


def is_closed(s: Session, terminal_id: str, day: date) -> bool:
    return s.scalar(select(DayClose.id).where(DayClose.terminal_id == terminal_id, DayClose.day == day)) is not None


def ensure_day_open(s: Session, terminal_code: str, day: date) -> None:
    """Raise closing.day_locked when `terminal_code`'s business `day` is closed."""
    t = lock_terminal(s, terminal_code)
    if t is not None and is_closed(s, t.id, day):
        raise InputError("closing.day_locked", day=day.isoformat(), terminal=terminal_code)
