"""The command line contract (docs/cli.md): JSON fields and exit codes, end to end."""

from __future__ import annotations

import json

from app.cli import main
from app.context import AppContext
from app.services.billing.bill_run import bill_run
from tests.support.builders import World


def _run(capsys, *argv):  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def test_cli_pay_flow_and_exit_codes(sqlite_url, capsys):
    assert main(["--db", sqlite_url, "init"]) == 0
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100", owner="张三", phone="13800001234")
        w.fee("PM", "area", "2")
        w.fee("ZX", "one_off", None, usages=["residential"])
    ctx.close()
    capsys.readouterr()
    db = ["--db", sqlite_url]
    code, r, _ = _run(capsys, *db, "bill-run", "--period", "2026-10", "--dry-run", "--json")
    assert code == 0 and isinstance(r, dict), r
    assert r["lines"] == 1 and r["total_fen"] == 20000 and r["dry_run"] is True
    code, r, _ = _run(capsys, *db, "bill-run", "--period", "2026-10", "--json")
    assert code == 0 and {"period", "lines", "total_fen", "skipped_existing"} <= set(r)
    code, r, _ = _run(capsys, *db, "bills", "--room", "1-101", "--as-of", "2026-11-20", "--json")
    line = r["lines"][0]
    assert {"id", "fee_code", "period", "amount_fen", "paid_fen", "late_fee_fen", "due_date", "status",
            "detail"} <= set(line)
    assert r["room"] == "1-101" and {"prepaid_fen", "deposits_fen"} <= set(r)
    code, _, err = _run(capsys, *db, "pay", "--room", "1-101", "--all", "--tender", "cash=300", "--json")
    assert code == 2 and "shift.not_open" in err and "请先按 F11 开班" in err
    code, r, _ = _run(capsys, *db, "shift", "open", "--float", "100", "--json")
    assert code == 0 and r["float_fen"] == 10000
    code, _, err = _run(capsys, *db, "pay", "--room", "1-101", "--all", "--tender", "cash=1.234", "--json")
    assert code == 2 and "more than 2 decimals" in err
    code, _, err = _run(capsys, *db, "pay", "--room", "9-999", "--all", "--tender", "cash=1", "--json")
    assert code == 2 and "does not exist" in err
    code, r, _ = _run(capsys, *db, "pay", "--room", "1-101", "--all", "--tender", "cash=300", "--json")
    assert code == 0 and r["total_fen"] == 20000 and r["change_fen"] == 10000
    assert {"receipt_no", "total_fen", "change_fen", "allocations", "tenders"} <= set(r)
    code, r2, _ = _run(capsys, *db, "prepay", "--room", "1-101", "--tender", "pos=50:123456789012", "--json")
    assert code == 0 and r2["prepaid_fen"] == 5000 and {"receipt_no", "prepaid_fen"} <= set(r2)
    code, v, _ = _run(capsys, *db, "void", r["receipt_no"], "--reason", "收错", "--json")
    assert code == 0 and v == {**v, "receipt_no": r["receipt_no"], "status": "void"}
    code, c, _ = _run(capsys, *db, "charge", "--room", "1-101", "--fee", "ZX", "--amount", "80", "--note",
                      "装修垃圾清运", "--tender", "cash=80", "--json")
    assert code == 0 and c["total_fen"] == 8000
    code, chk, _ = _run(capsys, *db, "ledger", "check", "--json")
    assert code == 0 and chk["ok"] is True and chk["transactions"] >= 5
    code, sc, _ = _run(capsys, *db, "shift", "close", "--count", "100=1,50=1,20=1,10=1", "--json")
    assert code == 0 and sc["expected"]["cash"] == 10000 + 8000 and sc["counted_fen"] == 18000
    assert sc["variance_fen"] == 0 and "pos" in sc["expected"]
    code, _, err = _run(capsys, *db, "shift", "close", "--count", "3=1")
    assert code == 2 and "denomination" in err


def test_cli_bill_run_bad_period(sqlite_url, capsys):
    assert main(["--db", sqlite_url, "init"]) == 0
    capsys.readouterr()
    code, _, err = _run(capsys, "--db", sqlite_url, "bill-run", "--period", "2026-13")
    assert code == 2 and "2026-13" in err and "period" in err  # names the bad value (message codes, issue 10)


def test_cli_absurd_input_exits_2_and_changes_nothing(sqlite_url, capsys):
    assert main(["--db", sqlite_url, "init"]) == 0
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-101", "1470.68")
        w.fee("PM", "area", "2")  # 2,941.36 a month
        bill_run(s, "2026-10", user="admin")
    ctx.close()
    db = ["--db", sqlite_url]
    assert main([*db, "shift", "open", "--float", "100"]) == 0
    capsys.readouterr()
    # The probe's ¥999,999,999,999 is past what anyone may type at all; ¥99,999,999 is typeable
    # but gives absurd change on a ¥2,941.36 bill.
    code, _, err = _run(capsys, *db, "pay", "--room", "1-101", "--all", "--tender", "cash=999999999999", "--json")
    assert code == 2 and "money.too_large" in err
    code, _, err = _run(capsys, *db, "pay", "--room", "1-101", "--all", "--tender", "cash=99999999", "--json")
    assert code == 2 and "pay.change_too_large" in err and "找零" in err
    for count in ("100=²", "100=٣", "100=" + "9" * 3000):
        code, _, err = _run(capsys, *db, "shift", "close", "--count", count)
        assert code == 2 and "现金清点" in err, (count, err)
    code, r, _ = _run(capsys, *db, "ledger", "check", "--json")
    assert code == 0 and r["transactions"] == 1  # only the bill: no payment, the shift still open
    code, r, _ = _run(capsys, *db, "pay", "--room", "1-101", "--all", "--tender", "cash=3000", "--json")
    assert code == 0 and r["change_fen"] == 300000 - 294136
    code, r, _ = _run(capsys, *db, "shift", "close", "--count", "100=30,20=2,1=1,0.1=3,0.05=1,0.01=1", "--json")
    assert code == 0 and r["counted_fen"] == 10000 + 294136 and r["variance_fen"] == 0  # 分 rows balance the count
