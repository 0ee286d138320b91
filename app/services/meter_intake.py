"""Readings taken at the counter (a docked handheld, `meter collect`, a typed reading): each
one validated (app.domain.reading_checks), then stored as valid or flagged, idempotently.

Nothing here raises for one bad reading: an unknown meter or an impossible value is
*rejected* with a reason (a message code) and the others go on — a meter reader's upload of
2,000 readings must not fail for one typo. Sending the same reading for (meter, period)
again changes nothing (a handheld resends after a broken transfer). A different value for a
reading still waiting for review (flagged or rejected) is a new revision — the re-read; for
a valid reading it is refused (a correction goes through review).

Every stored reading is a counter fact: an outbox event `meter_reading` (app.sync_events).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app import clock
from app.db.base import utcnow
from app.db.engine import fetch_raw
from app.db.models import Building, Community, Meter, MeterReading, Occupancy, Party, Room
from app.domain.periods import Period
from app.domain.reading_checks import HISTORY_MONTHS, Verdict, check_reading, history_usages
from app.errors import InputError, Msg
from app.ids import new_ids
from app.messages import render
from app.services import users
from app.services.outbox import emit_many

SOURCES = ("handheld", "meter", "manual", "swap", "review", "demo")
# Which permission each source of readings needs (app.services.users role matrix).
_PERMISSION = {"handheld": "handheld", "meter": "meter_read"}


@dataclass(frozen=True)
class ReadingIn:
    meter_no: str
    reading: Decimal
    read_at: date | None = None
    reader: str | None = None


@dataclass
class IntakeResult:
    received: int
    accepted: int
    flagged: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    unchanged: int = 0  # already stored with the same value (a resend)

    def as_json(self) -> dict:
        return {"received": self.received, "accepted": self.accepted, "flagged": self.flagged,
                "rejected": self.rejected, "unchanged": self.unchanged}


def _dec_text(d: Decimal) -> str:
    return format(d, "f")


def _entry(meter_no: str, reading: Any, usage: Decimal | None, code: str, params: dict) -> dict:
    return {"meter_no": meter_no, "reading": str(reading), "usage": None if usage is None else _dec_text(usage),
            "reason": code, "reason_text": render(Msg(code, params), "zh"),
            "reason_en": render(Msg(code, params), "en")}


def parse_period(text: str) -> Period | None:
    try:
        return Period.parse(text)
    except (TypeError, ValueError):
        return None


def occupied_rooms(s: Session, room_ids: list[str], period: Period) -> set[str]:
    """Rooms someone owns or rents during the period (vacant rooms legitimately use nothing)."""
    out: set[str] = set()
    first, last = period.first_day, period.last_day
    for i in range(0, len(room_ids), 900):
        q = select(Occupancy.room_id).where(
            Occupancy.room_id.in_(room_ids[i:i + 900]),
            or_(Occupancy.start_date.is_(None), Occupancy.start_date <= last),
            or_(Occupancy.end_date.is_(None), Occupancy.end_date >= first))
        out.update(s.scalars(q))
    return out


class Rd(NamedTuple):
    """A stored reading, as much as the checks need (tuples: an upload reads 100,000 of them)."""

    id: str
    meter_id: str
    period: str
    revision: int
    reading: Decimal
    status: str


_RD_COLS = (MeterReading.id, MeterReading.meter_id, MeterReading.period, MeterReading.revision, MeterReading.reading,
            MeterReading.status)


def _in_force(s: Session, meter_ids: list[str], *where: Any) -> dict[tuple[str, str], Rd]:
    """(meter id, period) -> the reading in force (highest revision) among those `where` picks.
    Read straight off the driver (fetch_raw): an upload of 10,000 readings reads ~100,000."""
    out: dict[tuple[str, str], Rd] = {}
    dec: dict[str, Decimal] = {}
    for i in range(0, len(meter_ids), 900):
        q = (select(*_RD_COLS).where(MeterReading.meter_id.in_(meter_ids[i:i + 900]), *where)
             .order_by(MeterReading.period, MeterReading.revision))
        for id_, mid, period, revision, reading, status in fetch_raw(s.connection(), q):
            value = dec.get(reading)
            if value is None:
                value = dec[reading] = Decimal(reading)
            out[(mid, period)] = Rd(id_, mid, period, int(revision), value, status)  # the highest revision wins
    return out


def readings_by_meter(s: Session, meter_ids: list[str], upto: str, months: int) -> dict[str, dict[str, Rd]]:
    """meter id -> {period: reading in force} for the `months` periods up to and including
    `upto`, rejected readings left out (they say nothing of the register)."""
    first = str(_months_back(Period.parse(upto), months - 1))
    out: dict[str, dict[str, Rd]] = defaultdict(dict)
    for (mid, p), r in _in_force(s, meter_ids, MeterReading.period >= first, MeterReading.period <= upto).items():
        if r.status != "rejected":
            out[mid][p] = r
    return out


def latest_before(s: Session, meter_ids: list[str], period: str) -> dict[str, Rd]:
    """meter id -> the latest non-rejected reading in force before `period`."""
    out: dict[str, Rd] = {}
    for (mid, _p), r in sorted(_in_force(s, meter_ids, MeterReading.period < period).items()):
        if r.status != "rejected":
            out[mid] = r
    return out


def _months_back(p: Period, n: int) -> Period:
    for _ in range(n):
        p = p.prev()
    return p


@dataclass
class MeterContext:
    """What a verdict on one meter's reading for a period needs to know."""

    meter: Meter
    previous: Decimal
    previous_period: str | None
    history: list[Decimal]
    occupied: bool


def contexts(s: Session, meters: list[Meter], period: Period) -> dict[str, MeterContext]:
    """Previous reading, recent monthly usages and occupancy of each meter, for `period`. A
    meter that replaced another inherits its predecessor's history (a swap keeps the room's
    usage pattern); its own previous reading is its initial value until it has readings."""
    if not meters:
        return {}
    p = str(period)
    ids = [m.id for m in meters]
    predecessor = {m.id: m.replaces_id for m in meters if m.replaces_id}
    hist_ids = ids + [x for x in predecessor.values() if x]
    # One read of everything before the period gives both the previous reading and the history.
    before = _in_force(s, hist_ids, MeterReading.period < p)
    first = str(_months_back(period, HISTORY_MONTHS + 1))
    prev: dict[str, Rd] = {}
    hist: dict[str, dict[str, Rd]] = defaultdict(dict)
    for (mid, q), r in sorted(before.items()):
        if r.status == "rejected":
            continue
        prev[mid] = r
        if q >= first:
            hist[mid][q] = r
    occ = occupied_rooms(s, sorted({m.room_id for m in meters if m.room_id}), period)
    out: dict[str, MeterContext] = {}
    for m in meters:
        last = prev.get(m.id)
        own = [(q, r.reading) for q, r in hist.get(m.id, {}).items()]
        usages = history_usages(own, m.digits)
        old = predecessor.get(m.id)
        if old and len(usages) < HISTORY_MONTHS:
            older = [(q, r.reading) for q, r in hist.get(old, {}).items()]
            usages = (history_usages(older, m.digits) + usages)[-HISTORY_MONTHS:]
        # A meter installed this period ran only part of it: zero usage proves nothing.
        fresh = m.installed_on is not None and m.installed_on >= period.first_day
        out[m.id] = MeterContext(m, last.reading if last else m.initial, last.period if last else None, usages,
                                 bool(m.room_id and m.room_id in occ) and not fresh)
    return out


def verdict_for(ctx: MeterContext, reading: Decimal) -> Verdict:
    m = ctx.meter
    return check_reading(meter=m.meter_no, current=reading, previous=ctx.previous, digits=m.digits,
                         multiplier=m.multiplier, history=ctx.history, occupied=ctx.occupied)


def _current(s: Session, meter_ids: list[str], period: str) -> dict[str, Rd]:
    return {mid: r for (mid, _p), r in _in_force(s, meter_ids, MeterReading.period == period).items()}


def _later(s: Session, meter_ids: list[str], period: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for i in range(0, len(meter_ids), 900):
        q = select(MeterReading.meter_id, MeterReading.period).where(
            MeterReading.meter_id.in_(meter_ids[i:i + 900]), MeterReading.period > period,
            MeterReading.status != "rejected")
        for mid, p in s.execute(q):
            out[mid] = max(p, out.get(mid, p))
    return out


def record_readings(s: Session, *, user: str, terminal: str, period: str, items: list[ReadingIn],
                    source: str) -> IntakeResult:
    """Validate and store readings for `period`; the caller commits. See the module doc."""
    users.require(s, user, _PERMISSION.get(source, "readings"))
    if source not in SOURCES:
        raise InputError("meters.bad_source", value=source, allowed=list(SOURCES))
    result = IntakeResult(received=len(items), accepted=0)
    per = parse_period(period) if isinstance(period, str) else None
    if per is None:
        result.rejected = [_entry(i.meter_no, i.reading, None, "meters.bad_period", {"value": period}) for i in items]
        return result
    p = str(per)
    nos = sorted({i.meter_no for i in items if isinstance(i.meter_no, str)})
    meters: dict[str, Meter] = {}
    for i in range(0, len(nos), 900):
        meters.update({m.meter_no: m for m in s.scalars(select(Meter).where(Meter.meter_no.in_(nos[i:i + 900])))})
    live = [m for m in meters.values() if m.active]
    ids = [m.id for m in live]
    current = _current(s, ids, p)
    later = _later(s, ids, p)
    seen: dict[str, Decimal] = {}
    todo: list[tuple[ReadingIn, Meter, Decimal, Rd | None]] = []
    new: list[dict[str, Any]] = []
    ids_ = new_ids(len(items))
    today, now = clock.today(), utcnow()

    def meter_readings(ids: list[str]) -> dict[str, dict]:
        from app.sync_payloads import meter_readings as build  # late: the payloads import the models

        return build(s, ids)

    for item in items:
        no = item.meter_no if isinstance(item.meter_no, str) else str(item.meter_no)
        try:
            value = item.reading if isinstance(item.reading, Decimal) else Decimal(str(item.reading))
            if not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            result.rejected.append(_entry(no, item.reading, None, "meters.reading_not_number",
                                          {"meter": no, "reading": str(item.reading)}))
            continue
        m = meters.get(no)
        if m is None:
            result.rejected.append(_entry(no, value, None, "meters.unknown_meter", {"meter": no}))
            continue
        if not m.active:
            result.rejected.append(_entry(no, value, None, "meters.meter_inactive", {"meter": no}))
            continue
        if no in seen:
            if seen[no] == value:
                result.unchanged += 1
            else:
                result.rejected.append(_entry(no, value, None, "meters.duplicate_in_batch", {"meter": no}))
            continue
        seen[no] = value
        if m.id in later:
            result.rejected.append(_entry(no, value, None, "meters.before_last",
                                          {"meter": no, "later": later[m.id], "period": p}))
            continue
        old = current.get(m.id)
        if old is not None and old.reading == value:
            result.unchanged += 1  # a resend: the reading is already there (whatever its status)
            continue
        if old is not None and old.status == "valid":
            result.rejected.append(_entry(no, value, None, "meters.reading_differs",
                                          {"meter": no, "period": p, "stored": _dec_text(old.reading),
                                           "reading": _dec_text(value)}))
            continue
        todo.append((item, m, value, old))
    # Verdicts need each meter's history: read only for the readings that are new (a resend
    # of a whole upload reads none).
    ctx = contexts(s, [m for _, m, _, _ in todo], per)
    for item, m, value, old in todo:
        no = m.meter_no
        v = verdict_for(ctx[m.id], value)
        if v.status == "rejected":
            result.rejected.append(_entry(no, value, None, v.reason or "", v.params))
            continue
        new.append({"id": ids_[len(new)], "meter_id": m.id, "period": p, "revision": (old.revision + 1) if old else 0,
                    "reading": value, "read_at": item.read_at or today, "reader": item.reader or user,
                    "source": source, "status": v.status, "rollover": v.rollover,
                    "corrects_id": old.id if old else None, "reason": v.reason, "created_by": user,
                    "created_at": now})
        if v.status == "flagged":
            result.flagged.append(_entry(no, value, v.usage, v.reason or "", v.params))
        else:
            result.accepted += 1
    if new:
        # One insert and one block of outbox events for the whole batch (10,000 readings of a
        # handheld upload); the payloads are read back from the rows, as every builder does.
        s.execute(MeterReading.__table__.insert(), new)
        payloads = meter_readings([r["id"] for r in new])
        emit_many(s, "meter_reading", [(r["id"], payloads[r["id"]]) for r in new])
    return result


def _scope(s: Session, community: str | None, building: str | None):  # type: ignore[no-untyped-def]
    """A filter on Meter for a community (name or code) and a building (name) in it."""
    conds = [Meter.active.is_(True)]
    comm_id = None
    if community:
        comm_id = s.scalar(select(Community.id).where(or_(Community.name == community, Community.code == community)))
        if comm_id is None:
            raise InputError("meters.unknown_community", name=community)
        conds.append(Meter.community_id == comm_id)
    if building:
        bq = select(Building.id).where(Building.name == building)
        if comm_id:
            bq = bq.where(Building.community_id == comm_id)
        b_ids = list(s.scalars(bq))
        if not b_ids:
            raise InputError("meters.unknown_building", name=building)
        conds.append(Meter.room_id.in_(select(Room.id).where(Room.building_id.in_(b_ids))))
    return and_(*conds)


def meters_in_scope(s: Session, community: str | None = None, building: str | None = None) -> list[Meter]:
    return list(s.scalars(select(Meter).where(_scope(s, community, building)).order_by(Meter.meter_no)))


def route(s: Session, *, period: str, community: str | None = None, building: str | None = None) -> list[dict]:
    """The meters to read for `period`, in walking order (room key, then meter number): meter_no,
    room (key), owner, kind, digits, last_reading (text), last_period, address, protocol."""
    per = parse_period(period) if isinstance(period, str) else None
    if per is None:
        raise InputError("meters.bad_period", value=period)
    meters = meters_in_scope(s, community, building)
    ids = [m.id for m in meters]
    last = latest_before(s, ids, str(per))
    room_ids = sorted({m.room_id for m in meters if m.room_id})
    keys: dict[str, str] = {}
    owners: dict[str, str] = {}
    first, end = per.first_day, per.last_day
    for i in range(0, len(room_ids), 900):
        chunk = room_ids[i:i + 900]
        keys.update({rid: key for rid, key in s.execute(select(Room.id, Room.room_key).where(Room.id.in_(chunk)))})
        q = (select(Occupancy.room_id, Party.name).join(Party, Party.id == Occupancy.party_id)
             .where(Occupancy.room_id.in_(chunk), Occupancy.role == "owner",
                    or_(Occupancy.start_date.is_(None), Occupancy.start_date <= end),
                    or_(Occupancy.end_date.is_(None), Occupancy.end_date >= first)))
        for rid, name in s.execute(q):
            owners.setdefault(rid, name)
    out = []
    for m in meters:
        r = last.get(m.id)
        out.append({"meter_no": m.meter_no, "room": keys.get(m.room_id or "", ""), "owner": owners.get(m.room_id or "", ""),
                    "kind": m.kind, "digits": m.digits,
                    "last_reading": _dec_text(r.reading if r else m.initial), "last_period": r.period if r else None,
                    "address": m.address, "protocol": m.protocol})
    out.sort(key=lambda d: (d["room"], d["meter_no"]))
    return out
