"""`propdesk gateway set|show|orders|resolve` and the scan tender of pay/prepay/deposit/charge.

The settings and the order list need no network and live here. Whatever calls a payment
platform needs a gateway implementation, which lives in drivers: drivers/cli_gateway.py
(loaded through the `propdesk.commands` entry point) installs it with
`scan_pay.install_factory`, and may add actions of its own to this one `gateway` command with
`register_action` (ACTIONS is read when the parser is built, after the plugins are loaded).
Without a driver, a scan tender or `resolve` says so (exit 1) and changes nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.cli import Result, command
from app.cli.common import in_uow
from app.config import Settings
from app.context import AppContext
from app.errors import InputError
from app.money import fen_to_yuan_str
from app.services import gateway_settings, scan_pay
from app.services.cashier.payments import Counter

Run = Callable[[Settings, argparse.Namespace], Result]
ACTIONS: dict[str, Run] = {}
_EXTRA_OPTIONS: list[Callable[[argparse.ArgumentParser], None]] = []


def register_action(name: str, run: Run, add_options: Callable[[argparse.ArgumentParser], None] | None = None) -> None:
    """Another module's action on the one `gateway` command (drivers: resolve, emulate)."""
    ACTIONS[name] = run
    if add_options:
        _EXTRA_OPTIONS.append(add_options)


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=sorted({"set", "show", "orders", "resolve", *ACTIONS}),
                   help="set wechat|alipay …, show, orders [--unconfirmed], resolve OUT_TRADE_NO|--all")
    p.add_argument("target", nargs="?", help="set: wechat|alipay; resolve: the order's out_trade_no")
    p.add_argument("--appid", help="WeChat: the APPID")
    p.add_argument("--mch-id", help="WeChat: the merchant no (商户号)")
    p.add_argument("--key-file", help="WeChat: file holding the API key (never printed back)")
    p.add_argument("--sign-type", help="WeChat: MD5 (default) or HMAC-SHA256")
    p.add_argument("--cert", help="WeChat: client certificate PEM file (reverse/refund)")
    p.add_argument("--cert-key", help="WeChat: the certificate's private key PEM file")
    p.add_argument("--app-id", help="Alipay: the app id")
    p.add_argument("--private-key", help="Alipay: the app's RSA2 private key PEM file")
    p.add_argument("--alipay-public-key", help="Alipay: the Alipay public key PEM file")
    p.add_argument("--base-url", help="the gateway's base URL (default the real API host)")
    p.add_argument("--pay-timeout", help="seconds to wait for the customer's password (default 60)")
    p.add_argument("--unconfirmed", action="store_true", help="orders: only those still to settle")
    p.add_argument("--all", action="store_true", help="resolve: every unsettled order of this counter")
    for extra in _EXTRA_OPTIONS:
        extra(p)


def _timeout(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError("gateway.bad_timeout", source="--pay-timeout", value=text) from None


def values_from_args(name: str, a: argparse.Namespace) -> dict[str, Any]:
    read = gateway_settings.read_file
    if name == "wechat":
        return {"appid": a.appid, "mch_id": a.mch_id, "key": read(a.key_file, "--key-file"),
                "sign_type": a.sign_type.upper() if a.sign_type else None, "cert": read(a.cert, "--cert"),
                "cert_key": read(a.cert_key, "--cert-key"), "base_url": a.base_url,
                "pay_timeout": _timeout(a.pay_timeout)}
    return {"app_id": a.app_id, "private_key": read(a.private_key, "--private-key"),
            "alipay_public_key": read(a.alipay_public_key, "--alipay-public-key"), "base_url": a.base_url,
            "pay_timeout": _timeout(a.pay_timeout)}


def _orders_text(rows: list[dict]) -> str:
    return "\n".join(f"{o['out_trade_no']}  {o['gateway']}  {fen_to_yuan_str(o['amount_fen'])}  {o['state']}"
                     f"  {o['transaction_id'] or ''}" for o in rows) or "无支付订单 no gateway orders"


def _resolve(settings: Settings, args: argparse.Namespace) -> Result:
    factory = scan_pay.installed_factory()
    c = Counter(settings.terminal, settings.user)
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        if args.all:
            rows = scan_pay.recover(ctx.uow, c, factory)
        elif args.target:
            rows = [scan_pay.resolve(ctx.uow, c, args.target.strip(), factory)]
        else:
            raise InputError("gateway.resolve_needs_order")
    finally:
        ctx.close()
    return Result({"orders": rows}, _orders_text(rows))


@command("gateway", "WeChat Pay / Alipay merchant settings and payment-code orders", _args)
def run_gateway(settings: Settings, args: argparse.Namespace) -> Result:
    if args.action in ACTIONS:
        return ACTIONS[args.action](settings, args)
    if args.action == "set":
        name = (args.target or "").strip().lower()
        if name not in ("wechat", "alipay"):
            raise InputError("gateway.unknown_name", name=args.target or "", known=["wechat", "alipay"])
        values = values_from_args(name, args)
        r = in_uow(settings, lambda s: gateway_settings.save(s, settings.terminal, settings.user, name, values))
        return Result(r, f"已保存 saved {name} settings ({r['base_url']})")
    if args.action == "show":
        r = in_uow(settings, lambda s: gateway_settings.show(s, settings.terminal))
        text = "\n".join(f"{n}: " + (", ".join(f"{k}={v}" for k, v in d.items()) if d else "未设置 not set")
                         for n, d in r.items())
        return Result(r, text)
    if args.action == "orders":
        rows = in_uow(settings, lambda s: scan_pay.orders(s, unconfirmed=args.unconfirmed))
        return Result({"orders": rows}, _orders_text(rows))
    return _resolve(settings, args)  # resolve
