"""The demo company behind `propdesk init --demo --rooms N --seed S`.

`build_demo(ctx, rooms=N, seed=S)` fills an empty database with a believable property
company: communities with Chinese names and addresses, residential buildings (with and
without units), shops (商铺) and parking spaces (车位), owners and tenants with mobile numbers
and pinyin initials, cars, a water and an electricity meter per handed-over flat, public
meters, twelve months of readings and the fee items of billing-rules.md. No bills: the bill
run makes those from these readings.

Shape of the data (N = rooms, counted over flats + shops + parking spaces, exactly N rows in
`room`):

- one community per ~30,000 rooms (at least one); in each ~1.5 % shops, parking spaces for
  ~15 % of the households, the rest flats in buildings `1..k`: high-rise buildings with 1-3
  units and floors 2..33 (`3-2-1502`), low-rise ones without units (`8-101`); shops in `S1`
  (`S1-101`), parking in `P` with basement levels as units (`P-B1-023`).
- `charge_start` (handover): most rooms years ago; ~2 % inside the twelve demo months
  (prorated bills); ~1 % of the flats in the future (not handed over: no owner, no meters).
  Another ~2 % of the flats are handed over but unsold (no owner; meters that stand still).
- each owned flat has one owner (some own two), ~5 % also a tenant; shops often have a
  business as tenant; parking spaces belong to flat owners of the same community.
- readings: the twelve calendar months ending with the month before `today`, one reading
  (revision 0, source "demo") per meter per month, read on the 25th-28th. The meter's
  `installed_on`/`initial` are the opening reading the month before (when the demo's records
  begin), so the first month's usage is an ordinary month. A handful of old meters with a
  short register (4-digit water, 5-digit electricity) wrap around during the year; that
  reading has `rollover=True` (confirmed).

Determinism: every value comes from `random.Random(seed)` and `today`; the same seed and
`today` give the same data except ids and `created_at` timestamps. A different seed gives a
different company.

Re-running: `build_demo` refuses a database that already has communities or rooms
(InputError "database already has data; use a new --db") and changes nothing then.

Speed: rows are built as tuples and written in one transaction by the driver's bulk path
(sqlite3 `executemany`, PostgreSQL `COPY`), in storage form (decimal text as DecimalText
writes it, dates as the dialect stores them), meters and their readings in chunks in id
order so that every index insert is an append. 100,000 rooms (~170,000 meters, ~2 million
readings) take about 22 s on SQLite and 36 s on PostgreSQL on a 2-core machine.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.orm import Session

from app.context import AppContext
from app.db.models import (
    Building,
    Community,
    FeeItem,
    Meter,
    MeterReading,
    Occupancy,
    Party,
    Room,
    TariffVersion,
    Vehicle,
)
from app.errors import InputError
from app.ids import new_ids
from app.services import demo_names as N
from app.services import users

ROOMS_PER_COMMUNITY = 30_000
PERIODS = 12
CHUNK = 100_000  # rows per bulk write

# Seasonal factors (month 1..12): more water in summer; electricity peaks with air
# conditioning in summer and heating in winter.
WATER_SEASON = (0.9, 0.95, 0.9, 0.95, 1.0, 1.1, 1.25, 1.25, 1.1, 1.0, 0.9, 0.9)
ELEC_SEASON = (1.35, 1.3, 1.0, 0.85, 0.9, 1.15, 1.6, 1.65, 1.2, 0.9, 0.95, 1.25)

LATE_FEE = {"daily_rate": "0.0003", "grace_days": 30, "cap_ratio": "1"}


def fee_items_for(public_meter_no: str) -> list[dict[str, Any]]:
    """The fee items of one community, in the JSON form of billing-rules.md ("fee items")."""
    return [
        {"code": "PM", "name": "物业服务费", "basis": "area", "unit_price": "2.50",
         "usages": ["residential", "office"], "rounding": "fen_half_up", "due_day": 15, "late_fee": LATE_FEE},
        {"code": "PM-S", "name": "商铺物业服务费", "basis": "area", "unit_price": "4.80",
         "usages": ["shop"], "rounding": "fen_half_up", "due_day": 15, "late_fee": LATE_FEE},
        {"code": "WATER", "name": "水费", "basis": "usage", "meter_kind": "water", "tier_period": "year",
         "tiers": [{"up_to": "180", "unit_price": "5.00"}, {"up_to": "260", "unit_price": "7.00"},
                   {"up_to": None, "unit_price": "9.00"}],
         "usages": ["residential"], "rounding": "fen_half_up", "due_day": 15},
        {"code": "ELEC", "name": "电费", "basis": "usage", "meter_kind": "electricity", "tier_period": "month",
         "tiers": [{"up_to": "200", "unit_price": "0.4883"}, {"up_to": "400", "unit_price": "0.5383"},
                   {"up_to": None, "unit_price": "0.7883"}],
         "usages": ["residential"], "rounding": "fen_half_up", "due_day": 15},
        {"code": "PUB-E", "name": "公共区域电费分摊", "basis": "apportioned", "unit_price": "0.65",
         "apportion": {"meter_no": public_meter_no, "by": "area", "scope": "community"},
         "usages": ["residential", "shop"], "rounding": "fen_half_up", "due_day": 15},
        {"code": "PARK", "name": "车位管理费", "basis": "parking", "unit_price": "80.00",
         "usages": ["parking"], "rounding": "fen_half_up", "due_day": 15, "late_fee": LATE_FEE},
        {"code": "GARB", "name": "生活垃圾处理费", "basis": "fixed", "unit_price": "10.00",
         "usages": ["residential"], "rounding": "fen_half_up", "due_day": 15},
    ]


# --------------------------------------------------------------------------- small helpers


def dec2(v: int) -> str:
    """Hundredths as the canonical text DecimalText stores (12.50 -> "12.50", 90.00 -> "90")."""
    if v % 100 == 0:
        return str(v // 100)
    return f"{v // 100}.{v % 100:02d}"


def dec1(v: int) -> str:
    """Tenths as the canonical text DecimalText stores (12.5 -> "12.5", 12.0 -> "12")."""
    if v % 10 == 0:
        return str(v // 10)
    return f"{v // 10}.{v % 10}"


def month_add(year: int, month: int, n: int) -> tuple[int, int]:
    m = year * 12 + (month - 1) + n
    return m // 12, m % 12 + 1


def demo_periods(today: date) -> list[str]:
    """The twelve YYYY-MM periods ending with the month before `today`."""
    out = []
    for k in range(PERIODS, 0, -1):
        y, m = month_add(today.year, today.month, -k)
        out.append(f"{y:04d}-{m:02d}")
    return out


class Initials:
    """Pinyin initials of a name ("张伟" -> "zw"), cached per character (pypinyin is slow)."""

    def __init__(self) -> None:
        from pypinyin import Style, lazy_pinyin

        self._lazy = lazy_pinyin
        self._style = Style.FIRST_LETTER
        self._cache: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        cache = self._cache
        out = []
        for ch in name:
            v = cache.get(ch)
            if v is None:
                v = "".join(self._lazy(ch, style=self._style)).lower()
                cache[ch] = v
            out.append(v)
        return "".join(out)

    def phrase(self, text: str) -> str:
        """Initials of a phrase (business names), with pypinyin's word context."""
        return "".join(self._lazy(text, style=self._style)).lower()


# --------------------------------------------------------------------------- bulk writer


class _Writer:
    """Writes rows of (already storage-form) values in bulk inside the caller's transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self.raw = conn.connection.driver_connection
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.date: Callable[[date | None], Any]
        if self.dialect == "sqlite":
            self.ts: Any = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
            self.date = lambda d: None if d is None else d.isoformat()
        elif self.dialect == "postgresql":
            self.ts = now.replace(tzinfo=None)
            self.date = lambda d: d
        else:  # any other database: through SQLAlchemy Core and its types
            self.ts = now
            self.date = lambda d: d
        self._saved_cache: int | None = None

    def bulk_mode(self, rooms: int) -> None:
        """SQLite: a page cache big enough for the load, so that B-tree pages are written once
        at commit instead of being spilled to the WAL again and again (about a third faster at
        100,000 rooms, for ~250 MB of memory). Restored by `restore()`, after the commit."""
        if self.dialect == "sqlite":
            self._saved_cache = self.raw.execute("PRAGMA cache_size").fetchone()[0]
            kib = min(256_000, max(2_000, rooms * 3))
            self.raw.execute(f"PRAGMA cache_size=-{kib}")

    def restore(self) -> None:
        if self._saved_cache is not None:
            self.raw.execute(f"PRAGMA cache_size={self._saved_cache}")
            self._saved_cache = None

    def insert(self, table: Table, cols: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if self.dialect == "sqlite":
            sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            cur = self.raw.cursor()
            try:
                cur.executemany(sql, rows)
            finally:
                cur.close()
        elif self.dialect == "postgresql":
            with self.raw.cursor() as cur:
                with cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as cp:
                    write = cp.write_row
                    for r in rows:
                        write(r)
        else:
            self.conn.execute(table.insert(), [dict(zip(cols, r)) for r in rows])


BUILDING_COLS = ("id", "community_id", "name")
ROOM_COLS = ("id", "community_id", "building_id", "unit", "number", "room_key", "area", "usage",
             "charge_start", "created_at")
PARTY_COLS = ("id", "name", "name_initials", "phone", "phone_last4", "note")
OCC_COLS = ("id", "room_id", "party_id", "role", "start_date", "end_date", "is_payer")
VEHICLE_COLS = ("id", "plate", "party_id", "space_room_id", "home_room_id")
METER_COLS = ("id", "meter_no", "community_id", "room_id", "kind", "multiplier", "digits", "initial",
              "installed_on", "active")
READING_COLS = ("id", "meter_id", "period", "revision", "reading", "read_at", "reader", "source", "status",
                "rollover", "created_at")


# --------------------------------------------------------------------------- the builder


class _Builder:
    def __init__(self, writer: _Writer, rooms: int, seed: int, today: date) -> None:
        self.conn = writer.conn
        self.w = writer
        self.rng = random.Random(seed)
        self.rooms = rooms
        self.today = today
        self.periods = demo_periods(today)
        fy, fm = int(self.periods[0][:4]), int(self.periods[0][5:])
        ly, lm = int(self.periods[-1][:4]), int(self.periods[-1][5:])
        self.window_start = date(fy, fm, 1)
        ny, nm = month_add(ly, lm, 1)
        self.window_end = date(ny, nm, 1) - timedelta(days=1)  # last day of the last period
        self.period_months = [int(p[5:]) for p in self.periods]
        oy, om = month_add(fy, fm, -1)
        self.opening_month = (oy, om)
        self.initials = Initials()
        self.phones: set[str] = set()
        self.plates: set[str] = set()
        self.meter_seq = 0
        self.counts = dict.fromkeys(
            ("communities", "buildings", "rooms", "flats", "shops", "parking", "parties", "occupancies",
             "tenants", "vacant", "not_handed_over", "handed_over_in_window", "vehicles", "meters", "readings",
             "rollovers", "fee_items"), 0)
        self.first_reader: str | None = None
        self.first_community_id: str | None = None

    # ---------------------------------------------------------------- people

    def person_name(self) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, cum_weights=self._surname_cum)[0]
        chars = N.GIVEN_CHARS
        if len(surname) == 2 or rng.random() < 0.3:
            return surname + chars[rng.randrange(len(chars))]
        return surname + chars[rng.randrange(len(chars))] + chars[rng.randrange(len(chars))]

    def phone(self) -> str:
        rng = self.rng
        while True:
            p = N.MOBILE_PREFIXES[rng.randrange(len(N.MOBILE_PREFIXES))] + f"{rng.randrange(100_000_000):08d}"
            if p not in self.phones:
                self.phones.add(p)
                return p

    def plate(self, local: str) -> str:
        rng = self.rng
        while True:
            prefix = local if rng.random() < 0.85 else rng.choice(N.OTHER_PLATE_PREFIXES)
            if rng.random() < 0.6:
                tail = f"{rng.randrange(100_000):05d}"
            else:  # one letter among the digits, as many plates have
                pos = rng.randrange(5)
                digits = f"{rng.randrange(10_000):04d}"
                tail = digits[:pos] + rng.choice(N.PLATE_LETTERS) + digits[pos:]
            p = f"{prefix}·{tail}"
            if p not in self.plates:
                self.plates.add(p)
                return p

    # ---------------------------------------------------------------- run

    def run(self) -> dict[str, Any]:
        rng = self.rng
        self._surnames = [s for s, _ in N.SURNAMES]
        acc = 0
        self._surname_cum = []
        for _, wgt in N.SURNAMES:
            acc += wgt
            self._surname_cum.append(acc)

        n_comm = max(1, min(len(N.COMMUNITY_NAMES), round(self.rooms / ROOMS_PER_COMMUNITY)))
        names = rng.sample(N.COMMUNITY_NAMES, n_comm)
        city, districts, roads, plate_prefix = rng.choice(N.CITIES)
        self.plate_prefix = plate_prefix
        weights = [rng.uniform(0.8, 1.2) for _ in range(n_comm)]
        sizes = [int(self.rooms * wt / sum(weights)) for wt in weights]
        for i in range(self.rooms - sum(sizes)):
            sizes[i % n_comm] += 1

        comm_ids = new_ids(n_comm)
        codes: list[str] = []
        comm_rows = []
        for i, name in enumerate(names):
            code = self.initials(name).upper()
            while code in codes:
                code += str(i + 1)
            codes.append(code)
            address = f"{city}{rng.choice(districts)}{rng.choice(roads)}{rng.randrange(1, 999)}号"
            comm_rows.append({"id": comm_ids[i], "name": name, "code": code, "address": address,
                              "options": {"prepaid_deduction": n_comm > 1 and i == n_comm - 1}})
        self.conn.execute(Community.__table__.insert(), comm_rows)
        self.counts["communities"] = n_comm
        self.first_community_id = comm_ids[0]

        fee_rows: list[dict[str, Any]] = []
        tariff_rows: list[dict[str, Any]] = []
        for cid, code, size in zip(comm_ids, codes, sizes):
            self.community(cid, code, size)
            for spec in fee_items_for(f"PUB-E-{code}"):
                fid = new_ids(1)[0]
                fee_rows.append({
                    "id": fid, "community_id": cid, "code": spec["code"], "name": spec["name"],
                    "basis": spec["basis"], "meter_kind": spec.get("meter_kind"),
                    "tier_period": spec.get("tier_period"), "apportion": spec.get("apportion"),
                    "usages": spec["usages"], "rounding": spec["rounding"], "due_day": spec["due_day"],
                    "late_fee": spec.get("late_fee"), "active": True})
                tariff_rows.append({
                    "id": new_ids(1)[0], "fee_item_id": fid, "effective_from": date(2000, 1, 1),
                    "unit_price": spec.get("unit_price"), "tiers": spec.get("tiers"), "created_by": "demo"})
        self.conn.execute(FeeItem.__table__.insert(), fee_rows)
        self.conn.execute(TariffVersion.__table__.insert(), tariff_rows)
        self.counts["fee_items"] = len(fee_rows)
        self.counts["rooms"] = self.counts["flats"] + self.counts["shops"] + self.counts["parking"]
        assert self.counts["rooms"] == self.rooms, (self.counts, self.rooms)
        return {**self.counts, "periods": [self.periods[0], self.periods[-1]]}

    # ---------------------------------------------------------------- one community

    def community(self, cid: str, code: str, n: int) -> None:
        rng = self.rng
        w = self.w
        ws = self.window_start
        latest_delivery = ws - timedelta(days=400)
        delivered = date(rng.randrange(self.today.year - 16, self.today.year - 2), rng.randrange(1, 13),
                         rng.randrange(1, 29))
        delivered = min(delivered, latest_delivery)

        shops = 0 if n < 40 else max(2, round(n * rng.uniform(0.01, 0.02)))
        ratio = rng.uniform(0.13, 0.17)
        parking = round((n - shops) * ratio / (1 + ratio))
        flats = n - shops - parking

        readers = [self.person_name() for _ in range(2 + n // 15000)]
        if self.first_reader is None:
            self.first_reader = readers[0]

        # --- buildings and rooms: (building index, unit, number, key, area in 1/100 m², usage)
        bnames: list[str] = []
        bdates: list[date] = []
        rooms: list[tuple[int, str, str, str, int, str]] = []
        left = flats
        bno = 0
        while left > 0:
            bno += 1
            bi = len(bnames)
            bnames.append(str(bno))
            phase = 0 if rng.random() < 0.6 else 1
            bdates.append(min(delivered + timedelta(days=phase * rng.randrange(300, 500)), latest_delivery))
            if rng.random() < 0.78:  # high-rise with units, floors 2..top
                units = rng.choice((1, 2, 2, 2, 3, 3))
                top = rng.choice((11, 11, 18, 18, 18, 26, 28, 32, 33))
                per_floor = rng.choice((2, 2, 2, 3, 4))
                first_floor = 2
            else:  # low-rise without units, floors 1..top
                units = 0
                top = rng.randrange(4, 8)
                per_floor = rng.randrange(2, 5)
                first_floor = 1
            unit_names = [str(u) for u in range(1, units + 1)] or [""]
            stack = {(u, p): self.flat_area() for u in unit_names for p in range(1, per_floor + 1)}
            cap = len(unit_names) * per_floor * (top - first_floor + 1)
            slots = [(u, f, p) for f in range(first_floor, top + 1) for u in unit_names
                     for p in range(1, per_floor + 1)]
            if cap > left:  # the last building: the lowest floors first, the top floor maybe partial
                slots = slots[:left]
            slots.sort(key=lambda s: (s[0], s[1], s[2]))
            bname = bnames[bi]
            for u, f, p in slots:
                number = f"{f}{p:02d}"
                key = f"{bname}-{u}-{number}" if u else f"{bname}-{number}"
                rooms.append((bi, u, number, key, stack[(u, p)], "residential"))
            left -= len(slots)

        # shops: S1, S2… two floors, up to 15 a floor
        si = 0
        left = shops
        while left > 0:
            si += 1
            bi = len(bnames)
            bnames.append(f"S{si}")
            bdates.append(delivered)
            take = min(left, 30)
            for k in range(take):
                f, p = 1 + k // 15, 1 + k % 15
                number = f"{f}{p:02d}"
                area = rng.randrange(3000, 9000) if rng.random() < 0.7 else rng.randrange(9000, 20001)
                rooms.append((bi, "", number, f"S{si}-{number}", area, "shop"))
            left -= take

        # parking: garage P (or P1, P2… in big communities), basement levels B1..B3 as units
        garages = max(1, math.ceil(parking / 2997)) if parking else 0
        left = parking
        for g in range(garages):
            gname = "P" if garages == 1 else f"P{g + 1}"
            bi = len(bnames)
            bnames.append(gname)
            bdates.append(delivered)
            in_garage = min(left, math.ceil(parking / garages))
            levels = max(1, math.ceil(in_garage / 999))
            per_level = math.ceil(in_garage / levels)
            for k in range(in_garage):
                unit = f"B{1 + k // per_level}"
                number = f"{1 + k % per_level:03d}"
                rooms.append((bi, unit, number, f"{gname}-{unit}-{number}", rng.randrange(1200, 1501), "parking"))
            left -= in_garage

        bids = new_ids(len(bnames))
        w.insert(Building.__table__, BUILDING_COLS, [(bids[i], cid, nm) for i, nm in enumerate(bnames)])
        self.counts["buildings"] += len(bnames)

        # --- who and since when
        n_rooms = len(rooms)
        flat_idx = [i for i, r in enumerate(rooms) if r[5] == "residential"]
        shop_idx = [i for i, r in enumerate(rooms) if r[5] == "shop"]
        park_idx = [i for i, r in enumerate(rooms) if r[5] == "parking"]
        # status of a flat: "owned", "vacant" (handed over, unsold), "recent" (handed over in
        # the demo year), "future" (not yet handed over)
        status = ["owned"] * n_rooms
        pool = list(flat_idx)
        rng.shuffle(pool)
        k_future = max(1, round(len(flat_idx) * 0.01)) if len(flat_idx) >= 20 else 0
        k_recent = max(1, round(len(flat_idx) * 0.02)) if len(flat_idx) >= 20 else 0
        k_vacant = max(1, round(len(flat_idx) * 0.02)) if len(flat_idx) >= 20 else 0
        for i in pool[:k_future]:
            status[i] = "future"
        for i in pool[k_future:k_future + k_recent]:
            status[i] = "recent"
        for i in pool[k_future + k_recent:k_future + k_recent + k_vacant]:
            status[i] = "vacant"
        for idx, share in ((shop_idx, 0.05), (park_idx, 0.05)):
            for i in idx:
                if rng.random() < share:
                    status[i] = "vacant"
                elif rng.random() < 0.03:
                    status[i] = "recent"

        span_recent = (self.window_end - ws).days + 1
        starts: list[date] = []
        for i, r in enumerate(rooms):
            st = status[i]
            if st == "future":
                cs = self.today + timedelta(days=rng.randrange(10, 121))
            elif st == "recent":
                cs = ws + timedelta(days=rng.randrange(span_recent))
            else:
                base = bdates[r[0]]
                if r[5] == "parking":
                    cs = base + timedelta(days=rng.randrange(0, 1500))
                elif rng.random() < 0.75:
                    cs = base
                else:
                    cs = base + timedelta(days=rng.randrange(1, 400))
                cs = min(cs, ws - timedelta(days=1))
            starts.append(cs)

        room_ids = new_ids(n_rooms)
        d = w.date
        ts = w.ts
        room_rows = [(room_ids[i], cid, bids[r[0]], r[1], r[2], r[3], dec2(r[4]), r[5], d(starts[i]), ts)
                     for i, r in enumerate(rooms)]
        for k in range(0, n_rooms, CHUNK):
            w.insert(Room.__table__, ROOM_COLS, room_rows[k:k + CHUNK])
        del room_rows
        self.counts["flats"] += len(flat_idx)
        self.counts["shops"] += len(shop_idx)
        self.counts["parking"] += len(park_idx)
        self.counts["not_handed_over"] += k_future
        self.counts["handed_over_in_window"] += sum(1 for s in status if s == "recent")

        # --- parties and occupancies
        parties: list[tuple] = []
        occs: list[tuple] = []
        owner_of: dict[int, int] = {}  # room index -> party index
        owned_flats: list[int] = []
        initials = self.initials

        def new_person(note: str | None = None) -> int:
            name = self.person_name()
            phone = self.phone()
            parties.append((name, initials(name), phone, phone[-4:], note))
            return len(parties) - 1

        for i in flat_idx:
            if status[i] in ("future", "vacant"):
                continue
            if owned_flats and rng.random() < 0.03:  # an owner of another flat here
                pi = owner_of[owned_flats[rng.randrange(len(owned_flats))]]
            else:
                pi = new_person()
            owner_of[i] = pi
            owned_flats.append(i)
            occs.append((i, pi, "owner", starts[i], None, True))
        tenants = rng.sample(owned_flats, round(len(owned_flats) * 0.05)) if owned_flats else []
        tenants.sort()
        for i in tenants:
            occs.append((i, new_person(), "tenant", *self.lease(), False))
        for i in shop_idx:
            if status[i] == "vacant":
                continue
            owner_of[i] = new_person()
            occs.append((i, owner_of[i], "owner", starts[i], None, True))
            if rng.random() < 0.4:
                biz = rng.choice(N.SHOP_TENANTS)
                phone = self.phone()
                parties.append((biz, initials.phrase(biz), phone, phone[-4:], "商户"))
                occs.append((i, len(parties) - 1, "tenant", *self.lease(), False))
        # parking spaces belong to households of this community (one space each, mostly)
        buyers = list(owned_flats)
        rng.shuffle(buyers)
        vehicles: list[tuple[str, int, int, int]] = []  # plate, party, space room, home room
        for n_sp, i in enumerate(park_idx):
            if status[i] == "vacant" or not buyers:
                continue
            home = buyers[n_sp % len(buyers)]
            pi = owner_of[home]
            owner_of[i] = pi
            occs.append((i, pi, "owner", starts[i], None, True))
            if rng.random() < 0.75:
                vehicles.append((self.plate(self.plate_prefix), pi, i, home))

        party_ids = new_ids(len(parties))
        w.insert(Party.__table__, PARTY_COLS, [(party_ids[k], *p) for k, p in enumerate(parties)])
        occ_ids = new_ids(len(occs))
        w.insert(Occupancy.__table__, OCC_COLS,
                 [(occ_ids[k], room_ids[o[0]], party_ids[o[1]], o[2], d(o[3]), d(o[4]), o[5])
                  for k, o in enumerate(occs)])
        veh_ids = new_ids(len(vehicles))
        w.insert(Vehicle.__table__, VEHICLE_COLS,
                 [(veh_ids[k], v[0], party_ids[v[1]], room_ids[v[2]], room_ids[v[3]]) for k, v in enumerate(vehicles)])
        self.counts["parties"] += len(parties)
        self.counts["occupancies"] += len(occs)
        self.counts["tenants"] += sum(1 for o in occs if o[2] == "tenant")
        self.counts["vacant"] += sum(1 for i in flat_idx if status[i] in ("future", "vacant"))
        self.counts["vehicles"] += len(vehicles)
        del parties, occs, vehicles

        # --- meters and readings
        self.meters(cid, code, rooms, room_ids, status, starts, readers, len(flat_idx) + len(shop_idx))

    def flat_area(self) -> int:
        """Area of a flat layout in 1/100 m²: mostly 85-125 m², some small, some large."""
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            return rng.randrange(5000, 8500)
        if r < 0.85:
            return int(rng.triangular(8500, 12500, 10200))
        return rng.randrange(12500, 18001)

    def lease(self) -> tuple[date, date]:
        """A current lease of one or two years: (start, end)."""
        start = self.today - timedelta(days=self.rng.randrange(20, 360))
        years = 1 if self.rng.random() < 0.7 else 2
        end = date(start.year + years, start.month, min(start.day, 28)) - timedelta(days=1)
        return start, end

    # ---------------------------------------------------------------- meters and readings

    def meters(self, cid: str, code: str, rooms: list[tuple], room_ids: list[str], status: list[str],
               starts: list[date], readers: list[str], households: int) -> None:
        rng = self.rng
        w = self.w
        d = w.date
        periods = self.periods
        months = self.period_months
        ws = self.window_start
        oy, om = self.opening_month

        # the read date and reader of each building in each period (one route a day)
        n_b = 1 + max(r[0] for r in rooms)
        route: list[list[tuple[Any, str]]] = []
        for bi in range(n_b):
            reader = readers[bi % len(readers)]
            route.append([(d(date(int(p[:4]), int(p[5:]), rng.randrange(25, 29))), reader) for p in periods])
        opening = [d(date(oy, om, rng.randrange(25, 29))) for _ in range(n_b)]

        metered = [i for i, r in enumerate(rooms) if r[5] == "residential" and status[i] != "future"]
        # A handful of old meters with a short register that wraps around during the year.
        eligible = [i for i in metered if status[i] == "owned"]
        n_roll = min(len(eligible), max(1, len(metered) // 5000))
        roll_w = set(rng.sample(eligible, n_roll)) if eligible else set()
        roll_e = set(rng.sample(eligible, n_roll)) if eligible else set()
        self.counts["rollovers"] += len(roll_w) + len(roll_e)

        water_season = [WATER_SEASON[m - 1] * 10 for m in months]  # x10: tenths of m³
        elec_season = [ELEC_SEASON[m - 1] * 100 for m in months]  # x100: hundredths of kWh
        rnd = rng.random
        uniform = rng.uniform
        ts = w.ts

        # Meters go in by chunks of rooms, each chunk followed by its readings, so that memory
        # stays small and both tables are appended in id order.
        step = 4000
        for c0 in range(0, len(metered), step):
            chunk = metered[c0:c0 + step]
            meter_ids = new_ids(2 * len(chunk))
            reading_ids = new_ids(2 * len(chunk) * PERIODS)
            meter_rows: list[tuple] = []
            readings: list[tuple] = []
            add_reading = readings.append
            n = 0
            for ci, i in enumerate(chunk):
                bi = rooms[i][0]
                st = status[i]
                rt = route[bi]
                self.meter_seq += 1
                seq = self.meter_seq
                # month index (0..11) from which the flat is lived in
                if st == "vacant":
                    live_from = PERIODS
                elif st == "recent":
                    cs = starts[i]
                    live_from = (cs.year - ws.year) * 12 + cs.month - ws.month
                else:
                    live_from = 0
                for water in (True, False):
                    r0 = rnd()
                    if water:
                        base = uniform(5, 13) if r0 < 0.68 else uniform(13, 20) if r0 < 0.94 else uniform(20, 38)
                        scale, season, digits, roll = 10, water_season, 6, i in roll_w
                    else:
                        base = uniform(100, 250) if r0 < 0.6 else uniform(250, 420) if r0 < 0.93 else uniform(420, 650)
                        scale, season, digits, roll = 100, elec_season, 8, i in roll_e
                    if live_from == 0:
                        usage = [int(base * f * (0.8 + 0.4 * rnd())) for f in season]
                    else:
                        usage = [0] * min(live_from, PERIODS)
                        if live_from < PERIODS:  # handed over this year: a part month of renovation
                            usage.append(int(base * scale * (0.3 + 0.9 * rnd())))
                            usage += [int(base * f * (0.8 + 0.4 * rnd())) for f in season[live_from + 1:]]
                    if roll:  # an old short register, set so that it wraps in month k
                        digits = 4 if water else 5
                        k = rng.randrange(1, PERIODS)
                        u = usage[k] = max(usage[k], 2)
                        start = 10 ** digits * scale - sum(usage[:k + 1]) + rng.randrange(1, u)
                    elif st == "owned":  # years of use since the handover
                        years = (ws - starts[i]).days / 365
                        start = int(years * 12 * base * scale * uniform(0.8, 1.1))
                    else:  # a new or vacant flat: the meter has hardly turned
                        start = rng.randrange(0, 5 * scale)
                    top = 10 ** digits * scale
                    start %= top
                    mid = meter_ids[2 * ci + (0 if water else 1)]
                    if water:
                        meter_rows.append((mid, f"W-{seq:07d}", cid, room_ids[i], "water", "1", digits,
                                           dec1(start), opening[bi], True))
                    else:
                        meter_rows.append((mid, f"E-{seq:07d}", cid, room_ids[i], "electricity", "1", digits,
                                           dec2(start), opening[bi], True))
                    cur = start
                    flags = [False] * PERIODS
                    for k in range(PERIODS):
                        cur += usage[k]
                        if cur >= top:
                            cur -= top
                            flags[k] = True
                        if water:
                            text = f"{cur // 10}.{cur % 10}" if cur % 10 else str(cur // 10)
                        else:
                            text = f"{cur // 100}.{cur % 100:02d}" if cur % 100 else str(cur // 100)
                        ra, reader = rt[k]
                        add_reading((reading_ids[n], mid, periods[k], 0, text, ra, reader, "demo", "valid",
                                     flags[k], ts))
                        n += 1
            w.insert(Meter.__table__, METER_COLS, meter_rows)
            w.insert(MeterReading.__table__, READING_COLS, readings)
            self.counts["meters"] += len(meter_rows)
            self.counts["readings"] += len(readings)

        # Public meters: common-area electricity through a 40:1 current transformer, and water
        # for gardens and cleaning; read on the first building's route.
        meter_rows = []
        readings = []
        meter_ids = new_ids(2)
        reading_ids = new_ids(2 * PERIODS)
        n = 0
        for mi, (kind, prefix, mult, scale, fmt) in enumerate(
                (("electricity", "PUB-E", 40, 100, dec2), ("water", "PUB-W", 1, 10, dec1))):
            per_hh = uniform(10, 16) if kind == "electricity" else uniform(0.3, 0.6)
            season = ELEC_SEASON if kind == "electricity" else WATER_SEASON
            start = rng.randrange(10_000, 500_000) * scale // 10
            meter_rows.append((meter_ids[mi], f"{prefix}-{code}", cid, None, kind, str(mult), 8, fmt(start),
                               opening[0], True))
            cur = start
            for k in range(PERIODS):
                # register units = consumption / multiplier
                cur += int(max(households, 1) * per_hh * scale * (0.5 + season[months[k] - 1] / 2)
                           * uniform(0.9, 1.1) / mult)
                ra, reader = route[0][k]
                readings.append((reading_ids[n], meter_ids[mi], periods[k], 0, fmt(cur), ra, reader, "demo", "valid",
                                 False, ts))
                n += 1
        w.insert(Meter.__table__, METER_COLS, meter_rows)
        w.insert(MeterReading.__table__, READING_COLS, readings)
        self.counts["meters"] += len(meter_rows)
        self.counts["readings"] += len(readings)


# --------------------------------------------------------------------------- entry point


def build_demo(ctx: AppContext, rooms: int, seed: int = 1, today: date | None = None) -> dict[str, Any]:
    """Fill an empty database with a demo company of exactly `rooms` rooms (see module doc).

    Deterministic in (`rooms`, `seed`, `today`); `today` defaults to the current date and
    sets the twelve demo months (those ending with the month before it).

    Refuses (InputError, nothing changed) when the database already has communities or rooms:
    demo data is never mixed with other data nor duplicated by a second `init --demo`.
    Also creates the users `cashier1` (收银员, password 1234) and `reader1` (抄表员, password
    1234) and this counter's terminal. Returns counts, e.g. {"communities", "rooms", "meters",
    "readings", "periods": [first, last], "seconds", ...}.
    """
    if rooms < 1:
        raise InputError(f"rooms must be at least 1, got {rooms}")
    today = today or date.today()
    t0 = time.monotonic()
    with ctx.engine.connect() as conn:
        writer = _Writer(conn)
        writer.bulk_mode(rooms)
        try:
            with conn.begin():
                has = conn.scalar(select(func.count()).select_from(Community.__table__)) or conn.scalar(
                    select(func.count()).select_from(Room.__table__))
                if has:
                    raise InputError("database already has data; use a new --db")
                builder = _Builder(writer, rooms, seed, today)
                summary = builder.run()
                s = Session(bind=conn)
                try:
                    users.ensure_user(s, "cashier1", "cashier", "张敏", password="1234")
                    users.ensure_user(s, "reader1", "reader", builder.first_reader or "抄表员", password="1234")
                    term = users.ensure_terminal(s, ctx.terminal)
                    if term.community_id is None:
                        term.community_id = builder.first_community_id
                    s.flush()
                finally:
                    s.close()
        finally:
            writer.restore()  # after the commit: the big cache holds the dirty pages until then
    summary["seconds"] = round(time.monotonic() - t0, 2)
    return summary
