"""Benchmark: counter payments while a bill run of N rooms writes (SQLite) — or, with
`--during import-rooms|import-readings`, while a file of N rooms (2N readings) is imported.

    .venv/bin/python -m tests.bench.bench_pay_during_bill_run --rooms 100000
    .venv/bin/python -m tests.bench.bench_pay_during_bill_run --rooms 100000 --during import-readings

The database is bench_bill_run's (N rooms × 5 fee items) plus a small counter community
whose rooms owe a few months of a fixed fee. A second process (`--payer`) pays continuously
on its own terminal — each payment one unit of work: the room's oldest open line in cash, or
a prepaid top-up once the room owes nothing — and times every payment from the start of its
unit of work to its commit, which is what the cashier waits. The bill run of the big
community runs in this process meanwhile. Prints one JSON document: the longest and p95
payment wait during the run (and before it, as the baseline), payments made, failures (must
be 0), the bill run's seconds and phases, and whether the books check out afterwards.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from app.context import AppContext
from app.services import users
from app.services.billing.bill_run import bill_run
from app.services.ledger_check import full_check
from tests.bench.bench_bill_run import PERIOD, build
from tests.bench.scratch import scratch_dir

COUNTER_COMMUNITY = "前台小区"
COUNTER_PERIODS = ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09")
PAYER_TERMINAL, PAYER_USER = "T2", "cashier2"


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def build_counter_community(ctx: AppContext, rooms: int) -> None:
    """A small community whose rooms owe a fixed fee for a few months (what the payer pays)."""
    from tests.support.builders import World

    with ctx.uow() as s:
        w = World(s, name=COUNTER_COMMUNITY)
        for i in range(rooms):
            w.room(f"9-{i + 101}", "80")
        w.fee("GARB", "fixed", "25")
        users.ensure_user(s, "bench", "finance")
        users.ensure_user(s, PAYER_USER, "cashier")
        users.ensure_terminal(s, PAYER_TERMINAL)
    for p in COUNTER_PERIODS:
        with ctx.uow() as s:
            bill_run(s, p, user="bench", community=COUNTER_COMMUNITY)


def payer(url: str, stop_file: Path, rooms: int) -> None:
    """Pay until `stop_file` exists; print 'ready' after the first payment, then at the end
    one JSON line: every payment's start (epoch seconds), duration and error, if any."""
    from app.services.receivables.bills import room_lines
    from app.services.cashier import shifts
    from app.services.cashier.payments import Counter, pay_bills, prepay
    from app.services.cashier.tenders import TenderInput
    from app.services.rooms import resolve_room
    from app import clock

    ctx = AppContext.open(url, PAYER_TERMINAL, PAYER_USER, migrate=False)
    c = Counter(PAYER_TERMINAL, PAYER_USER)
    with ctx.uow() as s:
        shifts.open_shift(s, PAYER_TERMINAL, PAYER_USER, 0)
    keys = [f"{COUNTER_COMMUNITY}/9-{i + 101}" for i in range(rooms)]
    made: list[tuple[float, float, str | None]] = []
    i = 0
    while not stop_file.exists():
        key = keys[i % len(keys)]
        i += 1
        start, t0 = time.time(), time.perf_counter()
        err = None
        try:
            with ctx.uow() as s:
                room = resolve_room(s, key)
                open_lines = [v for v in room_lines(s, room.id, as_of=clock.today()) if v.outstanding_fen > 0]
                if open_lines:
                    v = open_lines[0]
                    pay_bills(s, c, key, [TenderInput("cash", v.outstanding_fen + v.late_fee_fen)], line_ids=[v.id])
                else:
                    prepay(s, c, key, [TenderInput("cash", 10000)])
        except Exception as e:  # noqa: BLE001 — a failed payment is what this benchmark counts
            err = f"{type(e).__name__}: {e}"
        made.append((start, time.perf_counter() - t0, err))
        if len(made) == 1:
            print("ready", flush=True)
    ctx.close()
    print(json.dumps(made), flush=True)


def write_import_file(kind: str, rooms: int, folder: Path) -> Path:
    """import-rooms: N new rooms of a new community; import-readings: next month's reading
    of every meter bench_bill_run built (higher than any reading it wrote)."""
    path = folder / f"{kind}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        if kind == "import-rooms":
            f.write("community,building,unit,room,area,usage,charge_start,owner,phone\n")
            for i in range(rooms):
                f.write(f"导入小区,{i % 40 + 1},{i // 40 % 4 + 1},{i // 160 + 101},{80 + i % 70}.5,residential,"
                        f"2026-01-01,业主{i},138{i:08d}\n")
        else:
            f.write("meter_no,period,reading,read_at,reader\n")
            for i in range(rooms):
                for prefix in ("W", "E"):
                    f.write(f"{prefix}{i:07d},2026-11,20000,2026-11-28,小刘\n")
    return path


def _summary(payments: list[tuple[float, float, str | None]]) -> dict:
    waits = [d * 1000 for _, d, _ in payments]
    errors = [e for _, _, e in payments if e]
    return {"payments": len(payments), "failures": len(errors), "errors": errors[:5],
            "max_wait_ms": round(max(waits), 1) if waits else None,
            "p95_wait_ms": round(_pct(waits, 95), 1) if waits else None,  # type: ignore[arg-type]
            "p50_wait_ms": round(_pct(waits, 50), 1) if waits else None}  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rooms", type=int, default=100_000)
    ap.add_argument("--counter-rooms", type=int, default=300)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--baseline-s", type=float, default=3.0, help="payments alone before the run starts")
    ap.add_argument("--during", choices=("bill-run", "import-rooms", "import-readings"), default="bill-run")
    ap.add_argument("--payer", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--stop-file", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.payer:
        payer(args.db, Path(args.stop_file), args.counter_rooms)
        return {}
    with scratch_dir(args.dir) as tmp:
        return _bench(args, tmp)


def _bench(args: argparse.Namespace, tmp: Path) -> dict:
    db_file = tmp / "pay_during.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db_file}"
    stop_file = tmp / "stop-payer"
    stop_file.unlink(missing_ok=True)
    ctx = AppContext.open(url)
    t0 = time.perf_counter()
    build(ctx, args.rooms)
    build_counter_community(ctx, args.counter_rooms)
    import_file = write_import_file(args.during, args.rooms, tmp) if args.during != "bill-run" else None
    setup_s = time.perf_counter() - t0
    proc = subprocess.Popen([sys.executable, "-m", "tests.bench.bench_pay_during_bill_run", "--payer", "--db", url,
                             "--stop-file", str(stop_file), "--counter-rooms", str(args.counter_rooms)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the payer process did not start")
        time.sleep(args.baseline_s)
        run_start = time.time()
        if import_file is None:
            with ctx.uow() as s:
                result = bill_run(s, PERIOD, user="bench", community="基准小区")
        else:
            from app.services.imports import import_file as import_it

            result = import_it(ctx, args.during.removeprefix("import-"), import_file, user="bench")
        run_end = time.time()
        time.sleep(0.5)
    finally:
        stop_file.touch()
        out_text, _ = proc.communicate(timeout=600)
    payments = [tuple(p) for p in json.loads(out_text.strip().splitlines()[-1])]
    during = [p for p in payments if p[0] + p[1] >= run_start and p[0] <= run_end]  # overlapping the run
    before = [p for p in payments if p[0] + p[1] < run_start]
    with ctx.uow() as s:
        books = full_check(s)
    ctx.close()
    work = ({"lines": result["lines"], "total_fen": result["total_fen"],
             "bill_run_seconds": round(run_end - run_start, 3), "phases": result.get("timings")}
            if import_file is None else
            {"imported": {k: result.get(k) for k in ("kind", "rows", "created", "updated", "unchanged")},
             "import_seconds": round(run_end - run_start, 3)})
    out = {
        "benchmark": "pay_during_bill_run", "during": args.during, "rooms": args.rooms, **work,
        "during_run": _summary(during),  # type: ignore[arg-type]
        "before_run": _summary(before),  # type: ignore[arg-type]
        "failures": sum(1 for p in payments if p[2]), "payments": len(payments),
        "books_ok": books["ok"], "books_problems": books["problems"][:5], "setup_seconds": round(setup_s, 2),
    }
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
