"""kill -9 of the app while a scanned payment waits for the customer's password: after the
restart the order left `paying` is settled by query — recorded once, never paid again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from app import cli
from app.context import AppContext
from app.db.models import GatewayOrder, Payment
from app.services import scan_pay
from app.services.billing.bill_run import bill_run
from app.services.cashier.payments import Counter
from tests.support.builders import World
from tests.support.fake_gateway import WECHAT_CODE, FakeFactory, FakeOrder

ROOT = Path(__file__).resolve().parents[2]

# The app in a child process: the fake platform keeps the customer entering the password
# (every wait blocks), so the child is killed mid-payment.
CHILD = """
import sys, threading
from app import cli
from app.services import scan_pay
from tests.support.fake_gateway import FakeFactory
cli._load_plugin_commands = lambda: None
scan_pay.install_factory(FakeFactory("paying_forever"))
scan_pay.time = type("T", (), {"sleep": staticmethod(lambda s: threading.Event().wait())})
sys.exit(cli.main(sys.argv[1:]))
"""


def test_kill_9_while_waiting_then_restart_records_once(sqlite_url, monkeypatch):
    monkeypatch.setattr(cli, "_load_plugin_commands", lambda: None)
    assert cli.main(["--db", sqlite_url, "init"]) == 0
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100", owner="张三")
        w.fee("PM", "area", "2")
        bill_run(s, "2026-10", user="admin")
    assert cli.main(["--db", sqlite_url, "shift", "open"]) == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, "--db", sqlite_url, "pay", "--room", "1-101", "--all",
                              "--tender", f"scan=200:{WECHAT_CODE}"], cwd=ROOT, env=env, stderr=subprocess.PIPE,
                             text=True)
    try:
        line = child.stderr.readline()  # printed once the order is stored as `paying`
        assert "等待用户输入密码" in line, line + child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with ctx.uow() as s:
        o = s.scalars(select(GatewayOrder)).one()
        no, amount, state = o.out_trade_no, o.amount_fen, o.status
        assert s.scalar(select(func.count()).select_from(Payment)) == 0
    assert state == "paying" and amount == 20000
    # Meanwhile the customer finished: the platform has the order paid.
    f = FakeFactory("success")
    g = f.gateways["wechat"]
    g.orders[no] = FakeOrder(no, WECHAT_CODE, amount, paid=True, transaction_id="4200000000202612021234567890")
    out = scan_pay.recover(ctx.uow, Counter("T1", "admin"), f, sleep=lambda _s: None)  # the app starts again
    assert [(o["out_trade_no"], o["state"]) for o in out] == [(no, "paid")]
    assert g.count("pay") == 0 and g.charged_fen() == 20000
    with ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(Payment)) == 1
    assert scan_pay.recover(ctx.uow, Counter("T1", "admin"), f, sleep=lambda _s: None) == []
    ctx.close()
