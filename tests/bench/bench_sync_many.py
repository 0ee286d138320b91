"""Issue 11, "Speed": C counters (default 20) each with P offline payments (default 500) push
to central at the same moment: 0 lost, 0 duplicated; throughput and p95 batch latency.

    .venv/bin/python -m tests.bench.bench_sync_many                  # 20 × 500
    .venv/bin/python -m tests.bench.bench_sync_many --small          # 3 × 20
    .venv/bin/python -m tests.bench.bench_sync_many --counters 20 --payments 500 --db postgresql+psycopg://…

Every counter is joined through the proxy (pass-through), takes its payments with central
down, then all their `sync run --once` processes start together. Batch latency is measured at
the proxy: from a push request reaching central to its whole answer. Throughput is events
over the push window (first push reaching central → last push answered), so the process
starts (`cli_startup_seconds` each, on a shared CPU) do not count; `wall_seconds` is the
whole thing. Lost: a counter's payment missing on central; duplicated: a payment on central
the counter does not have, or a (terminal, device_seq) or event id stored twice.
"""

from __future__ import annotations

import argparse
import json
import time

from tests.bench.bench_sync_common import bench_world, cli_startup_seconds, pct
from tests.support import processes as P
from tests.support.sync_world import issued_events, own_payments, take_payments


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="an empty PostgreSQL database for central (default: a throwaway server)")
    ap.add_argument("--counters", type=int, default=20)
    ap.add_argument("--payments", type=int, default=500, help="per counter")
    ap.add_argument("--rooms", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--small", action="store_true", help="3 counters × 20 payments, 300 rooms")
    ap.add_argument("--dir", help="work directory (counter databases, logs)")
    args = ap.parse_args(argv)
    if args.small:
        args.counters, args.payments, args.rooms = 3, 20, 300
    with bench_world(args.db, args.rooms, args.dir) as (world, demo_seconds):
        t0 = time.perf_counter()
        counters = [world.add_counter(f"K{i + 1}") for i in range(args.counters)]
        join_seconds = time.perf_counter() - t0
        world.stop_central()
        t0 = time.perf_counter()
        for i, k in enumerate(counters):
            take_payments(k, args.payments, seed=args.seed * 1000 + i)
        take_seconds = time.perf_counter() - t0
        events = {k.code: issued_events(k) for k in counters}
        world.start_central()
        first_record = len(world.proxy.stats.records)

        t0 = time.perf_counter()
        runs = [world.procs.sync_loop(k.db, k.code, argv=P.propdesk_argv(k.db, "sync", "run", "--once", "--json",
                                                                          terminal=k.code)) for k in counters]
        codes = [r.wait(timeout=3600) for r in runs]
        wall = time.perf_counter() - t0

        pushes = [r for r in world.proxy.stats.records[first_record:]
                  if r.method == "POST" and r.path.startswith("/v1/push") and r.server_seconds is not None]
        latencies = [r.server_seconds for r in pushes if r.server_seconds is not None]
        window = (max(r.t_answered for r in pushes) - min(r.t_forwarded for r in pushes)) if pushes else 0.0
        lost = duplicated = 0
        for k in counters:
            mine, theirs = own_payments(k.db, k.code), own_payments(world.pg_url, k.code)
            lost += len(set(mine) - set(theirs))
            duplicated += len(set(theirs) - set(mine))
        dup_events = int(world.central_sql(
            "SELECT (SELECT count(*) FROM sync_event) - (SELECT count(*) FROM "
            "(SELECT DISTINCT terminal_code, device_seq FROM sync_event) d)")[0][0])
        stored = int(world.central_sql("SELECT count(*) FROM sync_event WHERE terminal_code LIKE 'K%'")[0][0])
        total_events = sum(events.values())
        out = {"benchmark": "sync_many", "counters": args.counters, "payments_per_counter": args.payments,
               "events": total_events, "events_stored": stored, "lost": lost + max(0, total_events - stored),
               "duplicated": duplicated + dup_events, "exit_codes_nonzero": sum(c != 0 for c in codes),
               "batches": len(pushes), "throughput_events_per_second": round(total_events / window, 1) if window else None,
               "push_window_seconds": round(window, 2), "wall_seconds": round(wall, 2),
               "batch_latency_p50_ms": round(pct(latencies, 50) * 1000, 1),
               "batch_latency_p95_ms": round(pct(latencies, 95) * 1000, 1),
               "batch_latency_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
               "cli_startup_seconds": cli_startup_seconds(), "join_seconds": round(join_seconds, 2),
               "take_seconds": round(take_seconds, 2), "demo_seconds": round(demo_seconds, 2)}
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
