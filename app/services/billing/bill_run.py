"""The monthly bill run (出账): compute every missing bill line of a period, then write
them, their ledger transaction and the run's record in one unit of work.

Idempotent by construction: a charge's id is stable_id(room, fee item, period); a line whose
id exists is left as it is and counted in `skipped_existing`. A dry run goes through the
same computation and stops before writing, so it shows exactly what a real run creates.
Missing or flagged readings are reported and those rooms are not billed — never guessed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, DateTime, column, select, table
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import BillLine, BillRun, Building, Room
from app.domain.charges import LineCalc, apportioned_shares, area_charge, fixed_charge, parking_charge, usage_charge
from app.domain.periods import Period, due_date
from app.errors import InputError, NotFound
from app.ids import new_id, stable_id
from app.services import audit, ledger
from app.services.billing.readings import PeriodUsage, load_meters, period_usage
from app.services.billing.tariffs import PricedItem, communities, priced_items


@dataclass(frozen=True)
class RoomRow:
    id: str
    community_id: str
    building: str
    room_key: str
    area: Decimal
    usage: str
    charge_start: date | None


@dataclass(frozen=True)
class NewLine:
    id: str
    room_id: str
    fee_item_id: str
    fee_code: str
    amount_fen: int
    quantity: Decimal | None
    detail_json: str
    due_date: date
    tariff_version_id: str


def parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except (ValueError, TypeError) as e:
        raise InputError(f"--period: {e}") from None


def _dumps(detail: dict) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load_rooms(s: Session, community_ids: list[str]) -> list[RoomRow]:
    q = (select(Room.id, Room.community_id, Building.name, Room.room_key, Room.area, Room.usage, Room.charge_start)
         .join(Building, Building.id == Room.building_id).where(Room.community_id.in_(community_ids))
         .order_by(Room.room_key))
    return [RoomRow(*r) for r in s.execute(q)]


class _Computation:
    """Everything one run needs, loaded once, and the lines it computes."""

    def __init__(self, s: Session, period: Period, community: str | None) -> None:
        self.s, self.period = s, period
        comms = communities(s, community)
        if community and not comms:
            raise NotFound(f"community {community!r} does not exist")
        self.community_ids = [c.id for c in comms]
        self.items, self.problems = priced_items(s, period, self.community_ids)
        self.existing = set(s.scalars(select(BillLine.id).where(BillLine.period == str(period))))
        self.rooms = load_rooms(s, self.community_ids)
        self.rooms_by_comm: dict[str, list[RoomRow]] = defaultdict(list)
        for r in self.rooms:
            self.rooms_by_comm[r.community_id].append(r)
        self._usage: PeriodUsage | None = None
        self.lines: list[NewLine] = []
        self.skipped = 0
        self.missing: list[dict] = []

    @property
    def usage(self) -> PeriodUsage:
        if self._usage is None:
            self.meters = load_meters(self.s, self.community_ids)
            self._usage = period_usage(self.s, self.period, self.meters)
            self.meters_by_room: dict[tuple[str, str], list] = defaultdict(list)
            for m in self.meters:
                if m.room_id:
                    self.meters_by_room[(m.room_id, m.kind)].append(m)
        return self._usage

    def run(self) -> None:
        for pi in self.items:
            in_scope = [r for r in self.rooms_by_comm[pi.item.community_id] if r.usage in pi.item.usages]
            basis = pi.item.basis
            if basis in ("area", "fixed", "parking"):
                self._monthly(pi, in_scope)
            elif basis == "usage":
                self._metered(pi, in_scope)
            elif basis == "apportioned":
                self._apportioned(pi, in_scope)

    def _add(self, pi: PricedItem, room_id: str, lid: str, calc: LineCalc, detail_json: str) -> None:
        self.lines.append(NewLine(lid, room_id, pi.id, pi.item.code, calc.amount_fen, calc.quantity, detail_json,
                                  due_date(self.period, pi.item.due_day), pi.version.id))

    def _monthly(self, pi: PricedItem, rooms: list[RoomRow]) -> None:
        if pi.unit_price is None:
            self.problems.append({"fee_code": pi.item.code, "reason": "no unit_price"})
            return
        fn = {"area": area_charge, "fixed": fixed_charge, "parking": parking_charge}[pi.item.basis]
        # Many rooms share an area and nearly all pay a full month: compute and serialise each
        # distinct (quantity, fraction) once.
        cache: dict[tuple, tuple[LineCalc | None, str]] = {}
        full_month = self.period.first_day
        for r in rooms:
            lid = stable_id(r.id, pi.id, self.period)
            if lid in self.existing:
                self.skipped += 1
                continue
            start = r.charge_start if r.charge_start is not None and r.charge_start > full_month else None
            key = (r.area if pi.item.basis == "area" else None, start,
                   r.charge_start is not None and r.charge_start > self.period.last_day)
            hit = cache.get(key)
            if hit is None:
                if key[2]:
                    calc = None
                elif pi.item.basis == "area":
                    calc = fn(r.area, pi.unit_price, self.period, start, pi.item.rounding)
                else:
                    calc = fn(pi.unit_price, self.period, start, pi.item.rounding)
                hit = cache[key] = (calc, _dumps(calc.detail) if calc else "")
            if hit[0] is not None:
                self._add(pi, r.id, lid, hit[0], hit[1])

    def _metered(self, pi: PricedItem, rooms: list[RoomRow]) -> None:
        usage = self.usage
        kind = pi.item.meter_kind
        before = self._billed_before(pi) if pi.tiers and pi.item.tier_period == "year" else {}
        for r in rooms:
            meters = self.meters_by_room.get((r.id, kind), [])
            if not meters:
                continue
            lid = stable_id(r.id, pi.id, self.period)
            if lid in self.existing:
                self.skipped += 1
                continue
            found = [usage.usages[m.id] for m in meters if m.id in usage.usages]
            lacking = [m for m in meters if m.id in usage.missing or m.id in usage.problems]
            if lacking:
                for m in lacking:
                    self.missing.append({"room": r.room_key, "meter_no": m.meter_no, "fee_code": pi.item.code,
                                         "reason": usage.problems.get(m.id, f"no reading for {self.period}")})
                continue
            if not found:
                continue
            total = sum((u.usage for u in found), Decimal(0))
            calc = usage_charge(total, pi.unit_price if not pi.tiers else None, pi.tiers,
                                before.get(r.id, Decimal(0)), pi.item.rounding, pi.item.tier_period if pi.tiers else None)
            detail = {**calc.detail, "meters": [u.detail() for u in found]}
            self._add(pi, r.id, lid, calc, _dumps(detail))

    def _billed_before(self, pi: PricedItem) -> dict[str, Decimal]:
        """Usage already billed for this fee item earlier in the same calendar year, per room
        (charges and their corrections)."""
        first = f"{self.period.year:04d}-01"
        out: dict[str, Decimal] = defaultdict(Decimal)
        q = select(BillLine.room_id, BillLine.quantity).where(
            BillLine.fee_item_id == pi.id, BillLine.period >= first, BillLine.period < str(self.period),
            BillLine.quantity.is_not(None))
        for room_id, qty in self.s.execute(q):
            out[room_id] += qty
        return out

    def _apportioned(self, pi: PricedItem, rooms: list[RoomRow]) -> None:
        cfg = pi.item.apportion or {}
        meter = next((m for m in self._all_meters() if m.meter_no == cfg.get("meter_no")), None)
        if meter is None:
            self.problems.append({"fee_code": pi.item.code, "reason": f"public meter {cfg.get('meter_no')!r} not found"})
            return
        u = self.usage.usages.get(meter.id)
        if u is None:
            self.missing.append({"room": None, "meter_no": meter.meter_no, "fee_code": pi.item.code,
                                 "reason": self.usage.problems.get(meter.id, f"no reading for {self.period}")})
            return
        scope = cfg.get("scope", "community")
        last = self.period.last_day
        sharing = [r for r in rooms if (r.charge_start is None or r.charge_start <= last)
                   and (scope == "community" or r.building == scope)]
        if not sharing:
            self.problems.append({"fee_code": pi.item.code, "reason": f"no handed-over room in scope {scope!r}"})
            return
        if pi.unit_price is None:
            self.problems.append({"fee_code": pi.item.code, "reason": "no unit_price"})
            return
        _total, shares = apportioned_shares(u.usage, pi.unit_price, [(r.room_key, r.area) for r in sharing],
                                            cfg.get("by", "area"), pi.item.rounding)
        meter_detail = u.detail()
        for r in sharing:
            lid = stable_id(r.id, pi.id, self.period)
            if lid in self.existing:
                self.skipped += 1
                continue
            calc = shares[r.room_key]
            self._add(pi, r.id, lid, calc, _dumps({**calc.detail, "scope": scope, "meter": meter_detail}))

    def _all_meters(self) -> list:
        _ = self.usage
        return self.meters


_BULK_LINES = table(
    "bill_line", column("id"), column("room_id"), column("fee_item_id"), column("period"), column("kind"),
    column("amount_fen"), column("detail"), column("quantity"), column("due_date", Date()),
    column("tariff_version_id"), column("bill_run_id"), column("created_by"), column("created_at", DateTime()))


def bill_run(s: Session, period_text: str, *, community: str | None = None, dry_run: bool = False,
             user: str | None = None, terminal: str | None = None) -> dict:
    period = parse_period(period_text)
    comp = _Computation(s, period, community)
    comp.run()
    lines = comp.lines
    total = sum(line.amount_fen for line in lines)
    by_item: dict[str, dict] = {}
    for line in lines:
        agg = by_item.setdefault(line.fee_code, {"lines": 0, "total_fen": 0})
        agg["lines"] += 1
        agg["total_fen"] += line.amount_fen
    result = {"period": str(period), "lines": len(lines), "total_fen": total, "skipped_existing": comp.skipped,
              "dry_run": dry_run, "by_fee_item": by_item, "missing_readings": len(comp.missing),
              "missing": comp.missing[:200], "problems": comp.problems}
    if dry_run:
        result["preview"] = [{"room_id": x.room_id, "fee_code": x.fee_code, "amount_fen": x.amount_fen,
                              "detail": json.loads(x.detail_json)} for x in lines[:20]]
        return result
    run_id = new_id()
    s.add(BillRun(id=run_id, period=str(period), community_id=comp.community_ids[0] if community else None,
                  lines=len(lines), total_fen=total, skipped_existing=comp.skipped,
                  report={"missing": comp.missing[:200], "problems": comp.problems}, created_by=user))
    s.flush()
    if lines:
        now = utcnow().replace(tzinfo=None)
        p = str(period)
        rows = [{"id": x.id, "room_id": x.room_id, "fee_item_id": x.fee_item_id, "period": p, "kind": "charge",
                 "amount_fen": x.amount_fen, "detail": x.detail_json,
                 "quantity": None if x.quantity is None else format(x.quantity, "f"), "due_date": x.due_date,
                 "tariff_version_id": x.tariff_version_id, "bill_run_id": run_id, "created_by": user,
                 "created_at": now} for x in lines]
        for i in range(0, len(rows), 20000):
            s.execute(_BULK_LINES.insert(), rows[i:i + 20000])
        post_bill_lines(s, [(x.room_id, x.fee_item_id, x.amount_fen) for x in lines], ref_type="bill_run",
                        ref_id=run_id, memo=f"出账 {period}", user=user, terminal=terminal)
    audit.record(s, "bill_run", user=user, terminal=terminal, entity="bill_run", entity_id=run_id,
                 detail={"period": str(period), "lines": len(lines), "total_fen": total})
    result["bill_run_id"] = run_id
    return result


def post_bill_lines(s: Session, lines: list[tuple[str, str, int]], **kw) -> str | None:  # type: ignore[no-untyped-def]
    """One balanced ledger transaction for new receivables: Dr each room's AR, Cr each fee
    item's income (a credit delta reverses the direction by its sign)."""
    entries: dict[str, int] = defaultdict(int)
    for room_id, fee_item_id, amount in lines:
        entries[ledger.room_account("AR", room_id)] += amount
        entries[f"INC:{fee_item_id}"] -= amount
    if not any(entries.values()):
        return None
    return ledger.post(s, "bill", entries.items(), **kw)
