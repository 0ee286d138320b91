"""This counter's events that central refused (kept in the outbox with the reason, never
dropped), for the manager's exceptions screen: what it was, when, and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import SyncOutbox


def rejected_events(s: Session) -> list[dict[str, Any]]:
    rows = s.scalars(select(SyncOutbox).where(SyncOutbox.rejected.is_not(None)).order_by(SyncOutbox.device_seq))
    out = []
    for o in rows:
        payload = o.payload or {}
        receipt = payload.get("receipt") or {}
        out.append({"device_seq": o.device_seq, "event_type": o.event_type, "reason": o.rejected,
                    "created_at": o.created_at.isoformat() if o.created_at else None,
                    "room": payload.get("room_key"), "receipt_no": receipt.get("receipt_no"),
                    "amount_fen": payload.get("total_fen")})
    return out
