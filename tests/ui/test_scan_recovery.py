"""Start-up recovery in the GUI: a scanned-code order a crash left `unknown` is settled when
the main window starts — by query on a worker thread, recorded once, never paid again — and
an order young enough to belong to a live payment elsewhere is left alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app import clock
from app.db.models.cashier import GatewayOrder, Payment
from app.errors import AppError
from app.services import scan_pay
from app.services.cashier.payments import Counter
from app.services.cashier.tenders import ScanRequest
from tests.support.fake_gateway import WECHAT_CODE, FakeFactory
from tests.ui.conftest import idle
from ui.checkout import scan_pay_hook


def _left_unknown(ctx, factory: FakeFactory, amount_fen: int, age: timedelta) -> str:  # type: ignore[no-untyped-def]
    """A prepayment whose reply was lost for good: the crash leaves the order `unknown`."""
    factory.script("lost_forever")
    with pytest.raises(AppError) as e:
        scan_pay.pay_with_scan(ctx.uow, Counter("T1", "admin"), scan_pay.Purpose(kind="prepay", room="1-1-101"), [],
                               ScanRequest("wechat", amount_fen, WECHAT_CODE), factory, sleep=lambda s: None)
    assert e.value.code == "scan.unconfirmed"
    no = e.value.params["out_trade_no"]
    with ctx.uow() as s:
        s.execute(update(GatewayOrder).where(GatewayOrder.out_trade_no == no)
                  .values(created_at=clock.now() - age))
    return no


def _orders(ctx) -> dict[str, GatewayOrder]:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return {o.out_trade_no: (o.status, o.transaction_id) for o in s.scalars(select(GatewayOrder))}


def test_an_order_left_unknown_is_recorded_once_after_start_up(qtbot, ctx, world, monkeypatch):
    from ui.main_window import MainWindow

    f = FakeFactory()
    old = _left_unknown(ctx, f, 5000, timedelta(hours=1))
    young = _left_unknown(ctx, f, 700, timedelta(seconds=5))
    f.script("success")  # the platform, asked now, says the lost payment went through
    monkeypatch.setattr(scan_pay_hook, "gateway_factory", lambda: f)
    w = MainWindow(ctx)
    w.errors = []
    w.ops.show_error = w.errors.append
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.recovered is not None, timeout=10000)
    idle(qtbot, w)
    assert [r["out_trade_no"] for r in w.recovered] == [old]
    assert w.recovered[0]["state"] == "paid" and w.recovered[0]["receipt"]["receipt_no"]
    gw = f.gateways["wechat"]
    assert gw.count("pay") == 2  # the two original attempts; recovery only asked
    assert [op for op, no in gw.calls if no == old].count("pay") == 1
    orders = _orders(ctx)
    assert orders[old][0] == "paid" and orders[old][1] == gw.orders[old].transaction_id
    assert orders[young][0] == "unknown"  # may still be some live payment's: not touched
    with ctx.uow() as s:
        assert len(list(s.scalars(select(Payment)))) == 1
    assert w.recovered[0]["receipt"]["receipt_no"] in w.bar.currentMessage()
    assert not w.errors
    # a second start finds nothing more to do: recorded once
    w.ops.wait(5000)
    w2 = MainWindow(ctx)
    qtbot.addWidget(w2)
    qtbot.waitUntil(lambda: w2.recovered is not None, timeout=10000)
    assert w2.recovered == []
    with ctx.uow() as s:
        assert len(list(s.scalars(select(Payment)))) == 1
    w2.ops.wait(5000)
