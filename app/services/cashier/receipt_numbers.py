"""Receipt numbers <terminal>-<yyyymmdd>-<seq>: the per-terminal, per-day sequence is bumped
inside the payment's own transaction, so a number exists only if its payment does (no gaps),
and two counters never collide (each has its own terminal code)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.models import ReceiptSequence

_T = ReceiptSequence.__table__


def next_receipt_no(s: Session, terminal_id: str, terminal_code: str, day: date) -> tuple[str, int]:
    res = s.execute(update(_T).where(_T.c.terminal_id == terminal_id, _T.c.day == day)
                    .values(last_seq=_T.c.last_seq + 1))
    if res.rowcount == 0:
        s.execute(_T.insert().values(terminal_id=terminal_id, day=day, last_seq=1))
        seq = 1
    else:
        seq = int(s.scalar(select(_T.c.last_seq).where(_T.c.terminal_id == terminal_id, _T.c.day == day)))
    return f"{terminal_code}-{day:%Y%m%d}-{seq:04d}", seq
