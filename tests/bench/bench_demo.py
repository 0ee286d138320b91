"""Benchmark: `propdesk init --demo --rooms N` (master data, twelve bill runs, a year of
payments) on SQLite, against the floor of the same work on the same machine: a raw durable
`executemany` of every row the demo wrote, in the demo's order, into a fresh database whose
tables have their primary keys only (no other index, no foreign key; WAL,
synchronous=FULL, one committed transaction).

    .venv/bin/python -m tests.bench.bench_demo --rooms 100000

The demo runs as a user runs it: the `propdesk` command in a process of its own. Machines
differ several-fold in speed (docs/billing.md, "The demo"), so the ratio to the floor is
what compares across machines; the seconds are what this machine took. Prints one JSON
document with the command's own phase timings.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.bench.scratch import scratch_dir

BATCH = 200_000  # rows read from the demo and inserted at a time
TARGET_S = 180


def run_demo(db: Path, rooms: int, seed: int) -> tuple[float, dict]:
    """The command, timed from outside; its JSON summary."""
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "app.cli", "--db", f"sqlite:///{db}", "init", "--demo", "--rooms", str(rooms),
           "--seed", str(seed), "--json"]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    secs = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"init --demo failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return secs, json.loads(done.stdout)


def _tables(src: sqlite3.Connection) -> list[tuple[str, list[tuple[str, str]], list[str]]]:
    """Each table with rows: (name, [(column, declared type)], primary-key columns)."""
    out = []
    for (name,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                               "AND name != 'alembic_version' ORDER BY name"):
        if src.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() is None:
            continue
        info = src.execute(f'PRAGMA table_info("{name}")').fetchall()
        cols = [(r[1], r[2]) for r in info]
        pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
        out.append((name, cols, pk))
    return out


def raw_floor(demo_db: Path, raw_db: Path) -> tuple[float, int, dict[str, int]]:
    """Every row of the demo database inserted again, as it is stored and in its order, into
    `raw_db` (primary keys only) in one durable transaction. Only the inserts and the commit
    are timed, not reading the rows back."""
    for p in (raw_db, Path(f"{raw_db}-wal"), Path(f"{raw_db}-shm")):
        p.unlink(missing_ok=True)
    from app.db.engine import SQLITE_CACHE_KIB

    src = sqlite3.connect(f"file:{demo_db}?mode=ro", uri=True)
    dst = sqlite3.connect(raw_db, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", f"cache_size=-{SQLITE_CACHE_KIB}"):
        dst.execute(f"PRAGMA {pragma}")
    tables = _tables(src)
    for name, cols, pk in tables:
        key = f', PRIMARY KEY ({", ".join(pk)})' if pk else ""
        dst.execute(f'CREATE TABLE "{name}" ({", ".join(f"{c} {t}" for c, t in cols)}{key})')
    timed = 0.0
    counts: dict[str, int] = {}
    dst.execute("BEGIN")
    for name, cols, _ in tables:
        names = ", ".join(c for c, _ in cols)
        sql = f'INSERT INTO "{name}" ({names}) VALUES ({", ".join("?" * len(cols))})'
        cur = src.execute(f'SELECT {names} FROM "{name}" ORDER BY rowid')
        n = 0
        while True:
            rows = cur.fetchmany(BATCH)
            if not rows:
                break
            t0 = time.perf_counter()
            dst.executemany(sql, rows)
            timed += time.perf_counter() - t0
            n += len(rows)
        counts[name] = n
    t0 = time.perf_counter()
    dst.execute("COMMIT")
    timed += time.perf_counter() - t0
    src.close()
    dst.close()
    return timed, sum(counts.values()), counts


def _summed(laps: list[dict[str, float]]) -> dict[str, float]:
    """The twelve runs' phases (bill_run's "timings"), each summed over the runs."""
    out: dict[str, float] = {}
    for one in laps:
        for name, seconds in one.items():
            out[name] = round(out.get(name, 0.0) + seconds, 2)
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rooms", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", default=None)
    args = ap.parse_args(argv)
    with scratch_dir(args.dir) as tmp:
        demo_db, raw_db = tmp / "demo.db", tmp / "raw-primary-keys-only.db"
        demo_s, summary = run_demo(demo_db, args.rooms, args.seed)
        raw_s, rows, counts = raw_floor(demo_db, raw_db)
        demo = summary["demo"]
        out = {
            "benchmark": "demo", "database": "sqlite", "rooms": args.rooms, "seed": args.seed,
            "demo_seconds": round(demo_s, 2), "raw_insert_seconds": round(raw_s, 2),
            "ratio_to_raw_insert": round(demo_s / raw_s, 2) if raw_s else None,
            "rows": rows, "rows_by_table": dict(sorted(counts.items(), key=lambda kv: -kv[1])[:12]),
            "raw_method": "sqlite3 executemany of every row the demo wrote, primary keys only, WAL, "
                          "synchronous=FULL, one transaction",
            "phases": {"master": demo.get("master_seconds"),
                       "bill_runs": demo.get("billing", {}).get("seconds"),
                       "payments": demo.get("payments", {}).get("seconds"),
                       "indexes_again": demo.get("indexes_seconds")},
            "bill_run_seconds": [r["seconds"] for r in demo.get("billing", {}).get("per_period", [])],
            "bill_run_timings": _summed([r.get("timings") or {} for r in demo.get("billing", {}).get("per_period", [])]),
            "payments_timings": demo.get("payments", {}).get("timings"),
            "cpu_count": os.cpu_count(),
            "target": {"demo_seconds": TARGET_S},
        }
        for p in (demo_db, raw_db):
            p.unlink(missing_ok=True)
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
