"""Meters import, keyed by meter number.

A re-import updates changed fields with an audit event per meter. What gives recorded
readings their meaning (kind, digits, initial) cannot change once a meter has readings:
that is a meter replacement (换表), a separate feature, and the import says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Community, Meter, MeterReading, Room
from app.services.imports.common import (
    Actor, Collector, Counts, Event, audit_events, audit_summary, bulk_insert, bulk_update, chunks, duplicate)
from app.errors import Msg
from app.services.imports.fields import (
    MAX_MULTIPLIER, METER_KINDS, parse_choice, parse_decimal, parse_int, parse_text)
from app.services.imports.reader import Column, Table

COLUMNS = [
    Column("meter_no", "表号", required=True),
    Column("kind", "表类型", required=True),
    Column("room", "房号"),
    Column("community", "小区", required=True),
    Column("multiplier", "倍率"),
    Column("digits", "位数"),
    Column("initial", "初始读数"),
    Column("address", "通讯地址"),  # issue 13: read over RS-485 (meter collect)
    Column("protocol", "协议"),
]
PROTOCOLS = {"dlt645": "dlt645", "dl/t645": "dlt645", "dl/t 645": "dlt645", "645": "dlt645",
             "cjt188": "cjt188", "cj/t188": "cjt188", "cj/t 188": "cjt188", "188": "cjt188"}
ADDRESS_DIGITS = {"dlt645": 12, "cjt188": 14}
DEFAULTS = {"multiplier": Decimal(1), "digits": 8, "initial": Decimal(0)}
FROZEN_ONCE_READ = ("kind", "digits", "initial")


@dataclass
class MeterRow:
    row: int
    meter_no: str
    kind: str
    community: str
    room: str | None  # room key; None: a public meter (公表)
    room_given: bool  # False: no room column at all, so an existing meter keeps its room
    # None = the cell was empty: a new meter takes the default, an existing one keeps its value.
    multiplier: Decimal | None
    digits: int | None
    initial: Decimal | None
    address: str | None = None  # None: keep (an existing meter) / no address (a new one)
    protocol: str | None = None


def parse_address(text: str) -> str:
    """A meter's communication address: digits only, at most 14 (CJ/T 188; DL/T 645 uses 12)."""
    from app.services.imports.fields import FieldError, half_width, shown

    a = half_width(text).strip().replace(" ", "")
    if not a.isascii() or not a.isdigit() or len(a) > 14:
        raise FieldError("meters.import_bad_address", value=shown(text))
    return a


def validate(table: Table, c: Collector) -> list[MeterRow]:
    out: list[MeterRow] = []
    seen: dict[str, int] = {}
    for row, v in table.rows:
        before = len(c.problems)
        meter_no = c.value(row, "meter_no", v["meter_no"], parse_text, required=True, size_of=Meter.meter_no, key=True)
        kind = c.value(row, "kind", v["kind"], parse_choice, required=True, choices=METER_KINDS)
        community = c.value(row, "community", v["community"], parse_text, required=True, size_of=Community.name)
        room = c.value(row, "room", v.get("room", ""), parse_text, size_of=Room.room_key, key=True)
        multiplier = c.value(row, "multiplier", v.get("multiplier", ""), parse_decimal, max_decimals=4,
                             positive=True, max_value=MAX_MULTIPLIER)
        digits = c.value(row, "digits", v.get("digits", ""), parse_int, low=1, high=12)
        initial = c.value(row, "initial", v.get("initial", ""), parse_decimal, max_decimals=4)
        address = c.value(row, "address", v.get("address", ""), parse_address) or None
        protocol = c.value(row, "protocol", v.get("protocol", ""), parse_choice, choices=PROTOCOLS) or None
        if address and protocol and len(address) > ADDRESS_DIGITS[protocol]:
            c.add(row, "address", "meters.import_address_too_long", value=address, protocol=protocol,
                  digits=ADDRESS_DIGITS[protocol])
        if meter_no and duplicate(seen, meter_no, row, Msg.of("import.what_meter", meter=meter_no), c, "meter_no"):
            continue
        if len(c.problems) == before:
            out.append(MeterRow(row, meter_no or "", kind or "", community or "", room, "room" in table.columns,
                                multiplier, digits, initial, address, protocol))
    return out


def apply(s: Session, rows: list[MeterRow], c: Collector, actor: Actor) -> Counts:
    communities = {name: id_ for id_, name in s.execute(select(Community.id, Community.name))}
    community_ids = sorted({communities[r.community] for r in rows if r.community in communities})
    rooms = {(cid, key): id_ for id_, cid, key in s.execute(
        select(Room.id, Room.community_id, Room.room_key).where(Room.community_id.in_(community_ids)))}
    existing = {m.meter_no: m for m in s.execute(
        select(Meter.id, Meter.meter_no, Meter.community_id, Meter.room_id, Meter.kind, Meter.multiplier,
               Meter.digits, Meter.initial, Meter.address, Meter.protocol))}

    planned: list[tuple[MeterRow, dict[str, Any]]] = []
    for r in rows:
        cid = communities.get(r.community)
        if cid is None:
            c.add(r.row, "community", "import.unknown_community", community=r.community)
            continue
        room_id = None
        if r.room is not None:
            room_id = rooms.get((cid, r.room))
            if room_id is None:
                c.add(r.row, "room", "import.unknown_room", room=r.room, community=r.community)
                continue
        old = existing.get(r.meter_no)
        want = {"community_id": cid, "room_id": room_id, "kind": r.kind, "multiplier": r.multiplier,
                "digits": r.digits, "initial": r.initial, "address": r.address, "protocol": r.protocol}
        digits = r.digits or (old.digits if old else DEFAULTS["digits"])
        initial = r.initial if r.initial is not None else (old.initial if old else DEFAULTS["initial"])
        if initial >= Decimal(10) ** digits:
            c.add(r.row, "initial", "import.initial_too_big", initial=str(initial), digits=digits)
            continue
        planned.append((r, want))

    # Which meters already have readings, asked only for the ones whose frozen fields change.
    touching = [existing[r.meter_no].id for r, want in planned if r.meter_no in existing and any(
        want[k] is not None and want[k] != getattr(existing[r.meter_no], k) for k in FROZEN_ONCE_READ)]
    has_readings: set[str] = set()
    for chunk in chunks(touching):
        has_readings.update(s.scalars(select(MeterReading.meter_id).where(MeterReading.meter_id.in_(chunk)).distinct()))

    counts = Counts("meters", len(rows))
    new_meters: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    events: list[Event] = []
    for r, want in planned:
        old = existing.get(r.meter_no)
        if old is None:
            new_meters.append({"meter_no": r.meter_no, "active": True, "installed_on": None, "replaces_id": None,
                               **{k: (DEFAULTS[k] if v is None else v) for k, v in want.items() if k in DEFAULTS},
                               **{k: v for k, v in want.items() if k not in DEFAULTS}})
            continue
        changed = {k: v for k, v in want.items()
                   if (v is not None or (k == "room_id" and r.room_given)) and v != getattr(old, k)}
        frozen = [k for k in FROZEN_ONCE_READ if k in changed]
        if frozen and old.id in has_readings:
            c.add(r.row, frozen[0], "import.meter_has_readings", meter=r.meter_no,
                  fields=[c.headers.get(k, k) for k in frozen])
            continue
        if changed:
            updates.append({"id": old.id, **changed})
            counts.updated += 1
            events.append(("import.meters.update", "meter", old.id, {"meter_no": r.meter_no, "changes": {
                k: [_text(getattr(old, k)), _text(v)] for k, v in changed.items()}}))
        else:
            counts.unchanged += 1
    # Problems found against the database stop everything before the first write.
    c.raise_if_any("meters")
    bulk_update(s, Meter, updates)
    bulk_insert(s, Meter, new_meters)
    counts.created = len(new_meters)
    audit_events(s, actor, events)
    audit_summary(s, actor, counts)
    return counts


def _text(v: Any) -> Any:
    return v if v is None or isinstance(v, (int, str)) else str(v)
