"""Finding a room by the key a person types."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Community, Room
from app.errors import InputError, NotFound


def resolve_room(s: Session, key: str) -> Room:
    """'3-2-1502', or 'community/3-2-1502' when the same key exists in two communities."""
    key = (key or "").strip()
    if not key:
        raise InputError("--room: a room key like 3-2-1502 is required")
    community = None
    if "/" in key:
        community, key = (part.strip() for part in key.split("/", 1))
    q = select(Room).where(Room.room_key == key)
    if community:
        q = q.join(Community, Community.id == Room.community_id).where(Community.name == community)
    rooms = s.scalars(q).all()
    if not rooms:
        raise NotFound(f"room {key!r} does not exist" + (f" in community {community!r}" if community else ""))
    if len(rooms) > 1:
        names = sorted(s.scalars(select(Community.name).where(Community.id.in_([r.community_id for r in rooms]))))
        raise InputError(f"room key {key!r} exists in several communities ({', '.join(names)}): "
                         f"write it as 小区/房号, e.g. {names[0]}/{key}")
    return rooms[0]
