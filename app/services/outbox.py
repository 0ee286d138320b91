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


def emit_many(s: Session, event_type: str, events: list[tuple[str, dict[str, Any]]]) -> None:
    """Queue several events of one type at once (a handheld upload of 10,000 readings): one
    block of device_seq numbers reserved by one update, the rows written by one insert."""
    if not events:
        return
    from app.ids import new_ids

    t = SyncCursor.__table__
    n = len(events)
    res = s.execute(update(t).where(t.c.name == "device_seq").values(value=t.c.value + n, updated_at=utcnow()))
    if res.rowcount == 0:
        s.execute(t.insert().values(name="device_seq", value=n, updated_at=utcnow()))
        last = n
    else:
        last = int(s.scalar(select(t.c.value).where(t.c.name == "device_seq")))
    now = utcnow()
    s.execute(SyncOutbox.__table__.insert(), [
        {"device_seq": last - n + 1 + i, "event_id": eid, "event_type": event_type, "entity_id": entity_id,
         "payload": payload, "attempts": 0, "created_at": now}
        for i, ((entity_id, payload), eid) in enumerate(zip(events, new_ids(n)))])
