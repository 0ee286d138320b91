"""`propdesk refund` and `propdesk deposit refund|list` as a subprocess runs them (this
worktree's code): JSON results as the contract says, the approver's password from
PROPDESK_APPROVER_PASSWORD, bad input → exit 2 with nothing changed, and `deposit --room`
still collecting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.context import AppContext
from app.services import users
from app.services.billing.bill_run import bill_run
from tests.support.builders import World

ROOT = Path(__file__).resolve().parents[2]


def _cli(url: str, *argv: str, user: str = "admin", **env: str) -> tuple[int, dict | str, str]:
    e = {**os.environ, "PROPDESK_DB": url, "PROPDESK_USER": user, "PROPDESK_PASSWORD": env.pop("password", "admin"),
         **env}
    if "PROPDESK_APPROVER_PASSWORD" not in env:
        e.pop("PROPDESK_APPROVER_PASSWORD", None)
    p = subprocess.run([sys.executable, "-m", "app.cli", *argv, "--json"], cwd=ROOT, env=e, capture_output=True,
                       text=True, stdin=subprocess.DEVNULL, timeout=120)
    out = p.stdout.strip()
    return p.returncode, (json.loads(out) if out.startswith("{") else out), p.stderr


@pytest.fixture
def db(sqlite_url):  # type: ignore[no-untyped-def]
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        users.ensure_user(s, "admin", "manager", password="admin")
        users.ensure_user(s, "cashier1", "cashier", password="1234")
        users.ensure_terminal(s, "T1")
        w = World(s)
        w.room("1-101", "100", owner="张三")
        w.fee("PM", "area", "2")
        bill_run(s, "2026-10", user="admin")
    ctx.close()
    return sqlite_url


def test_refund_and_deposit_refund_from_the_command_line(db):
    assert _cli(db, "shift", "open", user="cashier1", password="1234")[0] == 0
    code, paid, err = _cli(db, "pay", "--room", "1-101", "--all", "--tender", "cash=200", user="cashier1",
                           password="1234")
    assert code == 0, err
    # a cashier names a manager; no password given and no terminal to ask at: exit 2
    code, _, err = _cli(db, "refund", paid["receipt_no"], "--amount", "50", "--reason", "多收", "--route", "cash",
                        "--approver", "admin", user="cashier1", password="1234")
    assert code == 2 and "admin" in err
    code, _, err = _cli(db, "refund", paid["receipt_no"], "--amount", "50", "--reason", "多收", "--route", "cash",
                        "--approver", "admin", user="cashier1", password="1234", PROPDESK_APPROVER_PASSWORD="bad")
    assert code == 2
    code, r, err = _cli(db, "refund", paid["receipt_no"], "--amount", "50", "--reason", "多收", "--route", "cash",
                        "--approver", "admin", user="cashier1", password="1234", PROPDESK_APPROVER_PASSWORD="admin")
    assert code == 0, err
    assert {k: r[k] for k in ("amount_fen", "route", "state")} == {"amount_fen": 5000, "route": "cash", "state": "done"}
    assert r["refund_no"].startswith("T1-") and r["refund_no"] != paid["receipt_no"]
    code, _, err = _cli(db, "refund", paid["receipt_no"], "--amount", "150.01", "--reason", "x", "--approver", "admin")
    assert code == 2 and "150.00" in err
    # deposits: collect (unchanged), list, refund with a deduction, list again
    code, dep, err = _cli(db, "deposit", "--room", "1-101", "--purpose", "装修押金", "--tender", "cash=1000",
                          user="cashier1", password="1234")
    assert code == 0, err
    code, listed, _ = _cli(db, "deposit", "list")
    [d] = listed["deposits"]
    assert d["state"] == "held" and d["amount_fen"] == 100000
    code, _, err = _cli(db, "deposit", "refund", d["deposit_id"], "--deduct", "100", "--approver", "admin")
    assert code == 2  # a deduction needs a note
    code, r, err = _cli(db, "deposit", "refund", d["deposit_id"], "--deduct", "100", "--note", "门禁卡未还",
                        "--approver", "admin", "--tender", "cash", user="cashier1", password="1234",
                        PROPDESK_APPROVER_PASSWORD="admin")
    assert code == 0, err
    assert (r["amount_fen"], r["deducted_fen"]) == (90000, 10000) and r["refund_no"].startswith("T1-")
    code, listed, _ = _cli(db, "deposit", "list", "--room", "1-101")
    assert listed["deposits"][0]["state"] == "returned"
    assert listed["deposits"][0]["returned"]["note"] == "门禁卡未还"
    code, check, err = _cli(db, "ledger", "check")
    assert code == 0 and check["ok"], check
