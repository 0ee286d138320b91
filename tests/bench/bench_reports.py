"""Benchmark: every report kind on the demo.

    .venv/bin/python -m tests.bench.bench_reports --rooms 1000 [--db URL]

Builds `init --demo --rooms N` in a temporary SQLite file (or uses --db, which must hold a
demo already), then runs each report kind over the demo's year three times and keeps the
best: wall seconds and CPU seconds of this process (the CPU figure is what the query costs
here when other work shares the machine). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from app import clock
from app.context import AppContext
from app.demo import build_demo
from app.services import reports, users


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rooms", type=int, default=1000)
    ap.add_argument("--db")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        ctx = AppContext.open(url)
        try:
            if not args.db:
                with ctx.uow() as s:
                    users.ensure_user(s, "admin", "manager", "管理员", password="admin")
                    users.ensure_terminal(s, "T1")
                build_demo(ctx, rooms=args.rooms, seed=1)
            end = clock.today()
            start = end - timedelta(days=366)
            out: dict = {"benchmark": "reports", "rooms": args.rooms if not args.db else None, "db": url.split(":")[0]}
            for kind in reports.KINDS:
                best = None
                for _ in range(3):
                    with ctx.uow() as s:
                        w, c = time.perf_counter(), time.process_time()
                        r = reports.run(s, "admin", kind, start=start, end=end)
                        got = (round(time.perf_counter() - w, 3), round(time.process_time() - c, 3))
                    best = got if best is None or got < best else best
                out[kind] = {"wall_s": best[0], "cpu_s": best[1], "rows": len(r.sections[0].rows)}
        finally:
            ctx.close()
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
