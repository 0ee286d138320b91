"""`propdesk day close --date D [--wechat FILE] [--alipay FILE] [--pos FILE] [--dry-run]` and
`day list`: close and lock a counter's business day against the day's statements
(docs/day-close.md)."""

from __future__ import annotations

import argparse

from app.cli import Result, command
from app.cli.common import in_uow, parse_day
from app.config import Settings
from app.errors import Msg
from app.messages import render
from app.money import fen_to_yuan_str


def _day_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["close", "list"])
    p.add_argument("--date", help="the business day (default today)")
    p.add_argument("--wechat", metavar="FILE", help="WeChat Pay 交易账单 (bill_type=ALL, CSV) of that day")
    p.add_argument("--alipay", metavar="FILE", help="Alipay 业务明细 CSV (GBK) of that day")
    p.add_argument("--pos", metavar="FILE", help="the bank's POS settlement CSV of that day")
    p.add_argument("--dry-run", action="store_true", help="show totals and discrepancies, lock nothing")


def _text(r: dict, lang: str = "zh") -> str:
    out = [f"日结 day close {r['terminal']} {r['date']}  "
           f"{'已锁定 locked' if r['locked'] else '预览（未锁定） preview, not locked'}",
           f"缴费 payments: {r['payments']}"]
    for method, fen in r["totals"].items():
        out.append(f"  {method:<9} {fen_to_yuan_str(fen):>12}")
    for c in r["by_cashier"]:
        out.append(f"  收银员 cashier {c['name']:<10} {c['payments']:>4} 笔 {fen_to_yuan_str(c['amount_fen']):>12}")
    for f in r["by_fee_item"]:
        name = f["name"] or render(Msg.of(f"closing.kind.{f.get('kind')}"), "en" if lang == "en" else "zh")
        out.append(f"  项目 item {name:<12} {fen_to_yuan_str(f['amount_fen']):>12}")
    for st in r["statements"]:
        out.append(f"对账单 statement {st['source']} {st['file']}: {st['lines']} 行 lines, {st['matched']} 笔相符 matched")
    out.append(f"相符 matched: {r['matched']}   差异 discrepancies: {len(r['unmatched'])}")
    for d in r["unmatched"]:
        out.append(f"  [{d['source']}] {d['message_en']}" if lang == "en" else
                   f"  [{d['source']}] {d['message']}\n      {d['message_en']}")
    return "\n".join(out)


@command("day", "day close (日结): totals, reconcile the day's statements, lock the day; `day list`", _day_args)
def run_day(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services.closing import day_close

    if args.action == "list":
        rows = in_uow(settings, lambda s: day_close.closed_days(s, settings.terminal))
        text = [f"{d['date']}  {d['closed_by']:<10} {d['closed_at']}" for d in rows]
        return Result({"days": rows}, "\n".join(text) or "还没有日结 no closed days")
    day = parse_day(args.date, "--date")
    files = {"wechat": args.wechat, "alipay": args.alipay, "pos": args.pos}
    # read and check the files before opening the database: a bad file changes nothing
    statements = day_close.load_statements(files)
    fn = day_close.preview if args.dry_run else day_close.close_day
    r = in_uow(settings, lambda s: fn(s, settings.terminal, settings.user, day, statements))
    return Result(r, _text(r, "en" if getattr(args, "lang", None) == "en" else "zh"))
