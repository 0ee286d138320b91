"""`propdesk bill-run` and `propdesk bills`."""

from __future__ import annotations

import argparse

from app import clock
from app.cli import Result, command
from app.cli.common import in_uow, parse_day
from app.config import Settings
from app.context import AppContext
from app.errors import InputError, Msg
from app.money import fen_to_yuan_str
from app.services import users
from app.services.billing.bill_run import bill_run
from app.services.receivables.bills import room_bills
from app.services.rooms import resolve_room


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--period", required=True, help="YYYY-MM")
    p.add_argument("--community", help="only this community (default: all)")
    p.add_argument("--dry-run", action="store_true", help="show what a real run would create; write nothing")


@command("bill-run", "generate the period's bill lines (出账)", _run_args)
def run_bill_run(settings: Settings, args: argparse.Namespace) -> Result:
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        with ctx.uow() as s:  # bill_run checks the permission and commits chunk by chunk
            r = bill_run(s, args.period, community=args.community, dry_run=args.dry_run, user=settings.user,
                         terminal=settings.terminal)
    finally:
        ctx.close()
    head = "预览 dry run" if args.dry_run else "已出账 billed"
    text = [f"{head} {r['period']}: {r['lines']} 条 lines, 合计 {fen_to_yuan_str(r['total_fen'])} 元, "
            f"已存在跳过 skipped {r['skipped_existing']}"]
    for code, agg in r["by_fee_item"].items():
        text.append(f"  {code}: {agg['lines']} 条, {fen_to_yuan_str(agg['total_fen'])} 元")
    if r["missing_readings"]:
        text.append(f"  缺抄表 missing readings: {r['missing_readings']} (not billed)")
        text += [f"    {m['room'] or '公表'} {m['meter_no']} {m['fee_code']}: {m['reason']}" for m in r["missing"][:20]]
    text += [f"  问题 problem: {p['fee_code']}: {p['reason']}" for p in r["problems"]]
    return Result(r, "\n".join(text))


def _bills_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--room", required=True, help="room key, e.g. 3-2-1502 (or 小区/3-2-1502)")
    p.add_argument("--all", action="store_true", help="also paid lines")
    p.add_argument("--as-of", help="late fees as of this day, YYYY-MM-DD (default today)")


@command("bills", "a room's unpaid (or all) bill lines, with late fees as of a day", _bills_args)
def run_bills(settings: Settings, args: argparse.Namespace) -> Result:
    as_of = parse_day(args.as_of, Msg.of("billing.field.as_of"))
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        with ctx.uow() as s:
            users.get_user(s, settings.user)  # an unknown or inactive user is refused, as everywhere
            room = resolve_room(s, args.room)
            r = room_bills(s, room.id, as_of=as_of, include_paid=args.all)
    finally:
        ctx.close()
    doc = {"room": room.room_key, "as_of": as_of.isoformat(), "lines": [v.as_json() for v in r["lines"]],
           "prepaid_fen": r["prepaid_fen"], "deposits_fen": r["deposits_fen"], "owed_fen": r["owed_fen"],
           "late_fee_fen": r["late_fee_fen"]}
    text = [f"{room.room_key}  截至 {as_of}  欠费 {fen_to_yuan_str(r['owed_fen'])} 元  "
            f"滞纳金 {fen_to_yuan_str(r['late_fee_fen'])} 元  预存 {fen_to_yuan_str(r['prepaid_fen'])} 元  "
            f"押金 {fen_to_yuan_str(r['deposits_fen'])} 元"]
    from app.printing.width import pad_right

    for v in r["lines"]:
        text.append(f"  {v.period} {pad_right(v.fee_name, 16)} {fen_to_yuan_str(v.amount_fen):>10}  "
                    f"已付 {fen_to_yuan_str(v.paid_fen):>9}  滞纳金 {fen_to_yuan_str(v.late_fee_fen):>8}  {v.status}")
    return Result(doc, "\n".join(text))


def _cr_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--meter", required=True, help="meter number")
    p.add_argument("--period", required=True, help="YYYY-MM of the reading")
    p.add_argument("--reading", required=True, help="the right register value")
    p.add_argument("--reason", required=True)
    p.add_argument("--rollover", action="store_true", help="confirm the register wrapped around")


@command("correct-reading", "correct a meter reading; affected bill lines get delta lines (更正)", _cr_args)
def run_correct_reading(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services.billing.corrections import correct_reading

    r = in_uow(settings, lambda s: correct_reading(s, args.meter, args.period, args.reading, args.reason,
                                                   user=settings.user, terminal=settings.terminal,
                                                   rollover=args.rollover))
    text = [f"已更正 corrected {r['meter_no']} {r['period']}: {r['was']} → {r['reading']}"]
    text += [f"  {d['period']} {d['kind']}/{d['mode']} {fen_to_yuan_str(d['amount_fen'])} 元" for d in r["deltas"]]
    return Result(r, "\n".join(text))


def _cp_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--community", required=True)
    p.add_argument("--fee", required=True, help="fee item code")
    p.add_argument("--period", required=True, help="first period the corrected price applies to")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--unit-price")
    g.add_argument("--tiers", help='JSON, e.g. [{"up_to":"180","unit_price":"5"},{"up_to":null,"unit_price":"7"}]')
    p.add_argument("--reason", required=True)


@command("correct-price", "correct a fee item's price from a period on; billed lines get delta lines", _cp_args)
def run_correct_price(settings: Settings, args: argparse.Namespace) -> Result:
    from app import safe_json

    from app.services.billing.corrections import correct_price

    tiers = None
    if args.tiers:
        tiers = safe_json.loads(args.tiers, what="--tiers")  # bounded: exit 2, never 1
    r = in_uow(settings, lambda s: correct_price(s, args.community, args.fee, args.period, reason=args.reason,
                                                 user=settings.user, unit_price=args.unit_price, tiers=tiers,
                                                 terminal=settings.terminal))
    total = sum(d["amount_fen"] for d in r["deltas"])
    return Result(r, f"已更正 corrected {r['fee_code']} from {r['from']}: {len(r['deltas'])} delta lines, "
                     f"{fen_to_yuan_str(total)} 元")


def _waive_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--line", required=True, help="bill line id")
    p.add_argument("--reason", required=True)
    p.add_argument("--approver", help="a cashier: the supervisor approving it (password from "
                                      "PROPDESK_APPROVER_PASSWORD or a prompt)")


@command("waive-late-fee", "waive a bill line's late fee (needs the 'waive' permission)", _waive_args)
def run_waive(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services.billing.waivers import waive_late_fee

    from app.cli.sign_in import approver_password

    pw = approver_password(args.approver, settings) if args.approver else None
    r = in_uow(settings, lambda s: waive_late_fee(s, args.line, args.reason, user=settings.user,
                                                  terminal=settings.terminal, approver=args.approver,
                                                  approver_password=pw))
    return Result(r, f"已减免滞纳金 late fee waived for {r['line_id']}: {r['reason']}")
