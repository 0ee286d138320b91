"""The sync outbox: every event this counter makes is numbered gaplessly (device_seq) and
written in the same transaction as the data it describes, so nothing is sent that was not
committed and nothing committed is never sent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import SyncCursor, SyncOutbox
from app.ids import new_id


def next_seq(s: Session, name: str) -> int:
    """Bump a named counter inside the caller's transaction and return the new value."""
    t = SyncCursor.__table__
    res = s.execute(update(t).where(t.c.name == name).values(value=t.c.value + 1, updated_at=utcnow()))
    if res.rowcount == 0:
        s.execute(t.insert().values(name=name, value=1, updated_at=utcnow()))
        return 1
    return int(s.scalar(select(t.c.value).where(t.c.name == name)))


def emit(s: Session, event_type: str, entity_id: str, payload: dict[str, Any]) -> int:
    seq = next_seq(s, "device_seq")
    s.add(SyncOutbox(device_seq=seq, event_id=new_id(), event_type=event_type, entity_id=entity_id, payload=payload))
    return seq
