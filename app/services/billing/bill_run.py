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

import gc
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.db.engine import READ_ONLY, fetch_raw, waited_since
from app.central.changes import record_change
from app.db.models import BillLine, BillRun, Building, Room
from app.domain.charges import area_charge, split_public_meter, fixed_charge, parking_charge, usage_charge
from app.domain.periods import Period, due_date
from app.errors import Conflict, InputError, Msg, NotFound
from app.ids import new_id
from app.services import audit, ledger, users
from app.services.cashier.deduction import deduct_prepaid, deduction_communities
from app.services.cashier.payments import Counter
from app.services.billing import ahead, chunk_files
from app.services.billing.chunk_files import FileChunk
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
# (app.db.engine.BEGIN_POLL_S) and say so in a marker file; when one has, pausing this long
# between chunks lets them all in first, with room for a busy machine's scheduling delays.
SQLITE_YIELD_S = 0.05
# On SQLite, chunks follow each other in one transaction while no writer waits, up to this
# many rooms (see _Writer._commit_now): a counter that comes meanwhile waits for the chunk
# being written and the commit of those before it.
SQLITE_MAX_OPEN_ROOMS = 25_000


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
_line_id = itemgetter(R_ID)


class _Computation:
    """Everything one run needs, loaded once, and the lines it computes: all at once (`run`,
    for a dry run and for corrections) or a chunk of rooms at a time (`compute`, for the
    writer, which computes the next chunk while the previous one commits)."""

    def __init__(self, s: Session, period: Period, community: str | None, *, run_id: str | None = None,
                 user: str | None = None, rooms: list[RoomRow] | None = None) -> None:
        self.s, self.period, self.p = s, period, str(period)
        self.run_id, self.user = run_id, user
        self.sqlite = s.get_bind().dialect.name == "sqlite"
        comms = communities(s, community)
        if community and not comms:
            raise NotFound("billing.no_community", community=community)
        self.community_ids = [c.id for c in comms]
        priced, self.problems = priced_items(s, period, self.community_ids)
        self.items = [_Item(pi, period) for pi in priced]
        self.existing: set[str] = set()  # the period's lines already there: read by load()
        self.rooms = load_rooms(s, self.community_ids) if rooms is None else rooms
        self._usage: PeriodUsage | None = None
        self._by_kind: dict[str, dict[str, list[MeterRow]]] | None = None
        self._before: dict[str, dict[str, Decimal]] = {}
        # bill_runs: the year's billed usage per annual-tier fee item and room as the run
        # before left it (`carry`), instead of read back; and this run's, for the next (`_after`).
        self.carry: dict[str, dict[str, Decimal]] | None = None
        self.carrying = False
        self._after: dict[str, dict[str, Decimal]] = {}
        self._plans: list[tuple[int, _Item, "_Emit"]] | None = None
        self._totals: list[list[int]] = []  # per fee item: [lines, total fen]
        self._missing: list[tuple[int, int, dict]] = []  # (item position, room position, entry)
        self._room_pos: dict[str, int] | None = None
        self.rows: list[Row] = []
        self.skipped = 0

    @property
    def usage(self) -> PeriodUsage:
        if self._usage is None:
            self.meters = load_meters(self.s, self.community_ids)
            self._usage = period_usage(self.s, self.period, self.meters)
        return self._usage

    def load(self) -> None:
        """Read now everything `run` would read on demand, so the computation itself needs
        no transaction (the bill run computes with the database free for the counters)."""
        bl = BillLine.__table__.c
        self.existing = set(self.s.connection().execute(select(bl.id).where(bl.period == self.p)).scalars())
        if any(it.basis in ("usage", "apportioned") for it in self.items):
            _ = self.usage
        for it in self.items:
            if it.basis == "usage" and it.tiers and it.tier_period == "year":
                self._billed_before(it)

    def run(self) -> None:
        """Every line at once, rooms in their reading order (room key)."""
        self.rows = self.compute(self.rooms)

    def compute(self, rooms: list[RoomRow]) -> list[Row]:
        """The new lines of these rooms, fee item after fee item. Chunk after chunk, the
        rooms of a run together give exactly the lines `run` gives (only their order differs)."""
        out: list[Row] = []
        for k, it, emit in self._item_plans():
            before = len(out)
            emit([r for r in rooms if r.community_id == it.community_id and r.usage in it.usages], out)
            if len(out) > before:
                self._totals[k][0] += len(out) - before
                self._totals[k][1] += sum([x[R_AMOUNT] for x in out[before:]])
        return out

    @property
    def by_item(self) -> dict[str, dict]:
        """fee code -> {"lines", "total_fen"}, for the fee items that got lines, in their order."""
        out: dict[str, dict] = {}
        for it, (n, fen) in zip(self.items, self._totals):
            if n:
                agg = out.setdefault(it.code, {"lines": 0, "total_fen": 0})
                agg["lines"] += n
                agg["total_fen"] += fen
        return out

    @property
    def lines_count(self) -> int:
        return sum(n for n, _ in self._totals)

    @property
    def total_fen(self) -> int:
        return sum(fen for _, fen in self._totals)

    @property
    def missing(self) -> list[dict]:
        """Missing or flagged readings, fee item after fee item, rooms in reading order —
        whatever order the chunks were computed in."""
        return [x[2] for x in sorted(self._missing, key=lambda x: (x[0], x[1]))]

    def _note_missing(self, k: int, r: RoomRow | None, entry: dict) -> None:
        if self._room_pos is None:
            self._room_pos = {x.id: i for i, x in enumerate(self.rooms)}
        self._missing.append((k, -1 if r is None else self._room_pos[r.id], entry))

    @property
    def lines(self) -> list[Line]:
        """The computed lines in the Line layout (for corrections: a few fee items' lines)."""
        return self.as_lines(self.rows)

    def as_lines(self, rows: list[Row]) -> list[Line]:
        codes = {it.id: it.code for it in self.items}
        return [(x[R_ID], x[R_ROOM], x[R_FEE], codes[x[R_FEE]], x[R_AMOUNT], x[R_QTY], x[R_DETAIL],
                 x[R_DUE] if isinstance(x[R_DUE], date) else date.fromisoformat(x[R_DUE]), x[R_TARIFF])
                for x in rows]

    def state(self) -> tuple:
        """What computing changed, for a run computed in another process (app/services/
        billing/ahead.py): totals per fee item, missing readings, lines already there, and
        the problems (fee items that cannot be billed)."""
        return self._totals, self._missing, self.skipped, self.problems

    def adopt(self, state: tuple) -> None:
        self._totals, self._missing, self.skipped, self.problems = state

    @staticmethod
    def merge_states(states: list[tuple]) -> tuple:
        """One state from those of processes that computed a share of the chunks each
        (ahead.ChildAhead's helper): lines and fen per fee item and skipped lines added, the
        rooms' missing readings put together. What every process found setting the fee items
        up — the problems, and a public meter's missing reading (no room: noted with the
        plans) — is the first one's."""
        totals = [[sum(x) for x in zip(*per_item)] for per_item in zip(*(st[0] for st in states))]
        missing = list(states[0][1])
        for st in states[1:]:
            missing += [x for x in st[1] if x[1] != -1]
        return totals, missing, sum(st[2] for st in states), states[0][3]

    def plans(self) -> None:
        self._item_plans()

    def drop_inputs(self) -> None:
        """What computing read and made, let go once the run is computed (bill_runs' child)."""
        self._usage = self._by_kind = self._plans = None
        self.meters, self.existing, self._before, self._after = [], set(), {}, {}

    def carry_forward(self) -> dict[str, dict[str, Decimal]]:
        """The next period's `carry`: per annual-tier fee item, each room's usage billed so far
        this year including this run's lines (nothing in January: a new year starts from 0).
        Exact only if this run wrote every line of its period that has a quantity — bill_runs
        runs only where the periods have no lines yet."""
        if self.period.month == 12:
            return {}
        out = {}
        for fid, before in self._before.items():
            year = dict(before)
            year.update(self._after.get(fid, {}))
            out[fid] = year
        return out

    def _item_plans(self) -> list[tuple[int, _Item, "_Emit"]]:
        """Per fee item, once: what its lines share (prices, memos, the public meter's split),
        and the function that emits them for some of its rooms. A fee item that cannot be
        billed is reported here, once, and left out."""
        if self._plans is None:
            self._plans = []
            self._totals = [[0, 0] for _ in self.items]
            for k, it in enumerate(self.items):
                emit = (self._monthly(it) if it.basis in ("area", "fixed", "parking") else
                        self._metered(k, it) if it.basis == "usage" else
                        self._apportioned(k, it, [r for r in self.rooms if r.community_id == it.community_id
                                                  and r.usage in it.usages]) if it.basis == "apportioned" else None)
                if emit is not None:
                    self._plans.append((k, it, emit))
        return self._plans

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

    def _monthly(self, it: _Item) -> "_Emit | None":
        if it.unit_price is None:
            self.problems.append({"fee_code": it.code, "reason": "no unit_price"})
            return None
        # Nearly every room pays a full month and many share an area: compute and serialise
        # each distinct (area, proration) once.
        cache: dict[tuple, tuple[int, str | None, str] | None] = {}
        first, last, by_area = self.period.first_day, self.period.last_day, it.basis == "area"
        fid, p, due, tv, run, user = self._constants(it)

        def emit(rooms: list[RoomRow], out: list[Row]) -> None:
            append = out.append
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
        return emit

    def _metered(self, k: int, it: _Item) -> "_Emit":
        usage = self.usage
        kind = it.meter_kind
        before = self._billed_before(it) if it.tiers and it.tier_period == "year" else {}
        memo: dict[tuple[Decimal, Decimal], tuple[int, str, str]] = {}
        zero = Decimal(0)
        price = it.unit_price if not it.tiers else None
        tier_period = it.tier_period if it.tiers else None
        fid, p, due, tv, run, user = self._constants(it)
        by_room = self._meters_by_room(kind)
        tiered = TieredLines(it.tiers, it.rounding, tier_period) if it.tiers else None
        uget, note = usage.get, self._note_missing
        after = self._after.setdefault(it.id, {}) if self.carrying and tier_period == "year" else None

        def emit(rooms: list[RoomRow], out: list[Row]) -> None:
            append = out.append
            for r, lid in self._new(it, rooms):
                meters = by_room.get(r.id)
                if not meters:
                    continue
                if len(meters) == 1:  # nearly every room: one meter of a kind
                    m = meters[0]
                    u = uget(m.id)
                    if u.__class__ is not MeterUsage:
                        if u is not None:
                            note(k, r, {"room": r.room_key, "meter_no": m.meter_no, "fee_code": it.code, "reason": u,
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
                            note(k, r, {"room": r.room_key, "meter_no": m.meter_no, "fee_code": it.code,
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
                if after is not None:
                    after[r.id] = key[1] + total
                append((lid, r.id, fid, p, "charge", hit[0], f"{hit[2]}{meters_json}]}}", hit[1], due, tv, run, user))
        return emit

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
        if self.carry is not None and it.id in self.carry:
            self._before[it.id] = self.carry[it.id]
            return self._before[it.id]
        bl = BillLine.__table__.c
        out: dict[str, Decimal] = {}
        # The months by name: each is one seek on (period, fee item) in ix_bill_line_period_fee,
        # where a range of periods scanned every fee item's entries of those months.
        months = [f"{self.period.year:04d}-{m:02d}" for m in range(1, self.period.month)]
        q = select(bl.room_id, bl.quantity).where(bl.fee_item_id == it.id, bl.period.in_(months),
                                                  bl.quantity.is_not(None))
        # Read raw (in December: 11 months of lines), each distinct quantity text made a Decimal once.
        zero, dec = Decimal(0), {}
        get, dget = out.get, dec.get
        for room_id, qty in fetch_raw(self.s.connection(), q) if months else ():
            d = dget(qty)
            if d is None:
                d = dec[qty] = Decimal(qty)
            out[room_id] = get(room_id, zero) + d
        self._before[it.id] = out
        return out

    def _apportioned(self, k: int, it: _Item, rooms: list[RoomRow]) -> "_Emit | None":
        cfg = it.apportion
        _ = self.usage
        meter = next((m for m in self.meters if m.meter_no == cfg.get("meter_no")), None)
        if meter is None:
            self.problems.append({"fee_code": it.code, "reason": f"public meter {cfg.get('meter_no')!r} not found"})
            return None
        u = self.usage.get(meter.id)
        if not isinstance(u, MeterUsage):
            self._note_missing(k, None, {"room": None, "meter_no": meter.meter_no, "fee_code": it.code,
                                         "reason": u or f"no reading for {self.period}",
                                         "flagged": self.usage.is_flagged(meter.id)})
            return None
        scope = cfg.get("scope", "community")
        last = self.period.last_day
        sharing = [r for r in rooms if (r.charge_start is None or r.charge_start <= last)
                   and (scope == "community" or r.building == scope)]
        if not sharing or it.unit_price is None:
            why = "no unit_price" if sharing else f"no handed-over room in scope {scope!r}"
            self.problems.append({"fee_code": it.code, "reason": why})
            return None
        sharing_ids = {r.id for r in sharing}
        # The split always covers every sharing room, so a partial re-run (or a chunk) gives
        # the rooms exactly the shares they would have had. It is made the first time a chunk
        # has a room without its share: a re-run that finds every share written makes none.
        split_once: list = []
        fid, p, due, tv, run, user = self._constants(it)

        def emit(chunk: list[RoomRow], out: list[Row]) -> None:
            new = self._new(it, [r for r in chunk if r.id in sharing_ids])
            if not new:
                return
            if not split_once:
                split = split_public_meter(u.usage, it.unit_price, [(r.room_key, r.area) for r in sharing],
                                           cfg.get("by", "area"), it.rounding)
                # Every share's detail is the common part plus its own weight: serialise the
                # common part once (100,000 shares in a community-wide split).
                head = _dumps({**split.common, "scope": scope, "meter": u.detail()})[:-1]
                split_once.append((split, head, split.common["method"] == "area"))
            split, head, by_area = split_once[0]
            append = out.append
            weights, fen = split.weights, split.fen
            for r, lid in new:
                ws = format(weights[r.room_key], "f")
                append((lid, r.id, fid, p, "charge", fen[r.room_key], f'{head},"weight":"{ws}"}}',
                        ws if by_area else None, due, tv, run, user))
        return emit


_Emit = Callable[[list[RoomRow], list[Row]], None]


def _load_on_own_connection(comp: _Computation, url: str) -> None:
    """In the forked child: the run's inputs read on a connection of its own (a connection
    must never cross a fork), in one read-only snapshot."""
    from app.db.engine import make_engine, session_factory

    engine = make_engine(url)
    try:
        with session_factory(engine)() as s:
            _read_snapshot(s)
            comp.s = s
            comp.load()
            s.rollback()
    finally:
        engine.dispose()


# A chunk's lines as the writer gets them: computed rows, or a file of them (chunk_files).
Lines = list[Row] | FileChunk


def _count(lines: Lines) -> int:
    return lines.count if isinstance(lines, FileChunk) else len(lines)


def _into_files(compute: Callable[[list[RoomRow]], list[Row]], where: str) -> Callable[[list[RoomRow]], FileChunk]:
    """In the child: each chunk's rows written to a file of their own (chunk_files)."""
    numbers = iter(range(1 << 30))

    def lines(rooms: list[RoomRow]) -> FileChunk:
        return chunk_files.write(where, next(numbers), compute(rooms))
    return lines


def _sorted_lines(comp: _Computation) -> Callable[[list[RoomRow]], list[Row]]:
    """A chunk's lines in id order: the lines' primary-key index then takes them in one
    sorted pass instead of random inserts (ids are hashes) — sorted where they are computed,
    off the writer's path."""
    def lines(rooms: list[RoomRow]) -> list[Row]:
        rows = comp.compute(rooms)
        rows.sort(key=_line_id)  # ids are unique: the same order as sorting the rows, faster
        return rows
    return lines


_LINE_COLUMNS = (*chunk_files.COLUMNS, "created_at")  # a computed row's columns, then the chunk's stamp


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
             terminal: str | None = None, chunk_rooms: int = CHUNK_ROOMS,
             open_rooms: int | None = None, computing: ahead.Computing = ahead.Computing()) -> dict:
    """Bill the period. The session is committed as the run goes: first whatever the caller
    had pending, then each chunk of rooms (the dry run commits nothing of its own). On SQLite
    chunks share a transaction until `open_rooms` rooms (default SQLITE_MAX_OPEN_ROOMS) wait
    in it, it holds chunk_files.MAX_ATTACHED files, or a counter waited (_Writer._commit_now).
    `computing`: where the lines are computed in a forked child, how (ahead.Computing: a
    helper process, lines handed over in files or as rows)."""
    with _collector_paused():
        return _bill_run(s, period_text, user=user, community=community, dry_run=dry_run, terminal=terminal,
                         chunk_rooms=chunk_rooms, open_rooms=open_rooms, computing=computing)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the run: a run makes millions of objects that hold no
    cycles (rooms, meters, readings, lines: tuples, strings, Decimals), and each full
    collection rescans all of them — a quarter of the loading and the computing time
    (100,000 rooms: load 2.0 -> 1.5 s, compute 4.4 -> 3.1 s). Whatever cycles the run's
    libraries leave are collected once it is back on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _bill_run(s: Session, period_text: str, *, user: str, community: str | None, dry_run: bool,
              terminal: str | None, chunk_rooms: int, open_rooms: int | None, computing: ahead.Computing) -> dict:
    users.require(s, user, "bill_run")
    require_standalone(s)  # a counter joined to central gets its bills from central (docs/sync.md)
    period = parse_period(period_text)
    if isinstance(chunk_rooms, bool) or not isinstance(chunk_rooms, int) or chunk_rooms < 1:
        raise InputError("billing.bad_chunk", value=chunk_rooms)
    laps = _Laps()
    s.commit()  # the permission check's transaction (and the caller's pending work) ends here
    _read_snapshot(s)
    comp = _Computation(s, period, community, run_id=new_id(), user=user)
    # Where the lines are computed in a forked child (app/services/billing/ahead.py), the child
    # reads the meters, readings and existing lines itself, on its own connection, while the
    # writer sets the ledger accounts up: the writer's snapshot holds what it needs (rooms,
    # fee items and prices). A reading entered in between is the newer one, a line written in
    # between is found and skipped — as if the run had started a moment later.
    in_child = not dry_run and len(comp.rooms) > chunk_rooms and ahead.can_fork()
    if not in_child:
        comp.load()
    deducting = deduction_communities(s, comp.community_ids) if terminal else []
    s.commit()  # the snapshot ends: computing holds nothing
    laps.lap("load")
    writer = _Writer(s, comp, period, community, user, terminal, laps, chunk_rooms, deducting, in_child,
                     max_open_rooms=open_rooms, computing=computing)
    if dry_run:
        comp.run()
        laps.lap("compute")
        result = _result(comp, period, dry_run=True)
        result["preview"] = [{"room_id": x[1], "fee_code": x[3], "amount_fen": x[4], "detail": json.loads(x[6])}
                             for x in comp.as_lines(comp.rows[:20])]
        if deducting:
            # Deductions depend on the new lines: each chunk is written inside a savepoint,
            # deducted and rolled back, so the preview is exactly what a real run would do.
            result["prepaid_deduction"] = writer.write(preview=True)["prepaid_deduction"]
        return result
    written = writer.write(preview=False)  # computes chunk by chunk as it writes
    result = _result(comp, period, dry_run=False)
    result.update(written)
    result["timings"] = laps.laps
    return result


def bill_runs(s: Session, periods: list[str], *, user: str, chunk_rooms: int = CHUNK_ROOMS,
              open_rooms: int | None = None, computing: ahead.Computing = ahead.Computing()) -> list[dict]:
    """Bill consecutive periods, oldest first: the same lines, runs and postings as `bill_run`
    of each in turn (without prepaid deduction), for a database that is being filled and
    that nobody else writes meanwhile (init --demo). Where these periods have no lines yet
    and a child can be forked, one child computes every period in turn (ahead.SeriesAhead):
    the annual tiers' usage billed so far this year is carried from one period's computing
    to the next (`_Computation.carry`) instead of read back — the next period is computed
    before this one is committed, and the child does not read a year of lines. Otherwise
    each period is `bill_run` (with `computing`)."""
    parsed = [parse_period(p) for p in periods]
    if not _series_possible(s, parsed):
        return [bill_run(s, p, user=user, chunk_rooms=chunk_rooms, open_rooms=open_rooms, computing=computing)
                for p in periods]
    with _collector_paused():
        return _bill_runs(s, parsed, user=user, chunk_rooms=chunk_rooms, open_rooms=open_rooms)


def _series_possible(s: Session, periods: list[Period]) -> bool:
    if len(periods) < 2 or not ahead.can_fork() or any(b != a.next() for a, b in zip(periods, periods[1:])):
        return False
    bl = BillLine.__table__.c
    try:
        return s.execute(select(bl.id).where(bl.period.in_([str(p) for p in periods])).limit(1)).first() is None
    finally:
        s.commit()


def _bill_runs(s: Session, periods: list[Period], *, user: str, chunk_rooms: int, open_rooms: int | None) -> list[dict]:
    users.require(s, user, "bill_run")
    require_standalone(s)
    if isinstance(chunk_rooms, bool) or not isinstance(chunk_rooms, int) or chunk_rooms < 1:
        raise InputError("billing.bad_chunk", value=chunk_rooms)
    t0 = time.perf_counter()
    s.commit()
    _read_snapshot(s)
    comps: list[_Computation] = []
    for p in periods:  # the rooms are read once: nobody changes them meanwhile
        comps.append(_Computation(s, p, None, run_id=new_id(), user=user, rooms=comps[0].rooms if comps else None))
    s.commit()
    url = s.get_bind().url.render_as_string(hide_password=False)
    writers = [_Writer(s, comp, comp.period, None, user, None, _Laps(), chunk_rooms, [], True, max_open_rooms=open_rooms)
               for comp in comps]
    chunks = writers[0]._room_chunks()

    def prepare(k: int) -> Callable[[], None]:
        def in_child() -> None:
            comp = comps[k]
            comp.carrying = True
            if k:
                comp.carry = comps[k - 1].carry_forward()
                comps[k - 1].drop_inputs()  # its lines and state are sent: the child's memory stays flat
            _load_on_own_connection(comp, url)
        return in_child

    series = ahead.SeriesAhead([ahead.Job(_sorted_lines(comp), chunks, comp.state, comp.adopt, prepare(k))
                                for k, comp in enumerate(comps)])
    results, accounts = [], None
    try:
        for k, (comp, writer) in enumerate(zip(comps, writers)):
            writer.laps = _Laps()  # from here: the first run's reading of rooms and prices is its "load"
            if k == 0:
                writer.laps.laps["load"] = round(writer.laps._t - t0, 3)
            written = writer.write(preview=False, chunks=chunks, accounts=accounts,
                                   source=series.source(k, lambda w=writer: w.laps.add("compute")))
            accounts = writer.accounts
            result = _result(comp, comp.period, dry_run=False)
            result.update(written)
            result["timings"] = writer.laps.laps
            t = time.perf_counter()
            result["seconds"] = round(t - t0, 2)
            t0 = t
            results.append(result)
    finally:
        series.close()
    return results


def _result(comp: _Computation, period: Period, *, dry_run: bool) -> dict:
    missing = comp.missing
    return {"period": str(period), "lines": comp.lines_count, "total_fen": comp.total_fen,
            "skipped_existing": comp.skipped, "dry_run": dry_run, "by_fee_item": comp.by_item,
            "missing_readings": len(missing), "flagged_readings": len({x["meter_no"] for x in missing if x.get("flagged")}),
            "missing": missing[:200], "problems": comp.problems}


class _Writer:
    """Writes a run chunk by chunk: each chunk of rooms is one transaction holding those
    rooms' lines, the ledger transaction for them and their prepaid deductions. A real run
    computes each chunk's lines on a helper thread while the chunk before is committed:
    committing (SQLite writing its WAL and checkpointing, PostgreSQL's round trip) runs
    without the GIL, so the computing and the disk overlap on two cores. The computing never
    runs while a chunk's rows are inserted — the driver takes the GIL back for every row."""

    def __init__(self, s: Session, comp: _Computation, period: Period, community: str | None,
                 user: str, terminal: str | None, laps: "_Laps", chunk_rooms: int, deducting: list[str],
                 in_child: bool = False, max_open_rooms: int | None = None,
                 computing: ahead.Computing = ahead.Computing()) -> None:
        self.s, self.comp, self.period, self.community = s, comp, period, community
        self.in_child, self.computing = in_child, computing
        self.attached = chunk_files.Attached()
        self.files = ""  # the folder of the chunk files, if any
        self.user, self.terminal, self.laps, self.chunk_rooms, self.deducting = user, terminal, laps, chunk_rooms, deducting
        self.sqlite = s.get_bind().dialect.name == "sqlite"
        self.max_open_rooms = SQLITE_MAX_OPEN_ROOMS if max_open_rooms is None else max_open_rooms
        self.database = s.get_bind().url.database
        self.run_id = comp.run_id
        self._since_ns = time.time_ns()

    def _room_chunks(self) -> list[list[RoomRow]]:
        """Every `chunk_rooms` rooms in id order: each chunk then writes to one stretch of the
        indexes by room (lines by room, the rooms' receivable accounts) instead of all over
        them. A run without rooms is still one (empty) chunk: it is recorded."""
        rooms = sorted(self.comp.rooms, key=lambda r: r.id)
        n = self.chunk_rooms
        return [rooms[i:i + n] for i in range(0, len(rooms), n)] or [[]]

    def _dealt(self, chunks: list[list[RoomRow]]) -> list[list[Row]]:
        """The lines of a run computed at once (a dry run), dealt to their chunks."""
        chunk_of = {r.id: k for k, rooms in enumerate(chunks) for r in rooms}
        out: list[list[Row]] = [[] for _ in chunks]
        for x in self.comp.rows:
            out[chunk_of[x[R_ROOM]]].append(x)
        for rows in out:
            rows.sort(key=_line_id)
        return out

    def _deduction_rooms(self, rooms: list[RoomRow], lines: Lines) -> list[str]:
        """The rooms of a chunk the prepaid deduction looks at: those with new lines and,
        where deduction is on, every room of those communities (they may owe older lines)."""
        if not self.deducting:
            return []
        billed = set(lines.by_room) if isinstance(lines, FileChunk) else {x[R_ROOM] for x in lines}
        deduct_in = set(self.deducting)
        return [r.id for r in rooms if r.id in billed or r.community_id in deduct_in]

    def write(self, *, preview: bool, chunks: list[list[RoomRow]] | None = None, source: ahead.Source | None = None,
              accounts: dict[str, str] | None = None) -> dict:
        """Compute (or take from `source`, with the `chunks` it computes) and write the run's
        lines chunk by chunk; `accounts`: the ledger accounts a run of the same rooms just
        made sure of (bill_runs)."""
        chunks = self._room_chunks() if chunks is None else chunks
        deducted = {"payments": 0, "total_fen": 0, "receipts": []}
        written, open_rooms = 0, 0
        source = self._source(chunks, preview) if source is None else source
        failed = True
        try:
            self.accounts = None if preview else accounts if accounts is not None else self._ensure_accounts()
            for i, rooms in enumerate(chunks):
                last = i == len(chunks) - 1
                lines = source.get(i)
                if isinstance(lines, FileChunk):
                    lines = chunk_files.with_sums(lines)
                room_ids = self._deduction_rooms(rooms, lines)
                if not _count(lines) and not room_ids and not last:
                    continue  # nothing to write for these rooms (a re-run): no transaction
                nested = self.s.begin_nested() if preview else None
                try:
                    if written == 0 or preview:  # in a preview every chunk's savepoint needs the run's row
                        self._record_run(final=last or preview)
                    self._write_lines(lines)
                    if room_ids:
                        d = deduct_prepaid(self.s, Counter(self.terminal or "", self.user), self.comp.community_ids,
                                           clock.today(), room_ids=room_ids)
                        deducted["payments"] += d["payments"]
                        deducted["total_fen"] += d["total_fen"]
                        deducted["receipts"] = (deducted["receipts"] + d["receipts"])[:200]
                        self.laps.add("prepaid_deduction")
                    if last and not preview:
                        self._finish(written > 0, written + 1, deducted)
                    if nested is not None:
                        nested.rollback()
                    written += 1
                    open_rooms += len(rooms)
                    if not (last or preview or self._commit_now(open_rooms)):
                        continue  # nobody waits: the next chunk goes into the same transaction
                    if not last:
                        source.overlap(i + 1)  # the next chunk's lines computed while this commits
                    self.s.commit()
                    self.attached.release()
                except IntegrityError:
                    self.s.rollback()
                    ids = chunk_files.line_ids(lines) if isinstance(lines, FileChunk) else [x[0] for x in lines]
                    self.attached.release()
                    if self._written_meanwhile(ids):
                        # A second run of the same period wrote some of these lines after this
                        # one read what existed: this chunk wrote nothing; a re-run finishes.
                        raise Conflict("billing.run_overlap", period=str(self.period)) from None
                    raise
                open_rooms = 0
                self.laps.add("commit")
                if not last:
                    self._between_chunks()
            failed = False
        finally:
            source.close()
            if failed and len(self.attached):
                self.s.rollback()  # the open chunks are lost anyway; the files detach only outside it
            self.attached.release()
            if self.files:
                chunk_files.remove(self.files)
        return {"bill_run_id": self.run_id, "prepaid_deduction": deducted}

    def _source(self, chunks: list[list[RoomRow]], preview: bool) -> ahead.Source:
        if preview:
            return ahead.Precomputed(self._dealt(chunks))
        comp, waited = self.comp, lambda: self.laps.add("compute")
        if self.in_child:
            # The child reads its inputs and sets the fee items up (reporting any that cannot
            # be billed) too; on SQLite it hands each chunk over as a file (chunk_files).
            url = self.s.get_bind().url.render_as_string(hide_password=False)
            compute = _sorted_lines(comp)
            if self.sqlite and self.computing.files:
                self.files = chunk_files.folder()
                compute = _into_files(compute, self.files)
            return ahead.ChildAhead(compute, chunks, comp.state, comp.adopt, waited,
                                    prepare=lambda: _load_on_own_connection(comp, url),
                                    merge=comp.merge_states, helpers=self.computing.helpers)
        comp.plans()
        return ahead.ThreadAhead(_sorted_lines(comp), chunks, waited)

    def _ensure_accounts(self) -> dict[str, str]:
        """The receivable account of every room the run bills and the income account of every
        fee item, looked up — and on a community's first run created — in one short
        transaction of their own, before the first chunk: while the first chunk's lines are
        computed (in the child) instead of chunk by chunk. (Account ids are hashes of their
        codes: created chunk by chunk, their index was rewritten by every commit.) An account
        without postings yet is harmless: a room's AR account exists before its first line."""
        comp = self.comp
        scopes = {(it.community_id, u) for it in comp.items for u in it.usages}
        codes = [ledger.room_account("AR", r.id) for r in comp.rooms if (r.community_id, r.usage) in scopes]
        codes += [ledger.income_account(it.id) for it in comp.items]
        accounts = ledger.ensure_accounts(self.s, codes)
        self.s.commit()
        self.laps.add("accounts")
        return accounts

    def _commit_now(self, open_rooms: int) -> bool:
        """After a chunk: commit it (and the chunks before it in the same transaction) now?
        On PostgreSQL always — a chunk holds only its own rows' locks, so its size costs the
        counters nothing, and short transactions keep the server's work even. On SQLite when
        a writer waited for the lock during it, or when `SQLITE_MAX_OPEN_ROOMS` rooms wait in
        the transaction: a commit writes every page the chunks dirtied, and the lines'
        primary-key index (hashed ids) is dirtied all over by every chunk, so committing
        each chunk wrote that index to the WAL 25 times a 100,000-room run."""
        if not self.sqlite:
            return True
        return (open_rooms >= self.max_open_rooms or len(self.attached) >= chunk_files.MAX_ATTACHED
                or waited_since(self.database, self._since_ns))

    def _finish(self, recorded_earlier: bool, chunks: int, deducted: dict) -> None:
        """In the last chunk's transaction: the run's totals (known now that every chunk is
        computed), its audit event and the change counters pull."""
        comp = self.comp
        if recorded_earlier:
            self.s.execute(update(BillRun.__table__).where(BillRun.__table__.c.id == self.run_id)
                           .values(**self._totals()))
        audit.record(self.s, "bill_run", user=self.user, terminal=self.terminal, entity="bill_run",
                     entity_id=self.run_id,
                     detail={"period": str(self.period), "lines": comp.lines_count, "total_fen": comp.total_fen,
                             "prepaid_deducted_fen": deducted["total_fen"], "chunks": chunks})
        record_change(self.s, comp.community_ids[0] if self.community else None, "bill_run",
                      {"bill_run_id": self.run_id, "period": str(self.period)})  # counters pull it

    def _between_chunks(self) -> None:
        """A transaction is committed: let the counters waiting for the database in first —
        if any waited since the last commit (app.db.engine.waited_since). (On PostgreSQL
        nobody waits: a chunk holds only its own rows' locks.)"""
        if self.sqlite:
            if waited_since(self.database, self._since_ns):
                time.sleep(SQLITE_YIELD_S)
            self._since_ns = time.time_ns()
            self.laps.add("yield")

    def _written_meanwhile(self, ids: list[str]) -> bool:
        bl = BillLine.__table__.c
        try:
            return any(self.s.connection().execute(select(bl.id).where(bl.id.in_(ids[i:i + 900])).limit(1)).first()
                       for i in range(0, len(ids), 900))
        finally:
            self.s.rollback()

    def _totals(self) -> dict:
        comp = self.comp
        return {"lines": comp.lines_count, "total_fen": comp.total_fen, "skipped_existing": comp.skipped,
                "report": {"missing": comp.missing[:200], "problems": comp.problems}}

    def _record_run(self, *, final: bool) -> None:
        """The run's row, before its first lines (they refer to it). Recorded before the last
        chunk is computed, its totals are zero and its report says so until the last chunk's
        transaction writes them: an interrupted run's row says it did not finish."""
        comp = self.comp
        totals = self._totals() if final else {"lines": 0, "total_fen": 0, "skipped_existing": 0,
                                                "report": {"missing": [], "problems": [], "unfinished": True}}
        self.s.execute(BillRun.__table__.insert(), [{
            "id": self.run_id, "period": str(self.period),
            "community_id": comp.community_ids[0] if self.community else None, **totals,
            "created_by": self.user, "created_at": clock.now()}])

    def _write_lines(self, rows: Lines) -> None:
        if not _count(rows):
            return
        now = clock.now().astimezone(timezone.utc).replace(tzinfo=None)
        self.laps.add("prepare")
        if isinstance(rows, FileChunk):
            self.attached.copy(self.s.connection(), rows, now.isoformat(sep=" "))
        else:
            insert_lines(self.s, rows, now)
        self.laps.add("insert")
        self._post(rows)
        self.laps.add("ledger")

    def _post(self, rows: Lines) -> None:
        kw = {"alias": self.attached.alias(rows)} if isinstance(rows, FileChunk) and rows.postings else {}
        post_chunk(self.s, rows, accounts=self.accounts, ref_type="bill_run", ref_id=self.run_id,
                   memo=f"出账 {self.period}", user=self.user, terminal=self.terminal, **kw)


def post_chunk(s: Session, rows: Lines, **kw) -> None:  # type: ignore[no-untyped-def]
    """One balanced ledger transaction for a chunk's lines: Dr each room's AR, Cr each fee
    item's income — what receivables.postings.post_bill_lines books, with the amounts summed
    per room and per fee item as plain dict updates first (100,000 rooms a run). `accounts`
    (code -> id) are accounts already looked up (ledger.post)."""
    if isinstance(rows, FileChunk):
        kw.pop("accounts", None)
        alias = kw.pop("alias", None)
        if rows.postings:
            ledger.post_prepared(s, "bill", rows.txn_id, f"{alias}.posting", rows.postings, **kw)
        return
    kw.pop("alias", None)
    by_room, by_fee = chunk_files.sums(rows)
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
