"""Meters and their twelve months of readings for the demo company (app.demo),
and the small pieces every part of the demo builder shares: storage forms of decimals, the
demo periods, and the bulk writer.

Readings: the twelve calendar months ending with the month before `today`, one reading
(revision 0, source "demo") per meter per month, read on the 25th-28th. The meter's
`installed_on`/`initial` are the opening reading the month before (when the demo's records
begin), so the first month's usage is an ordinary month. A handful of old meters with a
short register (4-digit water, 5-digit electricity) wrap around during the year; that
reading has `rollover=True` (confirmed).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, Table

from app.db.models import Meter, MeterReading
from app.ids import new_ids

PERIODS = 12
CHUNK = 100_000  # rows per bulk write

# Seasonal factors (month 1..12): more water in summer; electricity peaks with air
# conditioning in summer and heating in winter.
WATER_SEASON = (0.9, 0.95, 0.9, 0.95, 1.0, 1.1, 1.25, 1.25, 1.1, 1.0, 0.9, 0.9)
ELEC_SEASON = (1.35, 1.3, 1.0, 0.85, 0.9, 1.15, 1.6, 1.65, 1.2, 0.9, 0.95, 1.25)


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


METER_COLS = ("id", "meter_no", "community_id", "room_id", "kind", "multiplier", "digits", "initial",
              "installed_on", "active")
READING_COLS = ("id", "meter_id", "period", "revision", "reading", "read_at", "reader", "source", "status",
                "rollover", "created_at")


class ReadingsBuilder:
    """The meters-and-readings part of the demo builder (mixed into it, so it shares its
    random generator, writer and counts)."""

    rng: random.Random
    w: _Writer
    periods: list[str]
    period_months: list[int]
    window_start: date
    opening_month: tuple[int, int]
    meter_seq: int
    counts: dict[str, int]

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

