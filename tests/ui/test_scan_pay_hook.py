"""The hook between checkout and the scan-pay service: absent service → a clear coded error;
present → the service is called with (sessions, counter, purpose, tenders, ScanRequest, factory,
on_state) as app.services.scan_pay.pay_with_scan takes them."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import pytest

from app.errors import AppError
from app.services.cashier import tenders as tenders_mod
from app.services.cashier.payments import Counter
from app.services.cashier.tenders import TenderInput
from ui.checkout import scan_pay_hook


def test_without_the_service_it_says_not_available(monkeypatch):
    monkeypatch.setitem(sys.modules, "app.services.scan_pay", None)  # import fails as if absent
    with pytest.raises(AppError) as e:
        scan_pay_hook.pay_scanned(None, Counter("T1", "admin"), "c/1-1-101", ["l1"], [], 100,  # type: ignore[arg-type]
                                  "134567890123456789", lambda s: None)
    assert e.value.code == "device.scan.not_available" and "未安装扫码支付" in e.value.text("zh")
    assert scan_pay_hook.available() is False


def test_with_the_service_the_call_is_what_it_takes(monkeypatch):
    @dataclass(frozen=True)
    class Purpose:
        kind: str
        room: str
        line_ids: list | None = None

    @dataclass(frozen=True)
    class ScanRequest:
        gateway: str
        amount_fen: int
        auth_code: str

    seen: dict = {}

    def pay_with_scan(sessions, c, purpose, tenders, scan, factory, *, on_state=None):  # type: ignore[no-untyped-def]
        seen.update(sessions=sessions, c=c, purpose=purpose, tenders=tenders, scan=scan, factory=factory)
        on_state("paying")
        return {"receipt_no": "T1-20261220-0001"}

    svc = types.ModuleType("app.services.scan_pay")
    svc.Purpose, svc.pay_with_scan = Purpose, pay_with_scan  # type: ignore[attr-defined]
    gw = types.ModuleType("drivers.gateways.factory")
    gw.open_gateway = lambda name, settings: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "app.services.scan_pay", svc)
    monkeypatch.setitem(sys.modules, "drivers.gateways", types.ModuleType("drivers.gateways"))
    monkeypatch.setitem(sys.modules, "drivers.gateways.factory", gw)
    monkeypatch.setattr(tenders_mod, "ScanRequest", ScanRequest, raising=False)
    assert scan_pay_hook.available()

    class Ctx:
        def uow(self):  # type: ignore[no-untyped-def]
            raise AssertionError("the service opens its own units of work")

    ctx, states = Ctx(), []
    cash = TenderInput("cash", 5000)
    out = scan_pay_hook.pay_scanned(ctx, Counter("T1", "admin"), "c/1-1-101", ["l1", "l2"], [cash],  # type: ignore[arg-type]
                                    37240, "286543210987654321", states.append)
    assert out == {"receipt_no": "T1-20261220-0001"} and states == ["paying"]
    assert seen["purpose"] == Purpose("bills", "c/1-1-101", ["l1", "l2"])
    assert seen["scan"] == ScanRequest("alipay", 37240, "286543210987654321")
    assert seen["tenders"] == [cash] and seen["factory"] is gw.open_gateway
    assert seen["sessions"].__self__ is ctx  # ctx.uow, the factory of units of work
