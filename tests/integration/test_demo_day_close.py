"""The demo's day to close: `init --demo` writes that day's WeChat, Alipay and POS statements
beside the database, and closing the day against them shows exactly the one deliberate
discrepancy (a WeChat payment the counter never recorded)."""

from __future__ import annotations

from datetime import date

from app import clock
from app.demo import build_demo, day_statements
from app.services.closing import day_close

TODAY = date(2026, 3, 10)


def test_demo_day_closes_with_one_explained_discrepancy(any_ctx, monkeypatch, tmp_path):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    # (on PostgreSQL the files would go to the user's data dir: keep them in the test's own)
    monkeypatch.setattr(day_statements, "statements_dir", lambda ctx, day: tmp_path / day.isoformat())
    summary = build_demo(any_ctx, rooms=60, seed=7, today=TODAY)
    st = summary["statements"]
    assert st["day"] < TODAY.isoformat() and set(st["files"]) == {"wechat", "alipay", "pos"}
    assert all(p.startswith(str(tmp_path)) for p in st["files"].values())
    with any_ctx.uow() as s:
        r = day_close.close_day(s, any_ctx.terminal, "admin", date.fromisoformat(st["day"]), st["files"])
    assert r["locked"] and r["matched"] == st["lines"] - 1
    assert [(d["source"], d["reason"], d["amount_fen"]) for d in r["unmatched"]] == [("wechat", "not_in_books", 10000)]
    assert "账上没有" in r["unmatched"][0]["message"]
