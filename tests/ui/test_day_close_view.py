"""The 日结对账 screen: reconcile the day's files (preview, nothing locked), see totals and
discrepancies, lock only after the manager confirms; an open shift is reported, not a crash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.db.models import DayClose
from app.demo.statement_files import StmtLine, pos_settlement, wechat_all
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, prepay
from app.services.cashier.tenders import parse_tender
from tests.ui.conftest import idle
from ui.closing.view import DayCloseView

AT = datetime(2026, 12, 20, 9, 30)


def _screen(window) -> DayCloseView:  # type: ignore[no-untyped-def]
    view = next(w for w in window.screens if isinstance(w, DayCloseView))
    window.tabs.setCurrentWidget(view)
    return view


def _day_closed(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return s.scalar(select(func.count()).select_from(DayClose))


def test_reconcile_then_lock_after_confirmation(qtbot, window, ctx, tmp_path):
    with ctx.uow() as s:
        c = Counter("T1", "admin")
        prepay(s, c, "1-1-101", [parse_tender("pos=50:123456789012")])
        prepay(s, c, "1-1-101", [parse_tender("wechat=20:4200000001202612200000000001")])
        shifts.close_shift(s, "T1", "admin", {})
    (tmp_path / "pos.csv").write_bytes(pos_settlement([StmtLine("pay", "123456789012", 5000, AT)]))
    (tmp_path / "wx.csv").write_bytes(wechat_all([StmtLine("pay", "4200000001202612200000000001", 2100, AT)]))
    view = _screen(window)
    view.files["pos"].setText(str(tmp_path / "pos.csv"))
    view.files["wechat"].setText(str(tmp_path / "wx.csv"))
    view.reconcile()
    idle(qtbot, window)
    assert window.errors == []
    assert view.result["locked"] is False and view.result["matched"] == 1
    assert view.tenders.rowCount() == 3 and view.tenders.item(2, 1).text() == "70.00"  # pos, wechat, total
    assert view.issues.rowCount() == 1
    assert "amount differs" in view.issues.item(0, 3).text()
    assert view.lock_btn.isEnabled() and _day_closed(ctx) == 0
    asked = []
    view.ask = lambda title, text: asked.append(text) or False  # the manager cancels
    view.confirm_lock()
    idle(qtbot, window)
    assert _day_closed(ctx) == 0 and "1 discrepancies" in asked[0]
    view.ask = lambda title, text: True
    view.confirm_lock()
    idle(qtbot, window)
    assert _day_closed(ctx) == 1 and view.result["locked"] is True and not view.lock_btn.isEnabled()
    assert "Locked" in view.summary.text()


def test_open_shift_is_reported(qtbot, window, ctx):
    view = _screen(window)
    view.reconcile()
    idle(qtbot, window)
    assert window.errors and "shift" in window.errors[0].lower()
    assert view.result is None and not view.lock_btn.isEnabled()
