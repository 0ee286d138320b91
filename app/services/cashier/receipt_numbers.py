"""Receipt numbers <terminal>-<yyyymmdd>-<seq>: the per-terminal, per-day sequence is bumped
inside the payment's own transaction, so a number exists only if its payment does (no gaps),
and two counters never collide (each has its own terminal code).

The UPDATE takes the sequence row's lock, so two sessions of one terminal (the GUI and the
command line on the same PC) take turns. The day's first number inserts the row; if another
session inserted it first (PostgreSQL: our INSERT waits for its commit, then hits the primary
key), the savepoint is rolled back and the row bumped like any other day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import ReceiptSequence

_T = ReceiptSequence.__table__


def _bump(s: Session, terminal_id: str, day: date) -> int:
    return s.execute(update(_T).where(_T.c.terminal_id == terminal_id, _T.c.day == day)
                     .values(last_seq=_T.c.last_seq + 1)).rowcount


def next_receipt_no(s: Session, terminal_id: str, terminal_code: str, day: date) -> tuple[str, int]:
    if _bump(s, terminal_id, day) == 0:
        try:
            with s.begin_nested():
                s.execute(_T.insert().values(terminal_id=terminal_id, day=day, last_seq=1))
            return f"{terminal_code}-{day:%Y%m%d}-{1:04d}", 1
        except IntegrityError:  # another session of this terminal numbered the day first
            _bump(s, terminal_id, day)
    seq = int(s.scalar(select(_T.c.last_seq).where(_T.c.terminal_id == terminal_id, _T.c.day == day)))
    return f"{terminal_code}-{day:%Y%m%d}-{seq:04d}", seq
