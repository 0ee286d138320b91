"""Money given back: `refund`, `refund-orders`, `refund-resolve`, and the `deposit refund|list`
actions of the counter's `deposit` command (app/cli/cmd_cashier.py hands them here).

The approver's password: a manager or finance user acting alone names herself and types no
second password; a cashier names a manager, whose password comes from
PROPDESK_APPROVER_PASSWORD or, at a terminal, a prompt that does not echo."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from app.cli import Result, command
from app.cli.common import in_uow, yuan_option
from app.config import Settings
from app.context import AppContext
from app.errors import InputError
from app.money import fen_to_yuan_str
from app.services import scan_pay
from app.services.cashier.payments import Counter
from app.services.cashier.tenders import METHOD_NAMES
from app.services.refunds import ROUTES, Request, deposit_history, refund_deposit, refund_orders, refund_payment
from app.services.refunds import resolve_refund

APPROVER_PASSWORD_ENV = "PROPDESK_APPROVER_PASSWORD"


def approver_password(settings: Settings, approver: str | None) -> str | None:
    """None when the acting user approves herself (her role is checked by the service)."""
    approver = (approver or "").strip()
    if not approver or approver == settings.user:
        return None
    pw = os.environ.get(APPROVER_PASSWORD_ENV)
    if pw is not None:
        return pw
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"批准人 {approver} 的密码 password of approver {approver}: ")
    raise InputError("refund.approver_password_required", user=approver)


def _text(r: dict) -> str:
    lines = [f"退款单 refund {r['refund_no']}  {r['room']}  退款 {fen_to_yuan_str(r['amount_fen'])} 元"
             + (f"  (原收据 of {r['receipt_no']})" if r.get("receipt_no") else "")]
    for a in r.get("allocations", []):
        late = f" + 滞纳金 {fen_to_yuan_str(-a['late_fee_fen'])}" if a["late_fee_fen"] else ""
        lines.append(f"  重新打开 reopened {a['period']} {a['fee_name']} {fen_to_yuan_str(-a['principal_fen'])}{late}")
    for t in r.get("tenders", []):
        lines.append(f"  {METHOD_NAMES.get(t['method'], t['method'])} {fen_to_yuan_str(t['amount_fen'])}"
                     + (f" ({t['reference']})" if t.get("reference") else ""))
    if r.get("deducted_fen"):
        lines.append(f"  扣除 deducted {fen_to_yuan_str(r['deducted_fen'])} 元: {r.get('note') or ''}")
    lines.append(f"  批准 approved by {r['approved_by']}; 预存余额 prepaid {fen_to_yuan_str(r['prepaid_fen'])} 元")
    return "\n".join(lines)


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
        r = refund_payment(ctx.uow, c, req, password=password, factory=factory)
    finally:
        ctx.close()
    return Result(r, _text(r))


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


# --- deposit refund | list (the `deposit` command's actions) ------------------------------

def deposit_action(settings: Settings, args: argparse.Namespace) -> Result:
    if args.action == "list":
        rows = in_uow(settings, lambda s: deposit_history(s, room_key=args.room))
        text = []
        for d in rows:
            line = f"{d['deposit_id']}  {d['room']}  {d['purpose']}  {fen_to_yuan_str(d['amount_fen'])}  {d['state']}"
            if d["returned"]:
                ret = d["returned"]
                line += (f"  退 {fen_to_yuan_str(ret['paid_out_fen'])} 扣 {fen_to_yuan_str(ret['deducted_fen'])}"
                         f" {ret['refund_no']}" + (f" ({ret['note']})" if ret["note"] else ""))
            text.append(line)
        return Result({"deposits": rows}, "\n".join(text) or "没有押金 no deposits")
    if not args.deposit_id:
        raise InputError("refund.deposit_id_required")
    deduct = yuan_option(args.deduct, "--deduct") if args.deduct else 0
    tenders = args.tender or ["cash"]
    method, _, ref = tenders[-1].partition(":")
    password = approver_password(settings, args.approver)
    c = Counter(settings.terminal, settings.user)
    r = in_uow(settings, lambda s: refund_deposit(s, c, args.deposit_id, approver=args.approver, password=password,
                                                  deduct_fen=deduct, note=args.note, tender=method.strip(),
                                                  reference=ref or None))
    return Result(r, _text(r))
