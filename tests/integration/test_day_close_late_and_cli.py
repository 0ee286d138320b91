"""A payment that reaches a database by sync after its day was closed there lands in the
'late' bucket (an open late_event) and the next day close lists it; `propdesk day close`
keeps the CLI contract (JSON fields, exit 2 and nothing changed on a bad file)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from app import clock
from app.cli import main
from app.context import AppContext
from app.db.models import DayClose, ExceptionCase, Statement
from app.demo.statement_files import StmtLine, pos_settlement, wechat_all
from app.services.billing.bill_run import bill_run
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, prepay
from app.services.closing import day_close
from tests.integration.test_sync_apply import DAY, T, _apply_all, _copy_snapshot, _events, _world, make_db  # noqa: F401
from tests.support.builders import World


def test_payment_synced_into_a_closed_day_is_listed_at_the_next_close(make_db, monkeypatch):  # noqa: F811
    a, b = make_db("a"), make_db("b")
    _world(a)
    _copy_snapshot(a, b)
    with a.uow() as s:
        shifts.open_shift(s, "T1", "c1", 0)
        r = prepay(s, Counter("T1", "c1"), "1-1-101", T("cash=100"))
        shifts.close_shift(s, "T1", "c1", {100_00: 1})
    with b.uow() as s:  # b closes T1's day before T1's events arrive
        closed = day_close.close_day(s, "T1", "admin", DAY, {})
    assert closed["totals"] == {}
    _apply_all(b, _events(a), "T1")
    with b.uow() as s:
        case = s.scalars(select(ExceptionCase).where(ExceptionCase.kind == "late_event")).one()
        assert case.ref_id == r["payment_id"] and case.detail["reason"] == "day_closed"
        assert s.scalars(select(DayClose)).one().totals == {}  # the locked day is not rewritten
    monkeypatch.setattr(clock, "today", lambda: DAY + timedelta(days=1))
    with b.uow() as s:
        nxt = day_close.close_day(s, "T1", "admin", DAY + timedelta(days=1), {})
    late = [d for d in nxt["unmatched"] if d["reason"] == "late"]
    assert [(d["ref"], d["amount_fen"], d["day"]) for d in late] == [(r["receipt_no"], 10000, DAY.isoformat())]
    assert "同步晚到" in late[0]["message"]


def _run(capsys, *argv):  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def test_cli_day_close_contract(sqlite_url, capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: DAY)
    assert main(["--db", sqlite_url, "init"]) == 0
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100", owner="张三", phone="13800001234")
        w.fee("PM", "area", "2")
        bill_run(s, "2026-11", user="admin")
        shifts.open_shift(s, "T1", "admin", 0)
        prepay(s, Counter("T1", "admin"), "1-101", T("pos=50:123456789012"))
        prepay(s, Counter("T1", "admin"), "1-101", T("wechat=20:4200000001202612200000000001"))
    ctx.close()
    capsys.readouterr()
    db = ["--db", sqlite_url]
    pos = tmp_path / "pos.csv"
    pos.write_bytes(pos_settlement([StmtLine("pay", "123456789012", 5000, clock_at())]))
    code, _, err = _run(capsys, *db, "day", "close", "--date", "2026-12-20", "--pos", str(pos), "--json")
    assert code == 2 and "交班" in err  # the shift is still open
    code, _, _ = _run(capsys, *db, "shift", "close", "--count", "", "--json")
    assert code == 0
    bad = tmp_path / "wx.csv"
    bad.write_bytes(wechat_all([StmtLine("pay", "4200000001202612200000000001", 2000, clock_at())])[:-60])
    code, _, err = _run(capsys, *db, "day", "close", "--date", "2026-12-20", "--wechat", str(bad), "--json")
    assert code == 2 and "wx.csv" in err
    code, r, _ = _run(capsys, *db, "day", "close", "--date", "2026-12-20", "--pos", str(pos), "--dry-run", "--json")
    assert code == 0 and r["locked"] is False
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(DayClose)) == 0
        assert s.scalar(select(func.count()).select_from(Statement)) == 0
    ctx.close()
    code, r, _ = _run(capsys, *db, "day", "close", "--date", "2026-12-20", "--pos", str(pos), "--dry-run")
    assert code == 0 and "预览" in r and "相符 matched: 1" in r
    pos.write_bytes(pos_settlement([StmtLine("pay", "123456789012", 5000, clock_at()),
                                    StmtLine("pay", "123456789555", 777, clock_at())]))
    code, r, _ = _run(capsys, *db, "day", "close", "--date", "2026-12-20", "--pos", str(pos), "--json")
    assert code == 0, r
    assert {"date", "totals", "matched", "unmatched", "locked"} <= set(r)
    assert r["date"] == "2026-12-20" and r["locked"] is True and r["matched"] == 1
    assert r["totals"] == {"pos": 5000, "wechat": 2000}
    # no WeChat file given: WeChat tenders are not reconciled; the POS stranger is
    assert [(d["source"], d["ref"], d["amount_fen"], d["reason"]) for d in r["unmatched"]] == [
        ("pos", "123456789555", 777, "not_in_books")]
    code, r, _ = _run(capsys, *db, "exceptions", "list", "--open", "--json")
    assert code == 0 and [(e["kind"], e["amount_fen"], e["status"]) for e in r["exceptions"]] == [
        ("reconcile", 777, "open")]
    code, out, _ = _run(capsys, *db, "exceptions", "list")
    assert code == 0 and "reconcile" in out
    code, r, _ = _run(capsys, *db, "day", "list", "--json")
    assert code == 0 and [d["date"] for d in r["days"]] == ["2026-12-20"]
    code, out, _ = _run(capsys, *db, "day", "close", "--date", "2026-12-20")
    assert code == 2
    code, out, _ = _run(capsys, *db, "--lang", "en", "day", "close", "--date", "2026-12-21")
    assert code == 2  # tomorrow has not come


def clock_at():  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime(2026, 12, 20, 9, 30)


def test_day_close_is_a_counter_fact_that_arrives_at_a_second_database(make_db):  # noqa: F811
    a, b = make_db("a"), make_db("b")
    _world(a)
    _copy_snapshot(a, b)
    with a.uow() as s:
        shifts.open_shift(s, "T1", "c1", 0)
        prepay(s, Counter("T1", "c1"), "1-1-101", T("pos=100:123456789012"))
        shifts.close_shift(s, "T1", "c1", {})
        closed = day_close.close_day(s, "T1", "admin", DAY, {})
    events = _events(a)
    assert [e[0] for e in events][-1] == "day_close"
    _apply_all(b, events, "T1")
    _apply_all(b, events[-1:], "T1")  # again: nothing changes
    with b.uow() as s:
        dc = s.scalars(select(DayClose)).one()
        assert (dc.id, dc.day, dc.totals, dc.closed_by) == (closed["day_close_id"], DAY, {"pos": 10000}, "admin")
        assert dc.detail["matched"] == 0
        # b now refuses what a would refuse: the day is locked here too
        from app.services.closing.day_lock import is_closed
        assert is_closed(s, dc.terminal_id, DAY)
