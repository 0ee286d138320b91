"""Money given back: `refund`, `refund-orders`, `refund-resolve` (the `deposit refund|list`
actions live in app/cli/refund_actions.py, called by the counter's `deposit` command)."""

from __future__ import annotations

import argparse

from app.cli import Result, command
from app.cli.common import in_uow, yuan_option
from app.cli.refund_actions import approver_password, refund_text
from app.config import Settings
from app.context import AppContext
from app.money import fen_to_yuan_str
from app.services import scan_pay
from app.services.cashier.payments import Counter
from app.services.refunds import ROUTES, Request, recover_refunds, refund_orders, refund_payment, resolve_refund

RECOVER_AGE_S = 60  # an order younger than this may still be waited on by another window of this counter


def _refund_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("receipt_no", metavar="RECEIPT_NO")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--lines", help="bill line ids of the receipt to refund, comma-separated (they reopen)")
    g.add_argument("--amount", help="yuan to refund (the last lines paid reopen first); neither: all that is left")
    p.add_argument("--reason", required=True)
    p.add_argument("--route", choices=ROUTES, default="original",
                   help="original (as it was paid: WeChat/Alipay refund, POS, cash, prepaid), cash, or prepaid")
    p.add_argument("--approver", required=True, help="the approving manager (yourself if you are one)")
    p.add_argument("--pos-ref", help="card payments, route original: the 12-digit reference of the POS refund slip")


@command("refund", "refund all or part of a payment (退款), approved by a manager", _refund_args)
def run_refund(settings: Settings, args: argparse.Namespace) -> Result:
    amount = yuan_option(args.amount, "--amount") if args.amount is not None else None
    line_ids = [x.strip() for x in args.lines.split(",") if x.strip()] if args.lines else None
    req = Request(args.receipt_no, args.reason, args.route, line_ids=line_ids, amount_fen=amount,
                  approver=args.approver, pos_reference=args.pos_ref)
    password = approver_password(settings, args.approver)
    c = Counter(settings.terminal, settings.user)
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        factory = scan_pay._installed_factory  # None: no gateway drivers (only needed for WeChat/Alipay)
        if factory is not None:
            # each CLI run is an app start: refund orders a crash or a lost answer left open are
            # settled by query first, so the payment's refundable amount is right
            recover_refunds(ctx.uow, c, factory, min_age_s=RECOVER_AGE_S)
        r = refund_payment(ctx.uow, c, req, password=password, factory=factory)
    finally:
        ctx.close()
    return Result(r, refund_text(r))


def _orders_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--open", action="store_true", help="only those not settled (unknown, or refunded not recorded)")


@command("refund-orders", "WeChat/Alipay refund orders and their state", _orders_args)
def run_refund_orders(settings: Settings, args: argparse.Namespace) -> Result:
    rows = in_uow(settings, lambda s: refund_orders(s, open_only=args.open))
    text = "\n".join(f"{o['out_refund_no']}  {o['gateway']}  {fen_to_yuan_str(o['amount_fen'])}  {o['state']}"
                     for o in rows) or "没有退款订单 no refund orders"
    return Result({"orders": rows}, text)


def _resolve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("out_refund_no", metavar="OUT_REFUND_NO")


@command("refund-resolve", "settle a refund whose gateway answer was unknown (by query, never a second refund)",
         _resolve_args)
def run_refund_resolve(settings: Settings, args: argparse.Namespace) -> Result:
    c = Counter(settings.terminal, settings.user)
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        r = resolve_refund(ctx.uow, c, args.out_refund_no, scan_pay.installed_factory())
    finally:
        ctx.close()
    return Result(r, f"{args.out_refund_no}: {r['state']}")
