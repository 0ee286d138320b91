"""Scanned payment-code gateways (付款码): one registry entry per gateway, and the small
interface every gateway driver implements (issue 12, DESIGN.md "Gateway calls are two-phase").

The registry lives in app/ because services need the names, the auth-code rules (which
gateway a scanned code belongs to) and the settings schema; app/ never imports drivers, so
the drivers (drivers/gateways/) register their implementation against these names and the
payment service receives a `GatewayFactory` through the application context, as the print
queue receives its printer.

Outcomes are states, never exceptions, because every outcome has to be stored with the
order: a network failure after the request may have left the resident charged, so it is
`unknown` — settled by `query` with the SAME out_trade_no, then `reverse`, never by paying
again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

State = Literal["success", "paying", "failed", "unknown", "closed", "reversed", "refunded"]


@dataclass(frozen=True)
class GatewayResult:
    state: State
    transaction_id: str | None = None  # the gateway's transaction no (WeChat transaction_id, Alipay trade_no)
    amount_fen: int | None = None
    code: str | None = None  # the gateway's own error code (err_code / sub_code), for the record
    message: str | None = None  # the gateway's own words, for the record
    raw: dict[str, Any] = field(default_factory=dict)  # the verified reply, stored with the order


class Gateway(Protocol):
    """One merchant account at one payment platform."""

    name: str

    def pay(self, out_trade_no: str, auth_code: str, amount_fen: int, subject: str) -> GatewayResult: ...

    def query(self, out_trade_no: str) -> GatewayResult: ...

    def reverse(self, out_trade_no: str) -> GatewayResult:
        """Cancel (撤销) an order that is not (or may not be) paid: WeChat reverse, Alipay cancel."""
        ...

    def refund(self, out_trade_no: str, out_refund_no: str, total_fen: int, refund_fen: int,
               reason: str) -> GatewayResult: ...

    def refund_query(self, out_trade_no: str, out_refund_no: str) -> GatewayResult:
        """The state of the refund `out_refund_no` (WeChat /pay/refundquery, Alipay
        alipay.trade.fastpay.refund.query): `refunded` (accepted or done), `failed` (no such
        refund, or closed without paying back: nothing went out), `unknown`."""
        ...


# name, settings -> a Gateway; drivers provide it (drivers/gateways/factory.py)
GatewayFactory = Callable[[str, dict[str, Any]], Gateway]


@dataclass(frozen=True)
class GatewayKind:
    name: str  # "wechat" | "alipay": also the tender method the payment is recorded as
    label: str  # message code of its name
    auth_code: str  # full-match regex of the 付款码 this gateway issues
    settings: tuple[str, ...]  # setting keys (secrets are kept out of the database rows: see the service)
    secrets: tuple[str, ...]  # which of them are secret (never printed back, masked in `gateway show`)


GATEWAYS: dict[str, GatewayKind] = {g.name: g for g in (
    # WeChat Pay 付款码: 18 digits starting 10–15.
    GatewayKind("wechat", "gateway.wechat", r"1[0-5]\d{16}",
                ("appid", "mch_id", "key", "sign_type", "cert", "cert_key", "base_url", "pay_timeout"),
                ("key", "cert_key")),
    # Alipay 付款码: 16–24 digits starting 25–30.
    GatewayKind("alipay", "gateway.alipay", r"(?:2[5-9]|30)\d{14,22}",
                ("app_id", "private_key", "alipay_public_key", "base_url", "pay_timeout"),
                ("private_key",)),
)}


def gateway_for_code(auth_code: str) -> GatewayKind | None:
    """Which gateway issued a scanned payment code (None: not a payment code we take)."""
    code = (auth_code or "").strip()
    for g in GATEWAYS.values():
        if re.fullmatch(g.auth_code, code):
            return g
    return None
