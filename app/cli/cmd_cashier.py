"""Counter commands: pay, prepay, deposit, charge, void, shift open|close."""

from __future__ import annotations

import argparse

from app.cli import Result, command
from app.cli.sign_in import approver_password
from app.cli.common import in_uow, parse_day, yuan_option
from app.cli.common import tender_arg as _tender_arg
from app.cli.scan_tender import scan_payment
from app.config import Settings
from app.errors import InputError
from app.money import fen_to_yuan_str
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, charge_one_off, collect_deposit, pay_bills, prepay
from app.services.cashier.tenders import METHOD_NAMES, parse_tenders
from app.services.cashier.voids import void_receipt
from app.services.scan_pay import Purpose


def _receipt_text(r: dict) -> str:
    lines = [f"收据 receipt {r['receipt_no']}  {r['room']}  合计 {fen_to_yuan_str(r['total_fen'])} 元"]
    for a in r.get("allocations", []):
        late = f" + 滞纳金 {fen_to_yuan_str(a['late_fee_fen'])}" if a["late_fee_fen"] else ""
        lines.append(f"  {a['period']} {a['fee_name']} {fen_to_yuan_str(a['principal_fen'])}{late}")
    for t in r["tenders"]:
        lines.append(f"  {METHOD_NAMES[t['method']]} {fen_to_yuan_str(t['amount_fen'])}"
                     + (f" ({t['reference']})" if t.get("reference") else "")
                     + (f" 订单 order {t['out_trade_no']}" if t.get("out_trade_no") else ""))
    if r["change_fen"]:
        lines.append(f"  找零 change {fen_to_yuan_str(r['change_fen'])} 元")
    lines.append(f"  预存余额 prepaid {fen_to_yuan_str(r['prepaid_fen'])} 元")
    return "\n".join(lines)


def _pay_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--room", required=True)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--all", action="store_true", help="every unpaid line, oldest due first")
    g.add_argument("--lines", help="bill line ids, comma-separated")
    _tender_arg(p)
    p.add_argument("--as-of", help="late fees as of this day (default today)")


@command("pay", "take a payment for bill lines (split tender allowed)", _pay_args)
def run_pay(settings: Settings, args: argparse.Namespace) -> Result:
    tenders, scan = parse_tenders(args.tender)
    if not tenders and not scan:
        raise InputError("cli.tender_required")
    line_ids = [x.strip() for x in args.lines.split(",") if x.strip()] if args.lines else None
    as_of = parse_day(args.as_of, "--as-of") if args.as_of else None
    c = Counter(settings.terminal, settings.user)
    if scan:  # a scanned payment code: through its gateway (app.services.scan_pay)
        r = scan_payment(settings, Purpose("bills", args.room, line_ids, as_of.isoformat() if as_of else None),
                         tenders, scan)
        return Result(r, _receipt_text(r))
    r = in_uow(settings, lambda s: pay_bills(s, c, args.room, tenders, line_ids=line_ids, as_of=as_of))
    return Result(r, _receipt_text(r))


def _prepay_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--room", required=True)
    _tender_arg(p)


@command("prepay", "top up a room's prepaid balance (预存)", _prepay_args)
def run_prepay(settings: Settings, args: argparse.Namespace) -> Result:
    tenders, scan = parse_tenders(args.tender)
    c = Counter(settings.terminal, settings.user)
    r = scan_payment(settings, Purpose("prepay", args.room), tenders, scan) if scan else in_uow(settings, lambda s: prepay(s, c, args.room, tenders))
    return Result(r, _receipt_text(r))


def _deposit_args(p: argparse.ArgumentParser) -> None:
    # `deposit --room R --purpose P --tender …` collects; `deposit refund ID …` and `deposit
    # list` are handled by app/cli/cmd_refunds.py
    p.add_argument("action", nargs="?", choices=["refund", "list"], help="refund DEPOSIT_ID, or list")
    p.add_argument("deposit_id", nargs="?", metavar="DEPOSIT_ID")
    p.add_argument("--room", help="collect: the room (list: only this room)")
    p.add_argument("--purpose", help="collect: e.g. 装修押金")
    p.add_argument("--deduct", help="refund: yuan kept (with --note saying why)")
    p.add_argument("--note", help="refund: why the deduction")
    p.add_argument("--approver", help="refund: the approving manager (yourself if you are one)")
    _tender_arg(p)


@command("deposit", "collect a deposit (押金); `deposit refund ID` returns one; `deposit list`", _deposit_args)
def run_deposit(settings: Settings, args: argparse.Namespace) -> Result:
    if args.action:
        from app.cli.refund_actions import deposit_action

        return deposit_action(settings, args)
    if not args.room or not args.purpose:
        raise InputError("refund.deposit_needs_room_purpose")
    tenders, scan = parse_tenders(args.tender)
    c = Counter(settings.terminal, settings.user)
    r = scan_payment(settings, Purpose("deposit", args.room, purpose=args.purpose), tenders, scan) if scan else in_uow(settings, lambda s: collect_deposit(s, c, args.room, args.purpose, tenders))
    return Result(r, _receipt_text(r) + f"\n  押金余额 deposits {fen_to_yuan_str(r['deposits_fen'])} 元")


def _charge_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--room", required=True)
    p.add_argument("--fee", required=True, help="code of a one-off fee item (basis one_off)")
    p.add_argument("--amount", required=True, help="yuan, e.g. 150.00")
    p.add_argument("--note", required=True, help="what the charge is for")
    _tender_arg(p)


@command("charge", "charge and take a one-off fee (临时收费)", _charge_args)
def run_charge(settings: Settings, args: argparse.Namespace) -> Result:
    amount = yuan_option(args.amount, "--amount")
    tenders, scan = parse_tenders(args.tender)
    c = Counter(settings.terminal, settings.user)
    r = scan_payment(settings, Purpose("one_off", args.room, fee=args.fee, amount_fen=amount, note=args.note),
                     tenders, scan) if scan else in_uow(settings, lambda s: charge_one_off(s, c, args.room, args.fee, amount, args.note, tenders))
    return Result(r, _receipt_text(r))


def _void_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("receipt_no")
    p.add_argument("--reason", required=True)
    p.add_argument("--approver", help="after the void window: the supervisor approving it (password from "
                                      "PROPDESK_APPROVER_PASSWORD or a prompt)")


@command("void", "void a receipt of the open shift (作废)", _void_args)
def run_void(settings: Settings, args: argparse.Namespace) -> Result:
    c = Counter(settings.terminal, settings.user)
    pw = approver_password(args.approver, settings) if args.approver else None
    r = in_uow(settings, lambda s: void_receipt(s, c, args.receipt_no, args.reason, approver=args.approver,
                                                approver_password=pw))
    return Result(r, f"已作废 voided {r['receipt_no']} ({fen_to_yuan_str(r['total_fen'])} 元): {r['reason']}")


def _shift_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["open", "close"])
    p.add_argument("--float", dest="float_", default="0", help="open: cash float in yuan")
    p.add_argument("--count", default="", help="close: drawer count, e.g. 100=3,50=1,0.5=2")
    p.add_argument("--report", metavar="FILE.pdf", help="close: also write the shift report (交接班报表) as PDF")


@command("shift", "open or close the acting user's shift on this terminal", _shift_args)
def run_shift(settings: Settings, args: argparse.Namespace) -> Result:
    if args.action == "open":
        float_fen = yuan_option(args.float_, "--float")
        r = in_uow(settings, lambda s: (lambda sh: {"shift_id": sh.id, "float_fen": sh.float_fen})(
            shifts.open_shift(s, settings.terminal, settings.user, float_fen)))
        return Result(r, f"已开班 shift open, 备用金 float {fen_to_yuan_str(r['float_fen'])} 元")
    counts = shifts.parse_count(args.count)
    r = in_uow(settings, lambda s: shifts.close_shift(s, settings.terminal, settings.user, counts))
    if args.report:
        from app.printing.pdf_shift import shift_report_pdf
        from app.services.cashier.shift_report import shift_report

        shift_report_pdf(in_uow(settings, lambda s: shift_report(s, r["shift_id"])), args.report)
        r["report"] = args.report
    text = ["已交班 shift closed"] + [f"  应有 expected {METHOD_NAMES.get(m, m)}: {fen_to_yuan_str(v)} 元"
                                      for m, v in r["expected"].items()]
    text += [f"  清点现金 counted {fen_to_yuan_str(r['counted_fen'])} 元, 差额 variance {fen_to_yuan_str(r['variance_fen'])} 元"]
    return Result(r, "\n".join(text))


def _ledger_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["check"])


@command("ledger", "prove the books: every transaction balances, every balance matches its facts", _ledger_args)
def run_ledger(settings: Settings, args: argparse.Namespace) -> Result:
    """Exit 0 when every check passes; otherwise the failed checks with their offending rows
    (the JSON document with --json) and exit 1: the books are wrong, not the input."""
    import json

    from app.services.ledger_check import full_check

    r = in_uow(settings, full_check)
    if r["ok"]:
        return Result(r, f"账平 ledger ok: {r['transactions']} transactions, {len(r['checks'])} checks")
    if getattr(args, "json", False):
        print(json.dumps(r, ensure_ascii=False, default=str))
    else:
        lines = ["账不平 LEDGER PROBLEMS:"]
        for c in r["checks"]:
            if not c["ok"]:
                lines.append(f"  {c['name']}: {c['count']}")
                lines += [f"    {json.dumps(o, ensure_ascii=False, sort_keys=True)}" for o in c["offenders"][:20]]
        print("\n".join(lines))
    raise SystemExit(1)
