"""Kill the process (SIGKILL) at random moments during a stream of payments, many times,
then prove: the database is intact, the ledger balances and agrees with the facts, every
bill line is paid at most once, receipt numbers and outbox sequence numbers have no gaps
and no duplicates."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, select, text

from app.context import AppContext
from app.db.models import Allocation, BillLine, Payment, Receipt, ReceiptVoid, SyncOutbox
from app.services.billing.bill_run import bill_run
from app.services.cashier import shifts
from app.services.ledger_check import full_check
from tests.support.builders import World

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("PROPDESK_KILLS", "12"))


def _setup(url: str) -> None:
    ctx = AppContext.open(url)
    from app.services import users

    with ctx.uow() as s:
        users.ensure_user(s, "admin", "manager", "管理员")
        users.ensure_terminal(s, "T1")
        w = World(s)
        for i in range(1, 61):
            w.room(f"1-{i:03d}", f"{50 + i}.5")
        w.fee("PM", "area", "2.35", late_fee={"daily_rate": "0.0005", "grace_days": 0, "cap_ratio": "1"})
        w.fee("GARB", "fixed", "12.5")
        for p in ("2026-07", "2026-08", "2026-09", "2026-10"):
            bill_run(s, p, user="admin")
        shifts.open_shift(s, "T1", "admin", 10000)
    ctx.close()


def test_sigkill_during_payments_loses_and_duplicates_nothing(sqlite_url):
    _setup(sqlite_url)
    rnd = random.Random(20261124)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for i in range(KILLS):
        proc = subprocess.Popen([sys.executable, "-m", "tests.support.pay_stream", sqlite_url, str(i)], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready", proc.stderr.read().decode()
        time.sleep(rnd.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL

    ctx = AppContext.open(sqlite_url, migrate=False)
    with ctx.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    with ctx.uow() as s:
        payments = s.scalar(select(func.count()).select_from(Payment))
        assert payments > KILLS, "the stream made too few payments to prove anything"
        print(f"{payments} payments across {KILLS} kills")
        check = full_check(s)
        assert check["ok"], check["problems"]
        # every line paid at most once (by payments that were not voided) and never overpaid
        voided = select(Receipt.payment_id).join(ReceiptVoid, ReceiptVoid.receipt_id == Receipt.id)
        per_line = s.execute(select(Allocation.bill_line_id, func.count(), func.sum(Allocation.principal_fen))
                             .where(Allocation.payment_id.not_in(voided)).group_by(Allocation.bill_line_id)).all()
        amounts = dict(s.execute(select(BillLine.id, BillLine.amount_fen)).all())
        for line_id, n, principal in per_line:
            assert n == 1 and principal == amounts[line_id]
        # receipts: one per payment, numbers unique, per-day sequences gapless from 1
        receipts = s.execute(select(Receipt.receipt_no, Receipt.day, Receipt.seq)).all()
        assert len(receipts) == payments == len({r.receipt_no for r in receipts})
        by_day = defaultdict(list)
        for r in receipts:
            by_day[r.day].append(r.seq)
            assert r.receipt_no.endswith(f"-{r.seq:04d}")
        for seqs in by_day.values():
            assert sorted(seqs) == list(range(1, len(seqs) + 1))
        # outbox: one event per fact, device_seq gapless
        seqs = sorted(s.scalars(select(SyncOutbox.device_seq)))
        assert seqs == list(range(1, len(seqs) + 1))
        assert s.scalar(select(func.count()).select_from(SyncOutbox).where(SyncOutbox.event_type == "payment")) == payments
    ctx.close()
