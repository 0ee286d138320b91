"""The monthly bill run (出账): compute every missing bill line of a period, then write
them in short transactions, one chunk of rooms at a time.

Idempotent by construction: a charge's id is stable_id(room, fee item, period); a line whose
id exists is left as it is and counted in `skipped_existing`. A dry run goes through the
same computation and stops before writing, so it shows exactly what a real run creates.
Missing or flagged readings are reported and those rooms are not billed — never guessed.

Counters keep taking money during a run (docs/billing.md, "Counters during a bill run"):
the inputs are read in one read-only snapshot, the lines computed with no transaction
open, and then each chunk of rooms — its lines, their ledger postings and the prepaid
deductions of those rooms — is one short transaction. A run interrupted half-way leaves
whole rooms only; running it again writes exactly the rest.

The loops below run once per room and fee item (500,000 times for a 100,000-room run), so
they read plain attributes, memoise pure computations and write with the driver's
executemany; docs/billing.md has the measured figures.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.db.engine import READ_ONLY, fetch_raw
from app.central.changes import record_change
from app.db.models import BillLine, BillRun, Building, Room
from app.domain.charges import area_charge, split_public_meter, fixed_charge, parking_charge, usage_charge
from app.domain.periods import Period, due_date
from app.errors import Conflict, InputError, Msg, NotFound
from app.ids import new_id
from app.services import audit, ledger, users
from app.services.cashier.deduction import deduct_prepaid, deduction_communities
from app.services.cashier.payments import Counter
from app.services.billing.line_ids import line_id_maker
from app.services.billing.tiered_lines import TieredLines
from app.services.billing.readings import MeterRow, MeterUsage, PeriodUsage, load_meters, period_usage
from app.services.billing.tariffs import PricedItem, communities, priced_items
from app.services.sync.standalone import require_standalone

# Rooms per write transaction: 4,000 rooms × 5 fee items is 20,000 lines, about 0.4 s of
# writing on the 2-core reference machine, so a counter never waits much longer than that.
# (Also below the 5,000 account codes where ledger.ensure_accounts switches to a full scan.)
CHUNK_ROOMS = 4000
# SQLite has no queue for its write lock: a run that began its next chunk the moment it
# committed could beat a waiting counter every time. Waiters try every 2 ms
# (app.db.engine.BEGIN_POLL_S); pausing this long between chunks lets them all in first,
# with room for a busy machine's scheduling delays.
SQLITE_YIELD_S = 0.05


class RoomRow(NamedTuple):
    id: str
    community_id: str
    building: str
    room_key: str
    area: Decimal
    usage: str
    charge_start: date | None


class _Item:
    """A fee item with its price, as plain attributes for the hot loops."""

    def __init__(self, pi: PricedItem, period: Period) -> None:
        it = pi.item
        self.id, self.code, self.basis, self.community_id = it.id, it.code, it.basis, it.community_id
        self.usages = set(it.usages or [])
        self.rounding, self.meter_kind, self.tier_period = it.rounding, it.meter_kind, it.tier_period
        self.apportion = it.apportion or {}
        self.unit_price, self.tiers, self.version_id = pi.unit_price, pi.tiers, pi.version.id
        self.due = due_date(period, it.due_day)


def parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except (ValueError, TypeError):
        raise InputError("input.bad_period", field=Msg.of("billing.field.period"), value=text) from None


def _dumps(detail: dict) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load_rooms(s: Session, community_ids: list[str]) -> list[RoomRow]:
    """The rooms, read raw (100,000 rows): areas from their stored text, each distinct text
    (and handover date) made into a Decimal (a date) once."""
    r, b = Room.__table__.c, Building.__table__.c
    q = (select(r.id, r.community_id, b.name, r.room_key, r.area, r.usage, r.charge_start)
         .join(Building.__table__, b.id == r.building_id).where(r.community_id.in_(community_ids))
         .order_by(r.room_key, r.id))
    areas: dict[str, Decimal] = {}
    days: dict[object, date | None] = {None: None}
    out = []
    for id_, comm, building, key, area, usage, start in fetch_raw(s.connection(), q):
        a = areas.get(area)
        if a is None:
            a = areas[area] = Decimal(area)
        d = days.get(start, days)
        if d is days:
            d = days[start] = start if isinstance(start, date) else date.fromisoformat(start)
        out.append(RoomRow(id_, comm, building, key, a, usage, d))  # type: ignore[arg-type]
    return out


# A computed line in the old, reading-friendly layout (corrections use it): (id, room_id,
# fee_item_id, fee_code, amount_fen, quantity text, detail JSON, due date, tariff version id).
Line = tuple[str, str, str, str, int, "str | None", str, date, str]
# A computed line as it is written: bill_line's columns in _LINE_COLUMNS order but the last
# (created_at, stamped per chunk in the INSERT itself), in storage form — a tuple, because
# there are hundreds of thousands of them and the driver's executemany takes them as they are.
Row = tuple
R_ID, R_ROOM, R_FEE, R_AMOUNT, R_DETAIL, R_QTY, R_DUE, R_TARIFF = 0, 1, 2, 5, 6, 7, 8, 9


class _Computation:
    """Everything one run needs, loaded once, and the lines it computes."""

    def __init__(self, s: Session, period: Period, community: str | None, *, run_id: str | None = None,
                 user: str | None = None) -> None:
        self.s, self.period, self.p = s, period, str(period)
        self.run_id, self.user = run_id, user
        self.sqlite = s.get_bind().dialect.name == "sqlite"
        comms = communities(s, community)
        if community and not comms:
            raise NotFound("billing.no_community", community=community)
        self.community_ids = [c.id for c in comms]
        priced, self.problems = priced_items(s, period, self.community_ids)
        self.items = [_Item(pi, period) for pi in priced]
        bl = BillLine.__table__.c
        self.existing = set(s.connection().execute(select(bl.id).where(bl.period == self.p)).scalars())
        self.rooms = load_rooms(s, self.community_ids)
        self.rooms_by_comm: dict[str, list[RoomRow]] = defaultdict(list)
        for r in self.rooms:
            self.rooms_by_comm[r.community_id].append(r)
        self._usage: PeriodUsage | None = None
        self._by_kind: dict[str, dict[str, list[MeterRow]]] | None = None
        self._before: dict[str, dict[str, Decimal]] = {}
        self.rows: list[Row] = []
        self.by_item: dict[str, dict] = {}  # fee code -> {"lines", "total_fen"}
        self.skipped = 0
        self.missing: list[dict] = []

    @property
    def usage(self) -> PeriodUsage:
        if self._usage is None:
            self.meters = load_meters(self.s, self.community_ids)
            self._usage = period_usage(self.s, self.period, self.meters)
        return self._usage

    def load(self) -> None:
        """Read now everything `run` would read on demand, so the computation itself needs
        no transaction (the bill run computes with the database free for the counters)."""
        if any(it.basis in ("usage", "apportioned") for it in self.items):
            _ = self.usage
        for it in self.items:
            if it.basis == "usage" and it.tiers and it.tier_period == "year":
                self._billed_before(it)

    def run(self) -> None:
        for it in self.items:
            in_scope = [r for r in self.rooms_by_comm[it.community_id] if r.usage in it.usages]
            before = len(self.rows)
            if it.basis in ("area", "fixed", "parking"):
                self._monthly(it, in_scope)
            elif it.basis == "usage":
                self._metered(it, in_scope)
            elif it.basis == "apportioned":
                self._apportioned(it, in_scope)
            new = self.rows[before:]
            if new:
                agg = self.by_item.setdefault(it.code, {"lines": 0, "total_fen": 0})
                agg["lines"] += len(new)
                agg["total_fen"] += sum([x[R_AMOUNT] for x in new])

    @property
    def lines(self) -> list[Line]:
        """The computed lines in the Line layout (for corrections: a few fee items' lines)."""
        return self.as_lines(self.rows)

    def as_lines(self, rows: list[Row]) -> list[Line]:
        codes = {it.id: it.code for it in self.items}
        return [(x[R_ID], x[R_ROOM], x[R_FEE], codes[x[R_FEE]], x[R_AMOUNT], x[R_QTY], x[R_DETAIL],
                 x[R_DUE] if isinstance(x[R_DUE], date) else date.fromisoformat(x[R_DUE]), x[R_TARIFF])
                for x in rows]

    def _new(self, it: _Item, rooms: list[RoomRow]) -> list[tuple[RoomRow, str]]:
        """Rooms that do not have this line yet, with the line's id."""
        out, existing, line_id = [], self.existing, line_id_maker(it.id, self.p)
        append = out.append
        for r in rooms:
            lid = line_id(r.id)
            if lid in existing:
                self.skipped += 1
            else:
                append((r, lid))
        return out

    def _constants(self, it: _Item) -> tuple:
        """What every line of a fee item has in common: (fee item, period, kind), then (due
        date in storage form, tariff version, run, user)."""
        due = it.due.isoformat() if self.sqlite else it.due
        return it.id, self.p, due, it.version_id, self.run_id, self.user

    def _monthly(self, it: _Item, rooms: list[RoomRow]) -> None:
        if it.unit_price is None:
            self.problems.append({"fee_code": it.code, "reason": "no unit_price"})
            return
        # Nearly every room pays a full month and many share an area: compute and serialise
        # each distinct (area, proration) once.
        cache: dict[tuple, tuple[int, str | None, str] | None] = {}
        first, last, by_area = self.period.first_day, self.period.last_day, it.basis == "area"
        append = self.rows.append
        fid, p, due, tv, run, user = self._constants(it)
        for r, lid in self._new(it, rooms):
            cs = r.charge_start
            start = cs if cs is not None and cs > first else None
            key = (r.area if by_area else None, start)
            hit = cache.get(key, cache)
            if hit is cache:
                if start is not None and start > last:
                    hit = None  # not handed over yet: pays nothing
                else:
                    calc = (area_charge(r.area, it.unit_price, self.period, start, it.rounding) if by_area else
                            {"fixed": fixed_charge, "parking": parking_charge}[it.basis](
                                it.unit_price, self.period, start, it.rounding))
                    assert calc is not None
                    q = None if calc.quantity is None else format(calc.quantity, "f")
                    hit = (calc.amount_fen, q, _dumps(calc.detail))
                cache[key] = hit
            if hit is not None:
                append((lid, r.id, fid, p, "charge", hit[0], hit[2], hit[1], due, tv, run, user))

    def _metered(self, it: _Item, rooms: list[RoomRow]) -> None:
        usage = self.usage
        kind = it.meter_kind
        before = self._billed_before(it) if it.tiers and it.tier_period == "year" else {}
        memo: dict[tuple[Decimal, Decimal], tuple[int, str, str]] = {}
        zero = Decimal(0)
        price = it.unit_price if not it.tiers else None
        tier_period = it.tier_period if it.tiers else None
        append = self.rows.append
        fid, p, due, tv, run, user = self._constants(it)
        by_room = self._meters_by_room(kind)
        tiered = TieredLines(it.tiers, it.rounding, tier_period) if it.tiers else None
        uget, missing = usage.get, self.missing
        for r, lid in self._new(it, rooms):
            meters = by_room.get(r.id)
            if not meters:
                continue
            if len(meters) == 1:  # nearly every room: one meter of a kind
                m = meters[0]
                u = uget(m.id)
                if u.__class__ is not MeterUsage:
                    if u is not None:
                        missing.append({"room": r.room_key, "meter_no": m.meter_no, "fee_code": it.code, "reason": u,
                                        "flagged": usage.is_flagged(m.id)})
                    continue
                total = u.usage
                meters_json = u.detail_json()
            else:
                found: list[MeterUsage] = []
                lacking = False
                for m in meters:
                    u = uget(m.id)
                    if isinstance(u, MeterUsage):
                        found.append(u)
                    elif u is not None:
                        lacking = True
                        missing.append({"room": r.room_key, "meter_no": m.meter_no, "fee_code": it.code,
                                        "reason": u, "flagged": usage.is_flagged(m.id)})
                if lacking or not found:
                    continue
                total = found[0].usage if len(found) == 1 else sum((u.usage for u in found), zero)
                meters_json = ",".join([u.detail_json() for u in found])
            # The charge is a pure function of (usage, before): households with the same
            # figures share one computation and one serialised detail.
            key = (total, before.get(r.id, zero) if before else zero)
            hit = memo.get(key)
            if hit is None:
                if tiered is not None:
                    fen, head = tiered.line(total, key[1])
                else:
                    calc = usage_charge(total, price, it.tiers, key[1], it.rounding, tier_period)
                    fen, head = calc.amount_fen, _dumps(calc.detail)[:-1]
                hit = memo[key] = (fen, format(total, "f"), head + ',"meters":[')
            append((lid, r.id, fid, p, "charge", hit[0], f"{hit[2]}{meters_json}]}}", hit[1], due, tv, run, user))

    def _meters_by_room(self, kind: str) -> dict[str, list[MeterRow]]:
        """room id -> its meters of this kind (in the order they were read); made for every
        kind in one pass over the meters, the first time a kind is asked for."""
        if self._by_kind is None:
            self._by_kind = {}
            for m in self.meters:
                if m.room_id:
                    rooms = self._by_kind.get(m.kind)
                    if rooms is None:
                        rooms = self._by_kind[m.kind] = {}
                    got = rooms.get(m.room_id)
                    if got is None:
                        rooms[m.room_id] = [m]
                    else:
                        got.append(m)
        return self._by_kind.get(kind, {})

    def _billed_before(self, it: _Item) -> dict[str, Decimal]:
        """Usage already billed for this fee item earlier in the same calendar year, per room
        (charges and their corrections)."""
        if it.id in self._before:
            return self._before[it.id]
        bl = BillLine.__table__.c
        out: dict[str, Decimal] = {}
        q = select(bl.room_id, bl.quantity).where(bl.fee_item_id == it.id, bl.period >= f"{self.period.year:04d}-01",
                                                  bl.period < self.p, bl.quantity.is_not(None))
        # Read raw (in December: 11 months of lines), each distinct quantity text made a Decimal once.
        zero, dec = Decimal(0), {}
        get, dget = out.get, dec.get
        for room_id, qty in fetch_raw(self.s.connection(), q):
            d = dget(qty)
            if d is None:
                d = dec[qty] = Decimal(qty)
            out[room_id] = get(room_id, zero) + d
        self._before[it.id] = out
        return out

    def _apportioned(self, it: _Item, rooms: list[RoomRow]) -> None:
        cfg = it.apportion
        _ = self.usage
        meter = next((m for m in self.meters if m.meter_no == cfg.get("meter_no")), None)
        if meter is None:
            self.problems.append({"fee_code": it.code, "reason": f"public meter {cfg.get('meter_no')!r} not found"})
            return
        u = self.usage.get(meter.id)
        if not isinstance(u, MeterUsage):
            self.missing.append({"room": None, "meter_no": meter.meter_no, "fee_code": it.code,
                                 "reason": u or f"no reading for {self.period}", "flagged": self.usage.is_flagged(meter.id)})
            return
        scope = cfg.get("scope", "community")
        last = self.period.last_day
        sharing = [r for r in rooms if (r.charge_start is None or r.charge_start <= last)
                   and (scope == "community" or r.building == scope)]
        if not sharing or it.unit_price is None:
            why = "no unit_price" if sharing else f"no handed-over room in scope {scope!r}"
            self.problems.append({"fee_code": it.code, "reason": why})
            return
        new = self._new(it, sharing)
        if not new:
            return
        # The split always covers every sharing room, so a partial re-run gives the missing
        # rooms exactly the shares they would have had.
        split = split_public_meter(u.usage, it.unit_price, [(r.room_key, r.area) for r in sharing],
                                   cfg.get("by", "area"), it.rounding)
        # Every share's detail is the common part plus its own weight: serialise the common
        # part once (100,000 shares in a community-wide split).
        head = _dumps({**split.common, "scope": scope, "meter": u.detail()})[:-1]
        by_area = split.common["method"] == "area"
        append = self.rows.append
        fid, p, due, tv, run, user = self._constants(it)
        weights, fen = split.weights, split.fen
        for r, lid in new:
            ws = format(weights[r.room_key], "f")
            append((lid, r.id, fid, p, "charge", fen[r.room_key], f'{head},"weight":"{ws}"}}',
                    ws if by_area else None, due, tv, run, user))


_LINE_COLUMNS = ("id", "room_id", "fee_item_id", "period", "kind", "amount_fen", "detail", "quantity", "due_date",
                 "tariff_version_id", "bill_run_id", "created_by", "created_at")


def insert_lines(s: Session, rows: list[Row], created_at: datetime) -> None:
    """SQLite: executemany of computed rows as they are; the chunk's one created_at (naive
    UTC, made here, never input) goes into the statement as a literal instead of into every
    row. PostgreSQL: COPY (psycopg's executemany took 27 of a 100,000-room run's 51 s; see
    docs/billing.md), a duplicate line raising IntegrityError as the INSERT would."""
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        _copy_lines(conn, rows, created_at)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    stamp = created_at.isoformat(sep=" ")
    assert "'" not in stamp and "%" not in stamp
    sql = (f"INSERT INTO bill_line ({', '.join(_LINE_COLUMNS)}) "
           f"VALUES ({', '.join([mark] * (len(_LINE_COLUMNS) - 1))}, '{stamp}')")
    conn.exec_driver_sql(sql, rows)


def _copy_lines(conn, rows: list[Row], created_at: datetime) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    sql = f"COPY bill_line ({', '.join(_LINE_COLUMNS)}) FROM STDIN"
    try:
        with conn.connection.driver_connection.cursor() as cur:
            with cur.copy(sql) as cp:
                write = cp.write_row
                for x in rows:
                    write((*x, created_at))
    except psycopg.IntegrityError as e:
        raise IntegrityError(sql, None, e) from e


def _read_snapshot(s: Session) -> None:
    """Start the session's next transaction as a read-only snapshot: on SQLite a plain
    BEGIN (readers never wait for, nor hold up, the writer), on PostgreSQL REPEATABLE READ
    (every query of the run sees the same moment)."""
    opts: dict = {READ_ONLY: True}
    if s.get_bind().dialect.name == "postgresql":
        opts["isolation_level"] = "REPEATABLE READ"
    s.connection(execution_options=opts)


def bill_run(s: Session, period_text: str, *, user: str, community: str | None = None, dry_run: bool = False,
             terminal: str | None = None, chunk_rooms: int = CHUNK_ROOMS) -> dict:
    """Bill the period. The session is committed as the run goes: first whatever the caller
    had pending, then each chunk of rooms (the dry run commits nothing of its own)."""
    users.require(s, user, "bill_run")
    require_standalone(s)  # a counter joined to central gets its bills from central (docs/sync.md)
    period = parse_period(period_text)
    if isinstance(chunk_rooms, bool) or not isinstance(chunk_rooms, int) or chunk_rooms < 1:
        raise InputError("billing.bad_chunk", value=chunk_rooms)
    laps = _Laps()
    s.commit()  # the permission check's transaction (and the caller's pending work) ends here
    _read_snapshot(s)
    comp = _Computation(s, period, community, run_id=new_id(), user=user)
    comp.load()
    deducting = deduction_communities(s, comp.community_ids) if terminal else []
    s.commit()  # the snapshot ends: computing holds nothing
    laps.lap("load")
    comp.run()
    laps.lap("compute")
    rows = comp.rows
    total = sum(agg["total_fen"] for agg in comp.by_item.values())
    result = {"period": str(period), "lines": len(rows), "total_fen": total, "skipped_existing": comp.skipped,
              "dry_run": dry_run, "by_fee_item": comp.by_item, "missing_readings": len(comp.missing),
              "flagged_readings": len({x["meter_no"] for x in comp.missing if x.get("flagged")}),
              "missing": comp.missing[:200], "problems": comp.problems}
    writer = _Writer(s, comp, period, total, community, user, terminal, laps, chunk_rooms, deducting)
    if dry_run:
        result["preview"] = [{"room_id": x[1], "fee_code": x[3], "amount_fen": x[4], "detail": json.loads(x[6])}
                             for x in comp.as_lines(rows[:20])]
        if deducting:
            # Deductions depend on the new lines: each chunk is written inside a savepoint,
            # deducted and rolled back, so the preview is exactly what a real run would do.
            result["prepaid_deduction"] = writer.write(preview=True)["prepaid_deduction"]
        return result
    result.update(writer.write(preview=False))
    result["timings"] = laps.laps
    return result


class _Writer:
    """Writes a computed run chunk by chunk: each chunk of rooms is one transaction holding
    those rooms' lines, the ledger transaction for them and their prepaid deductions."""

    def __init__(self, s: Session, comp: _Computation, period: Period, total: int, community: str | None,
                 user: str, terminal: str | None, laps: "_Laps", chunk_rooms: int, deducting: list[str]) -> None:
        self.s, self.comp, self.period, self.total, self.community = s, comp, period, total, community
        self.user, self.terminal, self.laps, self.chunk_rooms, self.deducting = user, terminal, laps, chunk_rooms, deducting
        self.sqlite = s.get_bind().dialect.name == "sqlite"
        self.run_id = comp.run_id

    def _chunks(self) -> list[tuple[list[str], list[Row]]]:
        """(room ids, their new lines) per chunk: every `chunk_rooms` rooms in id order. Rooms
        in id order: each chunk then writes to one stretch of the indexes by room (lines by
        room, the rooms' receivable accounts) instead of all over them. A chunk lists the
        rooms the prepaid deduction looks at — those with new lines and, where deduction is
        on, every room of those communities (they may owe older lines); a chunk with neither
        is left out."""
        n = self.chunk_rooms
        ids = sorted([r.id for r in self.comp.rooms])
        chunk_of = {rid: i // n for i, rid in enumerate(ids)}
        lines: list[list[Row]] = [[] for _ in range(0, len(ids), n)]
        for x in self.comp.rows:
            lines[chunk_of[x[R_ROOM]]].append(x)
        if self.deducting:
            deduct_in = set(self.deducting)
            billed = {x[R_ROOM] for x in self.comp.rows}
            wanted = {r.id for r in self.comp.rooms if r.id in billed or r.community_id in deduct_in}
        else:
            wanted = set()
        chunks = []
        for k, rows in enumerate(lines):
            rooms = [rid for rid in ids[k * n:(k + 1) * n] if rid in wanted]
            if rows or rooms:
                chunks.append((rooms, rows))
        return chunks

    def write(self, *, preview: bool) -> dict:
        chunks = self._chunks() or [([], [])]  # a run with nothing to write is still recorded
        deducted = {"payments": 0, "total_fen": 0, "receipts": []}
        for i, (room_ids, lines) in enumerate(chunks):
            first, last = i == 0, i == len(chunks) - 1
            nested = self.s.begin_nested() if preview else None
            try:
                if first or preview:  # in a preview every chunk's savepoint needs the run's row
                    self._record_run()
                self._write_lines(lines)
                if self.deducting and room_ids:
                    d = deduct_prepaid(self.s, Counter(self.terminal or "", self.user), self.comp.community_ids,
                                       clock.today(), room_ids=room_ids)
                    deducted["payments"] += d["payments"]
                    deducted["total_fen"] += d["total_fen"]
                    deducted["receipts"] = (deducted["receipts"] + d["receipts"])[:200]
                    self.laps.add("prepaid_deduction")
                if last and not preview:
                    audit.record(self.s, "bill_run", user=self.user, terminal=self.terminal, entity="bill_run",
                                 entity_id=self.run_id,
                                 detail={"period": str(self.period), "lines": len(self.comp.rows),
                                         "total_fen": self.total, "prepaid_deducted_fen": deducted["total_fen"],
                                         "chunks": len(chunks)})
                    record_change(self.s, self.comp.community_ids[0] if self.community else None, "bill_run",
                                  {"bill_run_id": self.run_id, "period": str(self.period)})  # counters pull it
                if nested is not None:
                    nested.rollback()
                self.s.commit()
            except IntegrityError:
                self.s.rollback()
                if self._written_meanwhile(lines):
                    # A second run of the same period wrote some of these lines after this
                    # one read what existed: this chunk wrote nothing; a re-run finishes.
                    raise Conflict("billing.run_overlap", period=str(self.period)) from None
                raise
            self.laps.add("commit")
            if not last:
                self._between_chunks()
        return {"bill_run_id": self.run_id, "prepaid_deduction": deducted}

    def _between_chunks(self) -> None:
        """A chunk is committed: let the counters waiting for the database in first. (On
        PostgreSQL nobody waits: a chunk holds only its own rows' locks.)"""
        if self.sqlite:
            time.sleep(SQLITE_YIELD_S)
            self.laps.add("yield")

    def _written_meanwhile(self, lines: list[Row]) -> bool:
        ids = [x[0] for x in lines]
        bl = BillLine.__table__.c
        try:
            return any(self.s.connection().execute(select(bl.id).where(bl.id.in_(ids[i:i + 900])).limit(1)).first()
                       for i in range(0, len(ids), 900))
        finally:
            self.s.rollback()

    def _record_run(self) -> None:
        comp = self.comp
        self.s.execute(BillRun.__table__.insert(), [{
            "id": self.run_id, "period": str(self.period),
            "community_id": comp.community_ids[0] if self.community else None, "lines": len(comp.rows),
            "total_fen": self.total, "skipped_existing": comp.skipped,
            "report": {"missing": comp.missing[:200], "problems": comp.problems}, "created_by": self.user,
            "created_at": clock.now()}])

    def _write_lines(self, rows: list[Row]) -> None:
        if not rows:
            return
        now = clock.now().astimezone(timezone.utc).replace(tzinfo=None)
        # In id order, the primary-key index takes each chunk's rows in one sorted pass
        # instead of random inserts (ids are hashes).
        rows.sort()
        self.laps.add("prepare")
        insert_lines(self.s, rows, now)
        self.laps.add("insert")
        self._post(rows)
        self.laps.add("ledger")

    def _post(self, rows: list[Row]) -> None:
        post_chunk(self.s, rows, ref_type="bill_run", ref_id=self.run_id, memo=f"出账 {self.period}", user=self.user,
                   terminal=self.terminal)


def post_chunk(s: Session, rows: list[Row], **kw) -> None:  # type: ignore[no-untyped-def]
    """One balanced ledger transaction for a chunk's lines: Dr each room's AR, Cr each fee
    item's income — what receivables.postings.post_bill_lines books, with the amounts summed
    per room and per fee item as plain dict updates first (100,000 rooms a run)."""
    by_room: dict[str, int] = {}
    by_fee: dict[str, int] = {}
    get_r, get_f = by_room.get, by_fee.get
    for x in rows:
        room, fee, fen = x[R_ROOM], x[R_FEE], x[R_AMOUNT]
        by_room[room] = get_r(room, 0) + fen
        by_fee[fee] = get_f(fee, 0) + fen
    entries = [(ledger.room_account("AR", room), fen) for room, fen in by_room.items()]
    entries += [(ledger.income_account(fee), -fen) for fee, fen in by_fee.items()]
    if any(fen for _, fen in entries):
        ledger.post(s, "bill", entries, **kw)


class _Laps:
    """Seconds spent in each phase, reported with the run (the benchmark prints them);
    `add` sums a phase over the chunks."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._t, 3)
        self._t = now

    def add(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(self.laps.get(name, 0.0) + now - self._t, 3)
        self._t = now
