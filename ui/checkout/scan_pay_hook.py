"""The one place checkout hands a scanned payment code (付款码) to the two-phase payment
service (app.services.scan_pay) with the gateway drivers (drivers.gateways). Both arrive in
their own branches; until both are installed `available()` is False and F3 says 扫码支付不可用
in the window instead of failing mid-payment.

`pay_scanned` runs on a worker thread (the service makes its own units of work: the order is
committed before the gateway is called) and reports progress through `on_state`
("paying": the resident is entering the password → 等待用户输入密码…)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

from app.context import AppContext
from app.errors import AppError
from app.gateways import gateway_for_code
from app.services.cashier.payments import Counter
from app.services.cashier.tenders import TenderInput


def _optional(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name is not None and module.startswith(e.name):
            return None  # not installed (yet); any other missing import is a real error
        raise


def service() -> ModuleType | None:
    """app.services.scan_pay, or None while it is not installed."""
    return _optional("app.services.scan_pay")


def gateway_factory() -> Callable[[str, dict], Any] | None:
    drivers = _optional("drivers.gateways.factory")
    return getattr(drivers, "open_gateway", None) if drivers is not None else None


def available() -> bool:
    svc = service()
    return svc is not None and hasattr(svc, "pay_with_scan") and gateway_factory() is not None


def pay_scanned(ctx: AppContext, counter: Counter, room_key: str, line_ids: list[str], tenders: list[TenderInput],
                amount_fen: int, auth_code: str, on_state: Callable[[str], None]) -> dict:
    """Pay the ticked bill lines with the other tenders plus `amount_fen` charged to the
    scanned code. Returns the payment (as payments.pay_bills does); AppError otherwise."""
    svc, factory = service(), gateway_factory()
    if svc is None or factory is None or not hasattr(svc, "pay_with_scan"):
        raise AppError("device.scan.not_available")
    kind = gateway_for_code(auth_code)
    if kind is None:
        raise AppError("device.scan.not_a_code")
    from app.services.cashier.tenders import ScanRequest  # type: ignore[attr-defined]  (with the service)

    purpose = svc.Purpose(kind="bills", room=room_key, line_ids=list(line_ids))
    return svc.pay_with_scan(ctx.uow, counter, purpose, list(tenders), ScanRequest(kind.name, amount_fen, auth_code),
                             factory, on_state=on_state)
