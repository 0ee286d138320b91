"""Benchmark: the time from a gateway's success reply to the receipt's print job queued
(issue 12, target ≤ 50 ms p95). The fake gateway answers at once and stamps the moment its
reply is handed back; the clock stops when `pay_with_scan` returns, i.e. after the order and
the payment (tenders, allocations, receipt number, ledger, outbox, audit, print job) are
durably committed in one unit of work. Each payment pays a room's open bill lines with a
WeChat code plus cash, on a file SQLite database (WAL, synchronous=FULL) or --db.

    .venv/bin/python -m tests.bench.bench_scan_pay --payments 200
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from app import clock
from app.context import AppContext
from app.db.models import PrintJob, Terminal
from app.services import scan_pay, users
from app.services.billing.bill_run import bill_run
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, pay_bills
from app.services.cashier.tenders import ScanRequest, TenderInput
from tests.support.builders import World
from tests.support.fake_gateway import WECHAT_CODE, FakeFactory, FakeGateway


class StampedGateway(FakeGateway):
    """Notes when the success reply leaves the gateway."""

    replied_at: float = 0.0

    def pay(self, *a, **kw):  # type: ignore[no-untyped-def]
        r = super().pay(*a, **kw)
        self.replied_at = time.perf_counter()
        return r


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--payments", type=int, default=200)
    ap.add_argument("--db", help="SQLAlchemy URL of an empty database (default: a fresh SQLite file)")
    a = ap.parse_args(argv)
    tmp = tempfile.TemporaryDirectory()
    url = a.db or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    ctx = AppContext.open(url)
    with ctx.uow() as s:
        users.ensure_user(s, "admin", "admin", "管理员", password="admin")
        users.ensure_terminal(s, "T1")
    with ctx.uow() as s:
        w = World(s)
        for i in range(2 * a.payments):  # the second half: the same payment typed in, as the baseline
            w.room(f"1-1-{1000 + i}", "90.00")
        w.fee("PM", "area", "2", name="物业服务费")
        w.fee("GARB", "fixed", "10", name="垃圾费")
        bill_run(s, "2026-11", user="admin")
        shifts.open_shift(s, "T1", "admin", 0)
        s.scalar(select(Terminal).where(Terminal.code == "T1")).printer = {"transport": "file", "target": "/dev/null"}
    f = FakeFactory("success")
    gw = f.gateways["wechat"] = StampedGateway("wechat", "success")
    c = Counter("T1", "admin")
    due = 18000 + 1000
    samples: list[float] = []
    total: list[float] = []
    for i in range(a.payments):
        t0 = time.perf_counter()
        scan_pay.pay_with_scan(ctx.uow, c, scan_pay.Purpose("bills", f"1-1-{1000 + i}"), [TenderInput("cash", 1000)],
                               ScanRequest("wechat", due - 1000, WECHAT_CODE), f, sleep=lambda _s: None)
        t1 = time.perf_counter()
        samples.append((t1 - gw.replied_at) * 1000)
        total.append((t1 - t0) * 1000)
    with ctx.uow() as s:
        jobs = s.scalar(select(func.count()).select_from(PrintJob))
    typed: list[float] = []  # the plain recording of the same payment (wechat tender typed in), for comparison
    for i in range(a.payments, 2 * a.payments):
        t0 = time.perf_counter()
        with ctx.uow() as s:
            pay_bills(s, c, f"1-1-{1000 + i}", [TenderInput("cash", 1000),
                                                TenderInput("wechat", due - 1000, f"4200{i:024d}")])
        typed.append((time.perf_counter() - t0) * 1000)
    ctx.close()
    tmp.cleanup()
    out = {"benchmark": "scan_pay", "db": url.split(":")[0], "payments": a.payments, "print_jobs": jobs,
           "success_to_receipt_queued_ms": {"p50": round(statistics.median(samples), 2),
                                            "p95": round(_pct(samples, 95), 2), "max": round(max(samples), 2)},
           "whole_scan_payment_ms": {"p50": round(statistics.median(total), 2), "p95": round(_pct(total, 95), 2)},
           "typed_payment_commit_ms": {"p50": round(statistics.median(typed), 2), "p95": round(_pct(typed, 95), 2)},
           "target_p95_ms": 50}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    clock.today = lambda: date(2026, 12, 10)  # type: ignore[assignment]  # the bills are due, no late fees yet
    main()
