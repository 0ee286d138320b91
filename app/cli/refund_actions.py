"""What the refund commands share with the counter's `deposit` command (which hands its
`refund` and `list` actions here): the approver's password, the refund's text, the deposit
actions. Apart from the command modules so none of them imports another.

The approver's password: a manager or finance user acting alone names herself and types no
second password; a cashier names a manager, whose password comes from
PROPDESK_APPROVER_PASSWORD or, at a terminal, a prompt that does not echo."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from app.cli import Result
from app.cli.common import in_uow, yuan_option
from app.config import Settings
from app.errors import InputError
from app.money import fen_to_yuan_str
from app.services.cashier.payments import Counter
from app.services.cashier.tenders import METHOD_NAMES
from app.services.refunds import deposit_history, refund_deposit

APPROVER_PASSWORD_ENV = "PROPDESK_APPROVER_PASSWORD"


def approver_password(settings: Settings, approver: str | None, permission: str = "refund") -> str | None:
    """None when the acting user approves herself (her role is checked by the service). A user
    who may not start this at all is refused before anyone is asked for a password."""
    from app.cli.common import in_uow
    from app.services.refunds import approval

    in_uow(settings, lambda s: approval.may_start(s, settings.user, permission))
    approver = (approver or "").strip()
    if not approver or approver == settings.user:
        return None
    pw = os.environ.get(APPROVER_PASSWORD_ENV)
    if pw is not None:
        return pw
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"批准人 {approver} 的密码 password of approver {approver}: ")
    raise InputError("refund.approver_password_required", user=approver)


def refund_text(r: dict) -> str:
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
    password = approver_password(settings, args.approver, "deposit_refund")
    c = Counter(settings.terminal, settings.user)
    r = in_uow(settings, lambda s: refund_deposit(s, c, args.deposit_id, approver=args.approver, password=password,
                                                  deduct_fen=deduct, note=args.note, tender=method.strip(),
                                                  reference=ref or None))
    return Result(r, refund_text(r))
