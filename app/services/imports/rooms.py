"""Rooms import: communities, buildings, rooms, owners (billing-rules.md, "Import files").

Keyed by (community, room key). A re-import updates what changed, one audit event per room,
and records an owner change as a new occupancy that ends the old one: history is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import Building, Community, Room
from app.services.collect import mandates
from app.services.imports import owners
from app.services.imports.common import (
    Actor, Collector, Counts, Event, audit_events, audit_summary, bulk_insert, bulk_update, duplicate)
from app.errors import Msg
from app.services.imports.fields import (
    MAX_AREA, USAGES, column_size, parse_choice, parse_date, parse_decimal, parse_text, shown)
from app.services.imports.reader import Column, Table
from app.services.collect.mandates import MandateIn, parse_mandate

COLUMNS = [
    Column("community", "小区", required=True),
    Column("building", "楼栋", required=True),
    Column("unit", "单元"),
    Column("room", "房号", required=True),
    Column("area", "建筑面积", required=True),
    Column("usage", "房屋类型"),
    Column("charge_start", "计费开始日期"),
    Column("owner", "业主姓名"),
    Column("phone", "联系电话"),
    # bank collection (托收): app/services/collect/mandates.py
    Column("bank_name", "开户行"),
    Column("bank_account", "银行账号"),
    Column("account_holder", "户名"),
    Column("mandate_no", "托收协议号"),
]


@dataclass
class RoomRow:
    row: int
    community: str
    building: str
    unit: str
    number: str
    key: str
    area: Decimal
    # None = the cell was empty: a new room takes the default, an existing one keeps its value.
    usage: str | None
    charge_start: date | None
    owner: owners.OwnerIn | None
    mandate: MandateIn | None = None


def room_key(building: str, unit: str, number: str) -> str:
    return f"{building}-{unit}-{number}" if unit else f"{building}-{number}"


def validate(table: Table, c: Collector) -> list[RoomRow]:
    out: list[RoomRow] = []
    seen: dict[tuple[str, str], int] = {}
    key_size = column_size(Room.room_key)
    for row, v in table.rows:
        before = len(c.problems)
        community = c.value(row, "community", v["community"], parse_text, required=True, size_of=Community.name)
        building = c.value(row, "building", v["building"], parse_text, required=True, size_of=Building.name,
                           no_dash=True, key=True)
        unit = c.value(row, "unit", v.get("unit", ""), parse_text, size_of=Room.unit, no_dash=True, key=True) or ""
        number = c.value(row, "room", v["room"], parse_text, required=True, size_of=Room.number, no_dash=True,
                         key=True)
        area = c.value(row, "area", v["area"], parse_decimal, required=True, max_decimals=4, positive=True,
                       max_value=MAX_AREA)
        usage = c.value(row, "usage", v.get("usage", ""), parse_choice, choices=USAGES)
        charge_start = c.value(row, "charge_start", v.get("charge_start", ""), parse_date)
        owner = owners.parse(c, row, v.get("owner", ""), v.get("phone", ""))
        mandate = parse_mandate(c, row, v)
        key = room_key(building, unit, number) if community and building and number else ""
        if len(key) > key_size:
            c.add(row, "room", "import.room_key_too_long", key=shown(key), max=key_size, length=len(key))
            continue
        if key and duplicate(seen, (community, key), row, Msg.of("import.what_room", key=key, community=community),
                             c, "room"):
            continue
        if len(c.problems) == before:
            out.append(RoomRow(row, community or "", building or "", unit, number or "", key, area or Decimal(0),
                               usage, charge_start, owner, mandate))
    return out


def apply(s: Session, rows: list[RoomRow], actor: Actor) -> Counts:
    counts = Counts("rooms", len(rows))
    now = utcnow()
    communities = {name: id_ for id_, name in s.execute(select(Community.id, Community.name))}
    new_communities = [{"name": n, "options": {}, "created_at": now}
                       for n in dict.fromkeys(r.community for r in rows) if n not in communities]
    bulk_insert(s, Community, new_communities)
    communities.update({c["name"]: c["id"] for c in new_communities})
    community_ids = sorted({communities[r.community] for r in rows})

    buildings = {(cid, name): id_ for id_, cid, name in s.execute(
        select(Building.id, Building.community_id, Building.name).where(Building.community_id.in_(community_ids)))}
    new_buildings = [{"community_id": cid, "name": b} for cid, b in dict.fromkeys(
        (communities[r.community], r.building) for r in rows) if (cid, b) not in buildings]
    bulk_insert(s, Building, new_buildings)
    buildings.update({(b["community_id"], b["name"]): b["id"] for b in new_buildings})

    # Every existing room of these communities in one query: no per-row lookups.
    existing = {(cid, key): {"id": id_, "area": area, "usage": usage, "charge_start": cs}
                for id_, cid, key, area, usage, cs in s.execute(
                    select(Room.id, Room.community_id, Room.room_key, Room.area, Room.usage, Room.charge_start)
                    .where(Room.community_id.in_(community_ids)))}
    book = owners.OwnerBook.load(s, community_ids)

    new_rooms: list[dict[str, Any]] = []
    new_owners: list[owners.OwnerIn | None] = []
    room_updates: list[dict[str, Any]] = []
    events: list[Event] = []
    for r in rows:
        cid = communities[r.community]
        old = existing.get((cid, r.key))
        if old is None:
            new_rooms.append({"community_id": cid, "building_id": buildings[(cid, r.building)], "unit": r.unit,
                              "number": r.number, "room_key": r.key, "area": r.area,
                              "usage": r.usage or "residential", "charge_start": r.charge_start,
                              "created_at": now})
            new_owners.append(r.owner)
            continue
        given = {"area": r.area, "usage": r.usage, "charge_start": r.charge_start}
        changed = {k: v for k, v in given.items() if v is not None and old[k] != v}
        if changed:
            room_updates.append({"id": old["id"], **changed})
        changes = {k: [_text(old[k]), _text(v)] for k, v in changed.items()}
        if r.owner is not None:
            changes.update(book.update(old["id"], r.owner))
        if changes:
            counts.updated += 1
            events.append(("import.rooms.update", "room", old["id"],
                           {"community": r.community, "room_key": r.key, "changes": changes}))
        else:
            counts.unchanged += 1

    bulk_update(s, Room, room_updates)
    bulk_insert(s, Room, new_rooms)
    for rec, owner in zip(new_rooms, new_owners):
        if owner is not None:
            book.create(rec["id"], owner)
    book.flush(s)
    ids = {(r["community_id"], r["room_key"]): r["id"] for r in new_rooms}
    mandate_changes = mandates.apply(s, [(ids.get((communities[r.community], r.key))
                                          or existing[(communities[r.community], r.key)]["id"], r.mandate)
                                         for r in rows if r.mandate is not None])
    new_ids = set(ids.values())
    updated_ids = {e[2] for e in events}
    for rid, diff in mandate_changes.items():  # a changed mandate of an existing room is a change of that room
        if rid not in new_ids:
            events.append(("import.rooms.mandate", "room", rid, {"changes": diff}))
            if rid not in updated_ids:
                counts.updated += 1
                counts.unchanged -= 1
    counts.created = len(new_rooms)
    counts.extra = {"communities_created": len(new_communities), "buildings_created": len(new_buildings)}
    audit_events(s, actor, events)
    audit_summary(s, actor, counts)
    return counts


def _text(v: Any) -> str | None:
    return None if v is None else str(v)
