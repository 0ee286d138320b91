"""Issue 11, "Speed": push of N offline payments (default 10,000) from one counter to central
on loopback, through `sync run --once`; target ≤ 10 s, exactly once.

    .venv/bin/python -m tests.bench.bench_sync_push                 # 10,000 payments
    .venv/bin/python -m tests.bench.bench_sync_push --small         # 200, a smoke run
    .venv/bin/python -m tests.bench.bench_sync_push --db postgresql+psycopg://…/empty_db

The payments are taken first with central unreachable (not timed: `take_seconds`); then the
whole `sync run --once` command is timed (`push_seconds`, including the process start,
`cli_startup_seconds`, and the pull that follows), and the result checked event by event
(tests/support/sync_world.assert_exactly_once).
"""

from __future__ import annotations

import argparse
import json
import time

from tests.bench.bench_sync_common import bench_world, cli_startup_seconds
from tests.support.sync_world import assert_exactly_once, issued_events, take_payments


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="an empty PostgreSQL database for central (default: a throwaway server)")
    ap.add_argument("--payments", type=int, default=10_000)
    ap.add_argument("--rooms", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--small", action="store_true", help="200 payments on 60 rooms")
    ap.add_argument("--dir", help="work directory (counter database, logs)")
    args = ap.parse_args(argv)
    if args.small:
        args.payments, args.rooms = 200, 60
    with bench_world(args.db, args.rooms, args.dir) as (world, demo_seconds):
        k1 = world.add_counter("K1")
        world.stop_central()
        t0 = time.perf_counter()
        take_payments(k1, args.payments, seed=args.seed)
        take_seconds = time.perf_counter() - t0
        events = issued_events(k1)
        world.start_central()
        t0 = time.perf_counter()
        result = k1.sync_once()
        push_seconds = time.perf_counter() - t0
        try:
            done = assert_exactly_once(world, k1)
            exactly_once, problem = done["payments"] == args.payments, None
        except AssertionError as e:
            exactly_once, problem = False, str(e)[:500]
        pushes = [r for r in world.proxy.stats.records if r.method == "POST" and r.path.startswith("/v1/push")]
        out = {"benchmark": "sync_push", "payments": args.payments, "events": events, "rooms": args.rooms,
               "pushed": result["pushed"], "push_seconds": round(push_seconds, 2),
               "events_per_second": round(events / push_seconds, 1), "batches": len(pushes),
               "cli_startup_seconds": cli_startup_seconds(), "take_seconds": round(take_seconds, 2),
               "demo_seconds": round(demo_seconds, 2), "exactly_once": exactly_once, "problem": problem,
               "target_seconds": 10}
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
