"""The scan tender (`--tender scan=AMOUNT:AUTH_CODE`) of pay, prepay, deposit and charge: the
whole two-phase flow (app.services.scan_pay) with the gateway factory drivers installed."""

from __future__ import annotations

import sys

from app.config import Settings
from app.context import AppContext
from app.services import gateway_settings, scan_pay
from app.services.cashier.payments import Counter
from app.services.cashier.tenders import ScanRequest, TenderInput


def _print_state(state: str) -> None:
    if state == "paying":
        print("等待用户输入密码… waiting for the customer to enter the password…", file=sys.stderr, flush=True)


def scan_payment(settings: Settings, purpose: scan_pay.Purpose, tenders: list[TenderInput],
                 scan: ScanRequest) -> dict:
    """The CLI's scan tender: the whole two-phase flow with the installed gateway factory."""
    factory = scan_pay.installed_factory()
    c = Counter(settings.terminal, settings.user)
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        # Each CLI run is an app start: orders a crash of this counter left open are settled
        # by query first (never paid again), so the resident is not asked to pay twice.
        # Orders younger than the longest live payment are left to whoever is waiting on them.
        with ctx.uow() as s:
            live = gateway_settings.pay_timeout(s, settings.terminal, scan.gateway) + scan_pay.RECOVER_MARGIN_S
        scan_pay.recover(ctx.uow, c, factory, min_age_s=live)
        return scan_pay.pay_with_scan(ctx.uow, c, purpose, tenders, scan, factory, on_state=_print_state)
    finally:
        ctx.close()
