"""Issue 11, "Speed": `sync join` of a counter to a community of N rooms (default 10,000) with
12 billed months (the demo's history); target ≤ 30 s.

    .venv/bin/python -m tests.bench.bench_sync_join                 # 10,000 rooms
    .venv/bin/python -m tests.bench.bench_sync_join --small         # 300 rooms
    .venv/bin/python -m tests.bench.bench_sync_join --db postgresql+psycopg://…/empty_db

Timed: the whole `propdesk sync join` command (process start included; `cli_startup_seconds`
says how much of it that is). The counter's database is initialised first (not timed).
"""

from __future__ import annotations

import argparse
import json
import time

from tests.bench.bench_sync_common import bench_world, cli_startup_seconds
from tests.support import processes as P
from tests.support.sync_world import sql_rows


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="an empty PostgreSQL database for central (default: a throwaway server)")
    ap.add_argument("--rooms", type=int, default=10_000)
    ap.add_argument("--small", action="store_true", help="300 rooms")
    ap.add_argument("--dir", help="work directory (counter database, logs)")
    args = ap.parse_args(argv)
    if args.small:
        args.rooms = 300
    with bench_world(args.db, args.rooms, args.dir) as (world, demo_seconds):
        token = P.add_terminal(world.pg_url, "K1", [world.community])
        db = f"sqlite:///{world.workdir / 'counter-K1.db'}"
        P.run(db, "init", terminal="K1")
        t0 = time.perf_counter()
        joined = P.cli(db, "sync", "join", "--central", world.url, f"--token={token}", terminal="K1")
        join_seconds = time.perf_counter() - t0
        counted = {t: int(sql_rows(db, f"SELECT count(*) FROM {t}")[0][0]) for t in ("room", "bill_line", "payment")}
        central_lines = int(world.central_sql("SELECT count(*) FROM bill_line")[0][0])
        periods = int(world.central_sql("SELECT count(DISTINCT period) FROM bill_line")[0][0])
        out = {"benchmark": "sync_join", "rooms": args.rooms, "billed_months": periods,
               "join_seconds": round(join_seconds, 2), "pulled": joined.get("pulled"),
               "communities": joined.get("communities"), "counter_rows": counted, "central_bill_lines": central_lines,
               "cli_startup_seconds": cli_startup_seconds(), "demo_seconds": round(demo_seconds, 2),
               "target_seconds": 30}
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
