"""Benchmark: closing a counter's day of N payments (default 5,000) against statements of
the same size — WeChat, Alipay and POS files in their real layouts, read, checked, matched
to the tenders, totals by tender/cashier/fee item, and the close written (DayClose, the
statements' lines, the discrepancies) in one unit of work. Target ≤ 1 s for 5,000.

    .venv/bin/python -m tests.bench.bench_day_close                 # 5,000 on a fresh SQLite file
    .venv/bin/python -m tests.bench.bench_day_close --payments 200  # the CI smoke size
    .venv/bin/python -m tests.bench.bench_day_close --db postgresql://…/empty_db

Prints one JSON line: {"benchmark": "day_close", "payments", "statement_lines", "seconds",
"close_seconds", "parse_seconds", "cpu_seconds", "matched", "unmatched", "limit_s", "ok"} — `seconds`
is wall time (what the manager waits); `cpu_seconds` this process's CPU time, a steadier figure
on a shared machine (the database's fsync and a busy CPU add to the wall time only).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from app import clock
from app.context import AppContext
from app.db.models import Payment, Receipt, Tender, Terminal, User
from app.demo.statement_files import StmtLine, alipay_detail, pos_settlement, wechat_all
from app.ids import new_id
from app.services import users
from app.services.closing import day_close
from app.services.closing.statements import read_file
from sqlalchemy import select

DAY = date(2026, 12, 20)
METHODS = ("wechat", "alipay", "pos")  # every payment has its statement line: statements of the same size


def _seed(ctx: AppContext, n: int) -> dict[str, list[StmtLine]]:
    """N prepaid top-ups on DAY at T1 with tenders cycling through METHODS, written in bulk;
    the statement lines that match them (one in 500 with another amount)."""
    from tests.support.builders import World

    lines: dict[str, list[StmtLine]] = {"wechat": [], "alipay": [], "pos": []}
    with ctx.uow() as s:
        w = World(s)
        room = w.room("1-1-101", "100.00", owner="张三", phone="13800001234")
        term = s.scalar(select(Terminal).where(Terminal.code == "T1"))
        uid = s.scalar(select(User.id).where(User.username == "admin"))
        pays, receipts, tenders = [], [], []
        start = datetime(2026, 12, 20, 0, 30, tzinfo=timezone.utc)
        for i in range(n):
            pid, method, amount = new_id(), METHODS[i % len(METHODS)], 1000 + (i * 37) % 90000
            at = start + timedelta(seconds=i * 5)
            pays.append({"id": pid, "kind": "prepay", "room_id": room.id, "payer_name": "张三", "shift_id": None,
                         "terminal_id": term.id, "user_id": uid, "total_fen": amount, "change_fen": 0,
                         "as_of": DAY, "business_day": DAY, "created_at": at})
            receipts.append({"id": new_id(), "receipt_no": f"T1-20261220-{i + 1:05d}", "payment_id": pid,
                             "terminal_id": term.id, "day": DAY, "seq": i + 1, "issued_at": at})
            ref = {"wechat": f"4200000001{DAY:%Y%m%d}{i:010d}", "alipay": f"{DAY:%Y%m%d}2200{i:016d}",
                   "pos": f"{i:012d}", "cash": None}[method]
            tenders.append({"id": new_id(), "payment_id": pid, "method": method, "amount_fen": amount,
                            "reference": ref})
            if ref:
                local = clock.local(at).replace(tzinfo=None)
                lines[method].append(StmtLine("pay", ref, amount + (100 if i % 500 == 7 else 0), local,
                                              out_trade_no=f"T1{i:020d}"))
        s.execute(Payment.__table__.insert(), pays)
        s.execute(Receipt.__table__.insert(), receipts)
        s.execute(Tender.__table__.insert(), tenders)
    return lines


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--payments", type=int, default=5000)
    ap.add_argument("--db", help="an empty database URL (default: a fresh SQLite file)")
    ap.add_argument("--limit", type=float, default=1.0, help="target seconds (default 1.0)")
    args = ap.parse_args(argv)
    real_today = clock.today
    clock.today = lambda: DAY  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-dayclose-") as tmp:
            url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
            ctx = AppContext.open(url, "T1", "admin")
            try:
                ctx.migrate()
                with ctx.uow() as s:
                    users.ensure_user(s, "admin", "manager", "管理员", password="admin")
                    users.ensure_terminal(s, "T1")
                lines = _seed(ctx, args.payments)
                files = {}
                for src, data in (("wechat", wechat_all(lines["wechat"])),
                                  ("alipay", alipay_detail(lines["alipay"], DAY)),
                                  ("pos", pos_settlement(lines["pos"]))):
                    p = Path(tmp) / f"{src}.csv"
                    p.write_bytes(data)
                    files[src] = str(p)
                c0 = time.process_time()
                t0 = time.perf_counter()
                statements = {k: read_file(k, v) for k, v in files.items()}
                t1 = time.perf_counter()
                with ctx.uow() as s:
                    r = day_close.close_day(s, "T1", "admin", DAY, statements)
                t2 = time.perf_counter()
                c2 = time.process_time()
            finally:
                ctx.close()
    finally:
        clock.today = real_today  # type: ignore[assignment]
    out = {"benchmark": "day_close", "db": url.split(":")[0], "payments": args.payments,
           "statement_lines": sum(len(v) for v in lines.values()), "seconds": round(t2 - t0, 3),
           "parse_seconds": round(t1 - t0, 3), "close_seconds": round(t2 - t1, 3),
           "cpu_seconds": round(c2 - c0, 3), "matched": r["matched"],
           "unmatched": len(r["unmatched"]), "limit_s": args.limit, "ok": (t2 - t0) <= args.limit}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
