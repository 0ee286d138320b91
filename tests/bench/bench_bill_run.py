"""Benchmark: a bill run of N rooms × 5 fee items, against a raw durable executemany of
the same bill-line rows (same order) in one committed transaction — into a one-table
database (only bill_line, primary key only: the issue's reference) and into a fresh copy of
the application's schema.

    .venv/bin/python -m tests.bench.bench_bill_run --rooms 100000             # SQLite
    .venv/bin/python -m tests.bench.bench_bill_run --rooms 100000 --postgres  # a throwaway durable server
    .venv/bin/python -m tests.bench.bench_bill_run --db postgresql+psycopg://...  # an empty database

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

from sqlalchemy import Column, MetaData, Table

from app.context import AppContext
from app.db.models import BillLine, Building, Community, FeeItem, Meter, MeterReading, Room, TariffVersion
from app.ids import new_ids
from app.services import users
from app.services.billing.bill_run import CHUNK_ROOMS, bill_run
from tests.bench.scratch import scratch_dir

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


COLUMNS = ["id", "room_id", "fee_item_id", "period", "kind", "amount_fen", "detail", "quantity", "due_date",
           "tariff_version_id", "bill_run_id", "created_by", "created_at"]


def one_table_metadata() -> MetaData:
    """bill_line's columns, alone: no foreign keys, no index but the primary key."""
    md = MetaData()
    Table("bill_line", md, *[Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
                             for c in BillLine.__table__.columns])
    return md


def _sqlite_executemany(db: Path, rows: list[tuple], pragmas: tuple[str, ...]) -> float:
    """One durable transaction (WAL, synchronous=FULL, committed) of sqlite3.executemany."""
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in pragmas:
        conn.execute(f"PRAGMA {pragma}")
    sql = f"INSERT INTO bill_line ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    secs = time.perf_counter() - t0
    conn.close()
    return secs


def raw_sqlite(tmp: Path, rows: list[tuple]) -> dict[str, float]:
    """The same rows in the same order, inserted with sqlite3.executemany (a) into a fresh file
    holding only a bill_line table (primary key only) and (b) into a fresh copy of the
    application's schema (its indexes and, as the application runs, foreign keys on)."""
    from sqlalchemy import create_engine

    from app.db.engine import SQLITE_CACHE_KIB

    durable = ("journal_mode=WAL", "synchronous=FULL", f"cache_size=-{SQLITE_CACHE_KIB}")
    one = tmp / "raw-one-table.db"
    one.unlink(missing_ok=True)
    eng = create_engine(f"sqlite:///{one}")
    one_table_metadata().create_all(eng)
    eng.dispose()
    same = tmp / "raw-same-schema.db"
    same.unlink(missing_ok=True)
    AppContext.open(f"sqlite:///{same}").close()
    # The referenced rows are not in the fresh copy, so its foreign keys are off (the
    # application's bill run checks them: see the phases).
    return {"one_table": _sqlite_executemany(one, rows, durable),
            "same_schema": _sqlite_executemany(same, rows, ("foreign_keys=OFF", *durable))}


def raw_postgres(url: str, rows: list[tuple]) -> dict[str, float]:
    """The same rows, psycopg `executemany` (pipelined) in one committed transaction, into
    a fresh database holding only bill_line (primary key only), and into a fresh database
    with the application's schema (foreign keys dropped: the referenced rows are not there);
    and, as the bill run writes its lines on PostgreSQL, by COPY into a one-table database."""
    import psycopg
    from sqlalchemy import create_engine, make_url

    u = make_url(url)
    out = {}
    for name in ("one_table", "same_schema", "one_table_copy"):
        db = f"{u.database}_raw_{name}"
        with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{db}"')
            c.execute(f'CREATE DATABASE "{db}"')
        raw_url = u.set(database=db)
        if name != "same_schema":
            eng = create_engine(raw_url)
            one_table_metadata().create_all(eng)
            eng.dispose()
        else:
            AppContext.open(raw_url.render_as_string(hide_password=False)).close()
        with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=db) as c:
            if name == "same_schema":
                for (fk,) in c.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'bill_line'::regclass "
                                       "AND contype = 'f'").fetchall():
                    c.execute(f"ALTER TABLE bill_line DROP CONSTRAINT {fk}")
                c.commit()
            sql = f"INSERT INTO bill_line ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
            t0 = time.perf_counter()
            with c.cursor() as cur:
                if name == "one_table_copy":
                    with cur.copy(f"COPY bill_line ({', '.join(COLUMNS)}) FROM STDIN") as cp:
                        for r in rows:
                            cp.write_row(r)
                else:
                    cur.executemany(sql, rows)
            c.commit()
            out[name] = time.perf_counter() - t0
    return out


def start_durable_postgres():  # type: ignore[no-untyped-def]
    """A throwaway server like tests/support/pgserver.py's, but durable (fsync on, the
    defaults): a benchmark of writes must pay for its flushes."""
    from tests.support import pgserver as pgs

    initdb, pg_ctl = pgs.find_bin("initdb"), pgs.find_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise SystemExit("initdb/pg_ctl not found")
    import os
    import shutil

    user = ("postgres" if pgs._user_exists("postgres") else "nobody") if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="propdesk-bench-pg-"))
    if user:
        shutil.chown(base, user=user)
        os.chmod(base, 0o700)
    datadir = base / "data"
    r = pgs._run_as(user, [initdb, "-D", str(datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                           "--locale=C.UTF-8"])
    if r.returncode != 0:
        raise SystemExit(f"initdb failed: {r.stderr}")
    port = pgs._free_port()
    opts = f"-p {port} -c listen_addresses=127.0.0.1 -k {base} -c shared_buffers=256MB -c max_wal_size=4GB"
    r = pgs._run_as(user, [pg_ctl, "-D", str(datadir), "-o", opts, "-l", str(base / "log"), "-w", "-t", "60", "start"])
    if r.returncode != 0:
        raise SystemExit(f"pg_ctl start failed: {r.stderr}")
    pgs._wait_ready(port)
    return pgs.PgServer(datadir=datadir, port=port, user=user, pg_ctl=pg_ctl)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rooms", type=int, default=100_000)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--chunk-rooms", type=int, default=CHUNK_ROOMS, help="rooms per write transaction")
    ap.add_argument("--db", default=None, help="a PostgreSQL URL (an empty database) instead of a SQLite file")
    ap.add_argument("--postgres", action="store_true",
                    help="start a throwaway durable PostgreSQL server and run there (needs initdb/pg_ctl)")
    args = ap.parse_args(argv)
    with scratch_dir(args.dir) as tmp:
        server = None
        if args.postgres:
            server = start_durable_postgres()
            url = server.create_database("bench")
        elif args.db:
            url = args.db
        else:
            db_file = tmp / "bench.db"
            db_file.unlink(missing_ok=True)
            url = f"sqlite:///{db_file}"
        try:
            return _run(url, tmp, args)
        finally:
            if server is not None:
                server.stop()


def _run(url: str, tmp: Path, args: argparse.Namespace) -> dict:
    ctx = AppContext.open(url)
    pg = ctx.engine.dialect.name == "postgresql"
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
    # The rows as stored, in the order the run inserted them (PostgreSQL: physical order of
    # a table only ever appended to).
    with ctx.engine.connect() as conn:
        rows = [tuple(r) for r in conn.exec_driver_sql(
            f"SELECT {', '.join(COLUMNS)} FROM bill_line ORDER BY {'ctid' if pg else 'rowid'}")]
    ctx.close()
    raw = raw_postgres(url, rows) if pg else raw_sqlite(tmp, rows)
    one, same = raw["one_table"], raw["same_schema"]
    out = {
        "benchmark": "bill_run", "database": "postgresql" if pg else "sqlite", "rooms": args.rooms, "fee_items": 5,
        "lines": result["lines"], "total_fen": result["total_fen"], "bill_run_seconds": round(run_s, 3),
        "raw_one_table_seconds": round(one, 3), "raw_same_schema_seconds": round(same, 3),
        "ratio_one_table": round(run_s / one, 2) if one else None,
        "ratio_same_schema": round(run_s / same, 2) if same else None,
        **({"raw_one_table_copy_seconds": round(raw["one_table_copy"], 3),
            "ratio_one_table_copy": round(run_s / raw["one_table_copy"], 2)} if pg else {}),
        "raw_method": "psycopg executemany (and COPY), one transaction" if pg else
                      "sqlite3 executemany, WAL, synchronous=FULL, one transaction",
        "rerun_seconds": round(rerun_s, 3), "chunk_rooms": args.chunk_rooms, "phases": result.get("timings"),
        "rerun_lines": again["lines"], "rerun_skipped": again["skipped_existing"], "setup_seconds": round(build_s, 2),
        "target": {"bill_run_seconds": 10, "ratio_one_table": 3},
    }
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
