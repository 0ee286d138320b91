"""Benchmark: a bill run of N rooms × 5 fee items on SQLite, against a raw executemany
insert of the same bill-line rows into the same schema.

    .venv/bin/python -m tests.bench.bench_bill_run --rooms 100000

Fee items: PM (area), GARB (fixed), WATER (tiered per year), ELEC (tiered per month) and
PUBE (a community-wide public-electricity share). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.context import AppContext
from app.db.models import Building, Community, FeeItem, Meter, MeterReading, Room, TariffVersion
from app.ids import new_ids
from app.services import users
from app.services.billing.bill_run import CHUNK_ROOMS, bill_run

PERIOD_PREV, PERIOD = "2026-09", "2026-10"


def build(ctx: AppContext, rooms: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with ctx.engine.begin() as conn:
        cid = new_ids(1)[0]
        conn.execute(Community.__table__.insert(), [{"id": cid, "name": "基准小区", "options": "{}"}])
        nb = max(1, rooms // 500)
        bids = new_ids(nb)
        conn.execute(Building.__table__.insert(), [{"id": b, "community_id": cid, "name": str(i + 1)} for i, b in enumerate(bids)])
        rids = new_ids(rooms)
        room_rows, meter_rows, reading_rows = [], [], []
        mids = iter(new_ids(rooms * 2 + 1))
        for i, rid in enumerate(rids):
            b = i % nb
            key = f"{b + 1}-{(i // nb) % 2 + 1}-{i // nb + 101}"
            room_rows.append({"id": rid, "community_id": cid, "building_id": bids[b], "unit": "", "number": str(i),
                              "room_key": key, "area": f"{rnd.randint(5000, 18000) / 100:.2f}",
                              "usage": "residential", "charge_start": date(2020, 1, 1)})
            for kind, no, use in (("water", f"W{i:07d}", rnd.randint(3, 40)), ("electricity", f"E{i:07d}", rnd.randint(80, 600))):
                mid = next(mids)
                base = rnd.randint(0, 5000)
                meter_rows.append({"id": mid, "meter_no": no, "community_id": cid, "room_id": rid, "kind": kind,
                                   "multiplier": "1", "digits": 8, "initial": "0", "active": True})
                reading_rows.append((mid, PERIOD_PREV, str(base)))
                reading_rows.append((mid, PERIOD, str(base + use)))
        pub = next(mids)
        meter_rows.append({"id": pub, "meter_no": "PUB-E", "community_id": cid, "room_id": None, "kind": "electricity",
                           "multiplier": "40", "digits": 8, "initial": "0", "active": True})
        reading_rows += [(pub, PERIOD_PREV, "1000"), (pub, PERIOD, str(1000 + rooms // 10))]
        conn.execute(Room.__table__.insert(), room_rows)
        conn.execute(Meter.__table__.insert(), meter_rows)
        rd_ids = new_ids(len(reading_rows))
        conn.execute(MeterReading.__table__.insert(), [
            {"id": i, "meter_id": m, "period": p, "revision": 0, "reading": v, "source": "demo", "status": "valid",
             "rollover": False} for i, (m, p, v) in zip(rd_ids, reading_rows)])
        items = [
            ("PM", "area", {"unit_price": "2.5"}, {}),
            ("GARB", "fixed", {"unit_price": "10"}, {}),
            ("WATER", "usage", {"tiers": [{"up_to": "180", "unit_price": "5"}, {"up_to": "260", "unit_price": "7"},
                                          {"up_to": None, "unit_price": "9"}]}, {"meter_kind": "water", "tier_period": "year"}),
            ("ELEC", "usage", {"tiers": [{"up_to": "200", "unit_price": "0.4883"}, {"up_to": "400", "unit_price": "0.5383"},
                                         {"up_to": None, "unit_price": "0.7883"}]}, {"meter_kind": "electricity", "tier_period": "month"}),
            ("PUBE", "apportioned", {"unit_price": "0.65"}, {"apportion": {"meter_no": "PUB-E", "by": "area", "scope": "community"}}),
        ]
        for code, basis, price, extra in items:
            fid = new_ids(1)[0]
            conn.execute(FeeItem.__table__.insert(), [{"id": fid, "community_id": cid, "code": code, "name": code,
                                                       "basis": basis, "usages": ["residential"], "rounding": "fen_half_up",
                                                       "due_day": 15, "active": True, "meter_kind": None,
                                                       "tier_period": None, "apportion": None, **extra}])
            conn.execute(TariffVersion.__table__.insert(), [{"id": new_ids(1)[0], "fee_item_id": fid,
                                                             "effective_from": date(2000, 1, 1),
                                                             "unit_price": Decimal(price["unit_price"]) if "unit_price" in price else None,
                                                             "tiers": price.get("tiers")}])


def raw_insert_seconds(db_file: Path, rows: list[tuple], columns: list[str]) -> float:
    """The same rows, inserted with sqlite3.executemany into a fresh copy of the schema."""
    fresh = db_file.with_name("raw.db")
    ctx = AppContext.open(f"sqlite:///{fresh}")
    ctx.close()
    conn = sqlite3.connect(fresh, isolation_level=None)
    from app.db.engine import SQLITE_CACHE_KIB

    # The same settings the application's engine uses (app/db/engine.py), minus foreign keys.
    for pragma in ("foreign_keys=OFF", "journal_mode=WAL", "synchronous=FULL", f"cache_size=-{SQLITE_CACHE_KIB}"):
        conn.execute(f"PRAGMA {pragma}")
    sql = f"INSERT INTO bill_line ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    secs = time.perf_counter() - t0
    conn.close()
    return secs


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rooms", type=int, default=100_000)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--chunk-rooms", type=int, default=CHUNK_ROOMS, help="rooms per write transaction")
    args = ap.parse_args(argv)
    tmp = Path(args.dir or tempfile.mkdtemp(prefix="propdesk-bench-"))
    db_file = tmp / "bench.db"
    db_file.unlink(missing_ok=True)
    ctx = AppContext.open(f"sqlite:///{db_file}")
    t0 = time.perf_counter()
    build(ctx, args.rooms)
    with ctx.uow() as s:
        users.ensure_user(s, "bench", "finance")  # the bill run checks its user may bill
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ctx.uow() as s:
        result = bill_run(s, PERIOD, user="bench", chunk_rooms=args.chunk_rooms)
    run_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ctx.uow() as s:
        again = bill_run(s, PERIOD, user="bench")
    rerun_s = time.perf_counter() - t0
    columns = ["id", "room_id", "fee_item_id", "period", "kind", "amount_fen", "detail", "quantity", "due_date",
               "tariff_version_id", "bill_run_id", "created_by", "created_at"]
    ctx.close()
    conn = sqlite3.connect(db_file)
    rows = conn.execute(f"SELECT {', '.join(columns)} FROM bill_line ORDER BY rowid").fetchall()  # insertion order
    conn.close()
    raw_s = raw_insert_seconds(db_file, rows, columns)
    out = {
        "benchmark": "bill_run", "rooms": args.rooms, "fee_items": 5, "lines": result["lines"],
        "total_fen": result["total_fen"], "bill_run_seconds": round(run_s, 3), "raw_insert_seconds": round(raw_s, 3),
        "ratio": round(run_s / raw_s, 2) if raw_s else None, "rerun_seconds": round(rerun_s, 3),
        "chunk_rooms": args.chunk_rooms, "phases": result.get("timings"), "rerun_lines": again["lines"], "rerun_skipped": again["skipped_existing"], "setup_seconds": round(build_s, 2),
        "target": {"bill_run_seconds": 10, "ratio": 3},
    }
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
