"""Read-only fee item lists for the counter's dialogs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import FeeItem
from app.services.rooms import resolve_room


def one_off_items(s: Session, room_key: str) -> list[dict]:
    """The active one-off fee items (basis "one_off") of the room's community: what the
    one-off charge dialog offers (装修垃圾清运费…)."""
    room = resolve_room(s, room_key)
    items = s.scalars(select(FeeItem).where(FeeItem.community_id == room.community_id, FeeItem.basis == "one_off",
                                            FeeItem.active.is_(True)).order_by(FeeItem.code))
    return [{"code": i.code, "name": i.name} for i in items]
