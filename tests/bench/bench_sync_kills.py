"""Issue 11, "Proof" at full count: the counter's `sync run` killed -9 at seeded random points
200 times, and central killed -9 mid-batch 20 times; then every event exactly once, device_seq
contiguous, `ledger check` ok on central and the counter. (CI runs the same code at 20 / 5 in
tests/integration/test_sync_faults.py.)

    .venv/bin/python -m tests.bench.bench_sync_kills                         # 200 / 20
    .venv/bin/python -m tests.bench.bench_sync_kills --counter-kills 20 --central-kills 5 --seed 7
"""

from __future__ import annotations

import argparse
import json
import time

from tests.bench.bench_sync_common import bench_world
from tests.support.sync_world import assert_exactly_once, central_kills, counter_kills, take_payments


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="an empty PostgreSQL database for central (default: a throwaway server)")
    ap.add_argument("--counter-kills", type=int, default=200)
    ap.add_argument("--central-kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--small", action="store_true", help="3 counter kills, 1 central kill")
    ap.add_argument("--dir", help="work directory (counter database, logs)")
    args = ap.parse_args(argv)
    if args.small:
        args.counter_kills, args.central_kills = 3, 1
    with bench_world(args.db, 60, args.dir) as (world, _):
        k1 = world.add_counter("K1")
        take_payments(k1, 40, seed=args.seed)
        t0 = time.perf_counter()
        counter = counter_kills(world, k1, args.counter_kills, args.seed)
        k1.sync_once()
        first = assert_exactly_once(world, k1)
        counter_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        central = central_kills(world, k1, args.central_kills, args.seed)
        k1.sync_once()
        second = assert_exactly_once(world, k1)
        out = {"benchmark": "sync_kills", "seed": args.seed, "counter_kills": counter, "central_kills": central,
               "after_counter_kills": first, "after_central_kills": second, "exactly_once": True,
               "counter_kill_seconds": round(counter_seconds, 1),
               "central_kill_seconds": round(time.perf_counter() - t0, 1)}
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
