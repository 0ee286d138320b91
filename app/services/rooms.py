"""Finding a room by the key a person types, and the room lock every money movement takes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Community, Room
from app.errors import InputError, NotFound


def resolve_room(s: Session, key: str) -> Room:
    """'3-2-1502', or 'community/3-2-1502' when the same key exists in two communities."""
    key = (key or "").strip()
    if not key:
        raise InputError("room.key_required")
    community = None
    if "/" in key:
        community, key = (part.strip() for part in key.split("/", 1))
    q = select(Room).where(Room.room_key == key)
    if community:
        q = q.join(Community, Community.id == Room.community_id).where(Community.name == community)
    rooms = s.scalars(q).all()
    if not rooms:
        if community:
            raise NotFound("room.not_found_in", key=key, community=community)
        raise NotFound("room.not_found", key=key)
    if len(rooms) > 1:
        names = sorted(s.scalars(select(Community.name).where(Community.id.in_([r.community_id for r in rooms]))))
        raise InputError("room.ambiguous", key=key, communities=names, example=f"{names[0]}/{key}")
    return rooms[0]


def lock_room(s: Session, room_id: str) -> None:
    """Take the room's row lock for the rest of the transaction (SELECT … FOR UPDATE).

    Every unit of work that moves money for a room — a payment, a top-up, a deposit, a
    one-off charge, a void, the bill run's prepaid deduction — calls this first, and only
    then reads the room's open lines, paid amounts and prepaid balance. A second counter
    working on the same room waits here until the first commits; PostgreSQL's READ
    COMMITTED then gives every later statement of the waiting transaction a fresh snapshot,
    so it sees the first counter's payment and cannot pay the same line or spend the same
    balance again. One lock per unit of work (always the room, taken before any other row
    lock) means no lock-order deadlocks. SQLite ignores FOR UPDATE: its BEGIN IMMEDIATE
    already lets one writer in at a time (app.db.engine).

    The lock is FOR NO KEY UPDATE, not FOR UPDATE: it still excludes a second counter on
    the room, but not the KEY SHARE lock a bill run's chunk takes on the room when it inserts
    the room's bill lines (a foreign-key check), so a payment never waits behind a bill run.
    """
    if s.scalar(select(Room.id).where(Room.id == room_id).with_for_update(key_share=True)) is None:
        raise NotFound("room.not_found", key=room_id)


