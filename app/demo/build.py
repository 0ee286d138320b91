"""The demo company behind `propdesk init --demo --rooms N --seed S`.

`build_demo(ctx, rooms=N, seed=S)` fills an empty database with a believable property
company: communities with Chinese names and addresses, residential buildings (with and
without units), shops (商铺) and parking spaces (车位), owners and tenants with mobile numbers
and pinyin initials, cars, a water and an electricity meter per handed-over flat, public
meters, twelve months of readings and the fee items of billing-rules.md; then (unless
`bills=False`, `init --demo --no-bills`) it bills those twelve months with the real bill run
and writes a year of payments that leaves a realistic share of arrears
(app.demo.history).

This module holds the entry point, the communities and their fee items; the package doc
(app.demo) lists the others.

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
`today` give the same data except ids and `created_at` timestamps (bills and payments too). A different seed gives a
different company.

Re-running: `build_demo` refuses a database that already has communities or rooms
(InputError `demo.not_empty`) and changes nothing then.

Speed: rows are built as tuples and written in one transaction by the driver's bulk path
(sqlite3 `executemany`, PostgreSQL `COPY`), in storage form (decimal text as DecimalText
writes it, dates as the dialect stores them), meters and their readings in chunks in id
order so that every index insert is an append. 100,000 rooms (~170,000 meters, ~2 million
readings) take about 22-50 s on SQLite and 36 s on PostgreSQL on a 2-core machine (master data
and readings). Billing them takes twelve bill runs of 4-18 s each (computed a period ahead
of the writer by one forked child: app.demo.history.bill_periods, bill_run.bill_runs), the
payment history (~460,000 payments, ~4.5 million allocations) 63-140 s more on SQLite —
169-175 s in all on a 2-core machine where inserting its 16.5 million rows alone costs 91-96 s
(1.8 times that floor), 6.5 to 7 minutes on one 2.5 times slower (docs/billing.md, "The
demo"; tests/bench/bench_demo.py); the summary reports each part's seconds
("master_seconds", "billing", "payments").
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.config import APP_NAME
from app.context import AppContext
from app.db.models import Community, FeeItem, Room, TariffVersion
from app.demo import history
from app.demo.collect import add_mandates
from app.demo import names as N
from app.demo.master import Initials, MasterBuilder
from app.demo.readings import PERIODS, _Writer, dec1, dec2, demo_periods, month_add
from app.errors import InputError
from app.ids import new_ids
from app.services import terminal_settings, users

__all__ = ["PERIODS", "ROOMS_PER_COMMUNITY", "Initials", "build_demo", "dec1", "dec2", "demo_periods",
           "demo_print_file", "fee_items_for", "month_add"]

ROOMS_PER_COMMUNITY = 30_000

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


# --------------------------------------------------------------------------- the builder


class _Builder(MasterBuilder):
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


# --------------------------------------------------------------------------- entry point


def demo_print_file(ctx: AppContext) -> Path:
    """Where the demo counter's printer writes (transport `file`: each receipt's ESC/POS
    bytes appended): `receipts/<terminal>.escpos` beside a SQLite database file, else in the
    user data dir — so a first receipt is there to see without a printer
    (`propdesk receipt NO --format png`)."""
    db = ctx.engine.url.database if ctx.engine.dialect.name == "sqlite" else None
    folder = (Path(db).resolve().parent if db and db != ":memory:" and not db.startswith("file:")
              else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))
    return folder / "receipts" / f"{ctx.terminal}.escpos"


def build_demo(ctx: AppContext, rooms: int, seed: int = 1, today: date | None = None, *,
               bills: bool = True, meter_story: bool = False) -> dict[str, Any]:
    """Fill an empty database with a demo company of exactly `rooms` rooms (see module doc).

    Deterministic in (`rooms`, `seed`, `today`); `today` defaults to the current date and
    sets the twelve demo months (those ending with the month before it). With `bills` (the
    default) the twelve months are then billed and paid (app.demo.history); without,
    the demo stops at master data and readings.

    Refuses (InputError, nothing changed) when the database already has communities or rooms:
    demo data is never mixed with other data nor duplicated by a second `init --demo`.
    Also creates the users `cashier1` (收银员, password 1234) and `reader1` (抄表员, password
    1234) and this counter's terminal, whose printer (unless it has one) is a file printer
    writing to `demo_print_file(ctx)`. Returns counts, e.g. {"communities", "rooms", "meters",
    "readings", "periods": [first, last], "master_seconds", "seconds", ...}, with `bills` also
    "billing" (the bill runs) and "payments" (the payment history), each with its "seconds".
    """
    if rooms < 1:
        raise InputError("demo.too_few_rooms", rooms=rooms)
    today = today or clock.today()
    t0 = time.monotonic()
    with ctx.engine.connect() as conn:
        writer = _Writer(conn)
        writer.bulk_mode(rooms)
        try:
            with conn.begin():
                has = conn.scalar(select(func.count()).select_from(Community.__table__)) or conn.scalar(
                    select(func.count()).select_from(Room.__table__))
                if has:
                    raise InputError("demo.not_empty")
                builder = _Builder(writer, rooms, seed, today)
                summary = builder.run()
                s = Session(bind=conn)
                try:
                    users.ensure_user(s, "cashier1", "cashier", "张敏", password="1234")
                    users.ensure_user(s, "reader1", "reader", builder.first_reader or "抄表员", password="1234")
                    term = users.ensure_terminal(s, ctx.terminal)
                    if term.community_id is None:
                        term.community_id = builder.first_community_id
                    if not term.printer:  # a counter's own printer is never replaced
                        term.printer = terminal_settings.validate_printer(
                            {"transport": "file", "target": str(demo_print_file(ctx))})
                    s.flush()
                finally:
                    s.close()
        finally:
            writer.restore()  # after the commit: the big cache holds the dirty pages until then
    summary["master_seconds"] = round(time.monotonic() - t0, 2)
    if bills:
        with history.indexes_dropped(ctx, history.BILL_RUN_INDEXES):
            summary["billing"] = history.bill_periods(ctx, builder.periods, rooms)
            summary["payments"] = history.build_history(ctx, seed=seed, today=today, periods=builder.periods,
                                                        rooms=rooms)
            t = time.monotonic()  # what follows: the dropped indexes made again
        summary["indexes_seconds"] = round(time.monotonic() - t, 2)
        from app.demo.day_statements import write_demo_statements  # the demo's day to close (日结)

        summary["statements"] = write_demo_statements(ctx, today)
    if meter_story:  # meters on an RS-485 line and a flagged leak (app.demo.meters, issue 13)
        from app.demo.meters import add_meter_story

        summary["meter_story"] = add_meter_story(ctx, today)
    summary["mandates"] = add_mandates(ctx, seed=seed)  # bank collection (托收): app/demo/collect.py
    _analyze(ctx)
    summary["seconds"] = round(time.monotonic() - t0, 2)
    return summary


def _analyze(ctx: AppContext) -> None:
    """Statistics for the planner after the bulk load, as after any restore: PostgreSQL's
    autovacuum gets to new tables only a minute or so later, and a central serving counters
    straight after `init --demo` planned their join queries blind (docs/sync.md "Join speed")."""
    if ctx.engine.dialect.name != "postgresql":
        return
    with ctx.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
