"""Bank collection (托收) round trip, issue 14 item 5: mandates from the rooms import, a debit
batch out, the bank's return file in — the paid debit is a `bank_collect` payment with a
receipt (books check, the event replays on another database), the failed one keeps the
bank's reason and shows in the arrears report; bad return files change nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import BankMandate, CollectBatch, CollectLine, Payment, Receipt, Tender
from app.errors import Conflict, InputError, PermissionDenied
from app.services import ledger, reports, users
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, pay_bills
from app.services.collect import layouts
from app.services.collect.batches import debit_file, export_batch, import_return
from app.services.imports import import_file
from app.services.receivables.bills import room_bills
from tests.integration.test_sync_apply import DAY, T, _apply_all, _copy_snapshot, _events, _ok, _world, make_db  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
MANDATES = """小区,楼栋,单元,房号,建筑面积,开户行,银行账号,户名,托收协议号
阳光花园,1,1,101,100.00,中国工商银行,6222021234567890123,张三,TSXY0001
阳光花园,1,1,102,80.00,招商银行,6225 0000 1111 2222,李四,TSXY0002
"""


def _setup(ctx, tmp_path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rooms = _world(ctx)
    f = tmp_path / "mandates.csv"
    f.write_text(MANDATES, encoding="utf-8")
    import_file(ctx, "rooms", f, user="admin")
    return rooms


def _owed(ctx, room_id: str, period: str) -> int:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return sum(v.outstanding_fen + v.late_fee_fen for v in room_bills(s, room_id, as_of=DAY)["lines"]
                   if v.period == period)


def _return_file(ctx, batch: str, results: dict[int, tuple[str, str]]) -> bytes:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        layout, f = debit_file(s, batch)
    return layout.write_return(f, results)


def _state(ctx) -> tuple:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return (s.scalar(select(func.count()).select_from(Payment)),
                tuple(s.scalars(select(CollectLine.status).order_by(CollectLine.seq))),
                tuple(s.scalars(select(CollectBatch.status))))


def test_round_trip_with_a_failed_debit(make_db, tmp_path):
    a, b = make_db("a"), make_db("b")
    rooms = _setup(a, tmp_path)
    _copy_snapshot(a, b)
    due_101, due_102 = _owed(a, rooms["1-1-101"], "2026-11"), _owed(a, rooms["1-1-102"], "2026-11")
    with a.uow() as s:
        assert s.scalar(select(BankMandate.account_no).where(BankMandate.room_id == rooms["1-1-102"])) == \
            "6225000011112222"
        out, data = export_batch(s, "admin", "csv", "2026-11")
    assert out["rows"] == 2 and out["total_fen"] == due_101 + due_102 > 0
    assert "6222021234567890123".encode() in data  # the debit file is the one place the whole number goes
    with a.uow() as s, pytest.raises(InputError) as e:  # those lines wait for the bank: never debited twice
        export_batch(s, "admin", "csv", "2026-11")
    assert e.value.code == "collect.nothing_to_collect"

    ret = _return_file(a, out["batch"], {1: ("0000", "B20261220001"), 2: ("1001", "")})
    with a.uow() as s:
        r = import_return(s, Counter("T1", "admin"), ret)
    assert (r["paid"], r["failed"]) == (1, 1) and len(r["receipts"]) == 1
    with a.uow() as s:
        pay = s.scalar(select(Payment).join(Receipt, Receipt.payment_id == Payment.id)
                       .where(Receipt.receipt_no == r["receipts"][0]))
        assert pay.room_id == rooms["1-1-101"] and pay.total_fen == due_101 and pay.shift_id is None
        tender = s.scalar(select(Tender).where(Tender.payment_id == pay.id))
        assert (tender.method, tender.amount_fen, tender.reference) == ("bank_collect", due_101, "B20261220001")
        assert ledger.balance(s, "TND:bank_collect:T1") == due_101
        failed = s.scalar(select(CollectLine).where(CollectLine.seq == 2))
        assert (failed.status, failed.reason_code, failed.reason) == ("failed", "1001", "余额不足")
        arr = reports.run(s, "admin", "arrears")
        col = reports.run(s, "admin", "collections", start=DAY, end=DAY)
    assert _owed(a, rooms["1-1-101"], "2026-11") == 0 and _owed(a, rooms["1-1-102"], "2026-11") == due_102
    follow = arr.section("reports.sec.collect_failed").rows
    assert [(x["room"], x["collect"].split(" ")[0]) for x in follow] == [("1-1-102", "余额不足")]
    assert next(x for x in arr.section("reports.sec.top_debtors").rows if x["room"] == "1-1-102")["collect"]
    assert {x["tender"]: x["amount_fen"] for x in col.section("reports.sec.by_tender").rows} == {"bank_collect": due_101}
    _ok(a)
    with a.uow() as s, pytest.raises(Conflict):  # the same return file again
        import_return(s, Counter("T1", "admin"), ret)

    # central: the mandates are its master data; the payment and the batch's answer arrive as events
    from app.sync_rows import dump_rows, upsert_rows

    with a.uow() as s:
        mandates = json.loads(json.dumps(dump_rows(s, "bank_mandate")))
    with b.uow() as s:
        upsert_rows(s, "bank_mandate", mandates)
    events = [e for e in _events(a) if e[0] in ("payment", "collect_return")]
    assert [e[0] for e in events] == ["payment", "collect_return"]
    _apply_all(b, events, "T1")
    _apply_all(b, events, "T1")  # a repeat changes nothing
    with b.uow() as s:
        assert ledger.balance(s, "TND:bank_collect:T1") == due_101
        assert [(x["room"], x["collect"].split(" ")[0]) for x in
                reports.run(s, "admin", "arrears").section("reports.sec.collect_failed").rows] == [("1-1-102", "余额不足")]
        assert s.scalar(select(func.count()).select_from(CollectLine)) == 2
    _ok(b)


def test_bad_return_files_name_the_line_and_change_nothing(make_db, tmp_path):
    a = make_db("a")
    _setup(a, tmp_path)
    with a.uow() as s:
        out, _ = export_batch(s, "admin", "fixed_gbk", "2026-11")
    layout = layouts.get("fixed_gbk")
    with a.uow() as s:
        _, f = debit_file(s, out["batch"])
    before = _state(a)
    good = layout.write_return(f, {2: ("1002", "")})
    recs = good.split(b"\r\n")

    def fails(data: bytes, code: str, line: int | None = None) -> None:
        with a.uow() as s, pytest.raises(InputError) as e:
            import_return(s, Counter("T1", "admin"), data)
        assert e.value.code == code, e.value.text("en")
        if line is not None:
            assert e.value.params["line"] == line and f"第 {line} 行" in e.value.text("zh")
        assert _state(a) == before

    other = f.__class__("TS20990101001", f.period, f.created, f.lines)
    fails(layout.write_return(other, {}), "collect.unknown_batch")
    unknown = f.__class__(f.batch_no, f.period, f.created, [f.lines[0], f.lines[1].__class__(
        9, *[getattr(f.lines[1], k) for k in ("mandate_no", "bank_name", "account_no", "holder", "amount_fen", "room")])])
    fails(layout.write_return(unknown, {}), "collect.unknown_line", 3)
    richer = f.__class__(f.batch_no, f.period, f.created, [f.lines[0].__class__(
        1, *[getattr(f.lines[0], k) for k in ("mandate_no", "bank_name", "account_no", "holder")],
        f.lines[0].amount_fen + 1, f.lines[0].room), f.lines[1]])
    fails(layout.write_return(richer, {}), "collect.amount_differs", 2)
    fails(b"\r\n".join(recs[:2]) + b"\r\n", "collect.truncated_count", 1)
    fails(b"hello", "collect.not_a_return_file")
    fails(layouts.get("csv").write_return(f, {}), "collect.wrong_layout")
    with a.uow() as s:  # the good file still goes in afterwards
        assert import_return(s, Counter("T1", "admin"), good)["failed"] == 1


def test_a_line_paid_at_the_counter_meanwhile_becomes_prepaid_credit(make_db, tmp_path):
    a = make_db("a")
    rooms = _setup(a, tmp_path)
    with a.uow() as s:
        out, _ = export_batch(s, "admin", "csv", "2026-11")
    due = _owed(a, rooms["1-1-101"], "2026-10") + _owed(a, rooms["1-1-101"], "2026-11")
    with a.uow() as s:
        shifts.open_shift(s, "T1", "admin", 0)
        pay_bills(s, Counter("T1", "admin"), "1-1-101", T(f"cash={due / 100:.2f}"))
    ret = _return_file(a, out["batch"], {})
    with a.uow() as s:
        r = import_return(s, Counter("T1", "admin"), ret)
        assert (r["paid"], r["to_prepaid"]) == (2, 1)
        b = room_bills(s, rooms["1-1-101"], as_of=DAY)
        assert b["prepaid_fen"] > 0
    _ok(a)


def test_a_mandate_changed_after_the_export_does_not_spoil_the_return(make_db, tmp_path):
    a = make_db("a")
    rooms = _setup(a, tmp_path)
    with a.uow() as s:
        out, _ = export_batch(s, "admin", "csv", "2026-11")
    ret = _return_file(a, out["batch"], {})
    f = tmp_path / "new-account.csv"
    f.write_text(MANDATES.replace("6222021234567890123", "6222020000000000001"), encoding="utf-8")
    assert import_file(a, "rooms", f, user="admin")["updated"] == 1
    with a.uow() as s:
        assert import_return(s, Counter("T1", "admin"), ret)["paid"] == 2
        assert s.scalar(select(BankMandate.account_no).where(BankMandate.room_id == rooms["1-1-101"])) == \
            "6222020000000000001"
    _ok(a)


def test_collection_needs_its_permission(make_db, tmp_path):
    a = make_db("a")
    _setup(a, tmp_path)
    with a.uow() as s, pytest.raises(PermissionDenied):
        export_batch(s, "c1", "csv", "2026-11")


def test_cli_export_and_import(make_db, tmp_path):
    a = make_db("a")
    _setup(a, tmp_path)
    env = {**os.environ, "PROPDESK_DB": a.settings.db_url, "PROPDESK_PASSWORD": "admin"}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=REPO, env=env, capture_output=True,
                              text=True)

    debit = tmp_path / "debit.txt"
    p = cli("collect", "export", "--bank", "csv_gbk", "--period", "2026-11", "-o", str(debit), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["rows"] == 2 and out["batch"].startswith("TS") and out["total_fen"] > 0
    assert "张三".encode("gbk") in debit.read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(debit.read_bytes())  # the debit file itself is no return file
    p = cli("collect", "import", str(bad), "--json")
    assert p.returncode == 2 and "表头" in p.stderr
    ret = tmp_path / "return.txt"
    ret.write_bytes(_return_file(a, out["batch"], {2: ("1002", "")}))
    p = cli("collect", "import", str(ret), "--json")
    assert p.returncode == 0, p.stderr
    assert {k: json.loads(p.stdout)[k] for k in ("paid", "failed")} == {"paid": 1, "failed": 1}
    xlsx = tmp_path / "arrears.xlsx"
    p = cli("report", "arrears", "--format", "xlsx", "-o", str(xlsx), "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["sections"][2]["rows"][0]["collect"].startswith("账户错误")
    p = cli("report", "rate", "--format", "doc", "-o", str(xlsx))
    assert p.returncode == 2 and "doc" in p.stderr


def test_mandates_imported_at_central_reach_a_counter_that_collects(make_db, tmp_path):
    """Central owns master data: the rooms import's mandates ship to counters with the rooms
    (app/central/shipping.py), so a joined counter can export the batch and book the return."""
    from app.central.changes import IMPORT_TABLES
    from app.central.shipping import MASTER_TABLES, master_rows
    from app.db.models import Community
    from app.sync_rows import upsert_rows

    central, counter = make_db("central"), make_db("counter")
    rooms = _setup(central, tmp_path)
    _copy_snapshot(central, counter)
    assert "bank_mandate" in MASTER_TABLES and "bank_mandate" in IMPORT_TABLES["rooms"]
    with central.uow() as s:
        rows = master_rows(s, s.scalar(select(Community.id)), IMPORT_TABLES["rooms"])
    assert len(rows["bank_mandate"]) == 2
    with counter.uow() as s:
        upsert_rows(s, "bank_mandate", rows["bank_mandate"])
    with counter.uow() as s:
        out, _ = export_batch(s, "admin", "fixed_gbk", "2026-11")
    with counter.uow() as s:
        r = import_return(s, Counter("T1", "admin"), _return_file(counter, out["batch"], {}))
    assert r["paid"] == 2 and _owed(counter, rooms["1-1-101"], "2026-11") == 0
    _ok(counter)
