"""Gateway refunds end to end on SQLite and PostgreSQL: the REAL drivers (WeChat v2
/secapi/pay/refund + /pay/refundquery, Alipay alipay.trade.refund + .fastpay.refund.query)
over HTTP against the gateway emulator. The refund order is committed before the call;
an unknown outcome is settled by querying the same out_refund_no — never a second refund."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.db.models import Refund, RefundOrder, Tender
from app.errors import AppError, InputError
from app.services import ledger_check, scan_pay
from app.services.cashier.payments import Counter
from app.services.cashier.tenders import ScanRequest
from app.services.refunds import Request, recover_refunds, refund_orders, refund_payment, resolve_refund
from app.services.scan_pay import Purpose
from drivers.gateways.factory import open_gateway
from tests.support import counter_world
from tests.support.gateways import ALIPAY_CODE, WECHAT_CODE, running_emulator

C = Counter("T1", "admin")
CODES = {"wechat": WECHAT_CODE, "alipay": ALIPAY_CODE}


@pytest.fixture
def emulator(any_ctx, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 20))
    with any_ctx.uow() as s:
        counter_world.build(s)
    with running_emulator(tmp_path) as (emu, settings):
        yield emu, (lambda name, _conf: open_gateway(name, settings[name]))


def _scan_paid(ctx, factory, gateway: str) -> dict:  # type: ignore[no-untyped-def]
    """All of 1-1-101's lines (422.40) paid by a scanned code."""
    return scan_pay.pay_with_scan(ctx.uow, C, Purpose("bills", "1-1-101"), [],
                                  ScanRequest(gateway, 42240, CODES[gateway]), factory, sleep=lambda s: None)


def _refund_calls(emu, gateway: str) -> list[dict]:  # type: ignore[no-untyped-def]
    out = []
    for g, api, params in list(emu.calls):
        if g == gateway == "wechat" and api == "/secapi/pay/refund":
            out.append(params)
        if g == gateway == "alipay" and api == "alipay.trade.refund":
            out.append(json.loads(params["biz_content"]))
    return out


def _ok(ctx) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        r = ledger_check.full_check(s)
    assert r["ok"], r["problems"]


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
def test_partial_refunds_by_the_original_route_through_the_gateway(any_ctx, emulator, gateway):
    emu, factory = emulator
    paid = _scan_paid(any_ctx, factory, gateway)
    r1 = refund_payment(any_ctx.uow, C, Request(paid["receipt_no"], "多收", "original", amount_fen=10000,
                                                approver="admin"), factory=factory, sleep=lambda s: None)
    assert (r1["amount_fen"], r1["route"], r1["state"]) == (10000, "original", "done")
    r2 = refund_payment(any_ctx.uow, C, Request(paid["receipt_no"], "余款", "original", approver="admin"),
                        factory=factory, sleep=lambda s: None)
    assert r2["amount_fen"] == 32240
    order = emu.order(gateway, paid["out_trade_no"])
    assert order.refunded_fen == 42240  # the gateway gave back exactly what we recorded
    calls = _refund_calls(emu, gateway)
    assert len(calls) == 2
    with any_ctx.uow() as s:
        orders = {o.out_refund_no: o for o in s.scalars(select(RefundOrder))}
        assert {o.status for o in orders.values()} == {"recorded"}
        refs = sorted(s.scalars(select(Tender.reference).where(Tender.method == gateway, Tender.amount_fen < 0)))
        gateway_ids = sorted((emu.refund_of(gateway, no) or {}).get("refund_id") or no for no in orders)
        assert refs == gateway_ids  # WeChat's refund_id; Alipay has none, so our out_request_no
    with pytest.raises(InputError) as e:
        refund_payment(any_ctx.uow, C, Request(paid["receipt_no"], "x", "original", amount_fen=1, approver="admin"),
                       factory=factory)
    assert e.value.code == "refund.nothing_left"
    assert len(_refund_calls(emu, gateway)) == 2
    _ok(any_ctx)


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
@pytest.mark.parametrize("outcome", ["lost", "syserror"])
def test_unknown_outcome_is_queried_never_refunded_twice(any_ctx, emulator, gateway, outcome):
    emu, factory = emulator
    paid = _scan_paid(any_ctx, factory, gateway)
    emu.script_refund(outcome)  # the refund is made, but the answer is lost / a system error
    r = refund_payment(any_ctx.uow, C, Request(paid["receipt_no"], "退款", "original", approver="admin"),
                       factory=factory, sleep=lambda s: None)
    assert r["amount_fen"] == 42240 and r["state"] == "done"
    assert len(_refund_calls(emu, gateway)) == 1  # settled by refundquery, not by a second refund
    assert emu.order(gateway, paid["out_trade_no"]).refunded_fen == 42240
    _ok(any_ctx)


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
def test_declined_refund_records_nothing(any_ctx, emulator, gateway):
    emu, factory = emulator
    paid = _scan_paid(any_ctx, factory, gateway)
    emu.script_refund("declined")
    with pytest.raises(InputError) as e:
        refund_payment(any_ctx.uow, C, Request(paid["receipt_no"], "退款", "original", approver="admin"),
                       factory=factory, sleep=lambda s: None)
    assert e.value.code == "refund.gateway_declined"
    with any_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(Refund)) == 0
        assert [o["state"] for o in refund_orders(s)] == ["failed"]
    _ok(any_ctx)


def test_still_unknown_keeps_the_order_and_resolve_records_it_once(any_ctx, emulator):
    emu, factory = emulator
    paid = _scan_paid(any_ctx, factory, "wechat")
    emu.script_refund("lost")

    def flaky(name, conf):  # type: ignore[no-untyped-def]
        g = factory(name, conf)
        g.refund_query = lambda *a: scan_pay.GatewayResult("unknown", code="NETWORK")  # type: ignore[method-assign]
        return g

    with pytest.raises(AppError) as e:
        refund_payment(any_ctx.uow, C, Request(paid["receipt_no"], "退款", "original", approver="admin"),
                       factory=flaky, sleep=lambda s: None)
    assert e.value.code == "refund.unconfirmed"
    no = e.value.params["out_refund_no"]
    with any_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(Refund)) == 0
        assert [o["state"] for o in refund_orders(s, open_only=True)] == ["unknown"]
    # a second try at the counter would be another refund: the payment's refundable amount
    # is still all there, but the open order is what must be settled first — by query
    assert recover_refunds(any_ctx.uow, C, factory, sleep=lambda s: None, min_age_s=3600) == []  # too young
    [r] = recover_refunds(any_ctx.uow, C, factory, sleep=lambda s: None)  # the next start settles it by query
    assert r["state"] == "done" and r["amount_fen"] == 42240
    again = resolve_refund(any_ctx.uow, C, no, factory, sleep=lambda s: None)
    assert again["state"] == "recorded"
    assert len(_refund_calls(emu, "wechat")) == 1
    with any_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(Refund)) == 1
    _ok(any_ctx)


def test_cash_part_without_a_shift_is_refused_before_the_gateway_is_asked(any_ctx, emulator):
    from app.services.cashier import shifts
    from app.services.cashier.tenders import TenderInput

    emu, factory = emulator
    paid = scan_pay.pay_with_scan(any_ctx.uow, C, Purpose("bills", "1-1-101"), [TenderInput("cash", 2240)],
                                  ScanRequest("wechat", 40000, WECHAT_CODE), factory, sleep=lambda s: None)
    with any_ctx.uow() as s:
        shifts.close_shift(s, "T1", "admin", {})
    with pytest.raises(InputError) as e:
        refund_payment(any_ctx.uow, C, Request(paid["receipt_no"], "退款", "original", approver="admin"),
                       factory=factory, sleep=lambda s: None)
    assert e.value.code == "refund.cash_needs_shift"
    assert _refund_calls(emu, "wechat") == []
    with any_ctx.uow() as s:
        assert refund_orders(s) == []
