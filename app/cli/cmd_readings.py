"""`propdesk readings review|accept|reject` (issue 13): flagged meter readings and a manager's
decision on each (permission readings_review)."""

from __future__ import annotations

import argparse

from app.cli import Result, command
from app.cli.common import in_uow
from app.config import Settings
from app.errors import InputError


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["review", "accept", "reject"])
    p.add_argument("--meter", help="meter number (accept, reject)")
    p.add_argument("--period", help="YYYY-MM (accept, reject; review: only that period)")
    p.add_argument("--reason", help="why (accept, reject)")
    p.add_argument("--community", help="community name or code (review)")


@command("readings", "flagged meter readings (rollover doubt, usage far above history, zero usage): review, "
                     "accept or reject", _args)
def run_readings(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services import meter_review

    if args.action == "review":
        rows = in_uow(settings, lambda s: meter_review.flagged(s, user=settings.user, community=args.community,
                                                               period=args.period))
        doc = {"flagged": [{k: r[k] for k in ("meter_no", "room", "kind", "period", "reading", "previous", "usage",
                                              "reason", "reason_text", "reason_en", "source")} for r in rows]}
        text = [f"待审核读数 flagged readings: {len(rows)}"]
        text += [f"  {r['period']} {r['meter_no']} {r['room'] or '-'} 读数 {r['reading']} 用量 {r['usage'] or '-'}："
                 f"{r['reason_text']}" for r in rows]
        return Result(doc, "\n".join(text))
    for name in ("meter", "period", "reason"):
        if not getattr(args, name):
            raise InputError("input.required", field=f"--{name}")
    r = in_uow(settings, lambda s: meter_review.decide(
        s, user=settings.user, terminal=settings.terminal, meter_no=args.meter, period=args.period,
        accept=args.action == "accept", reason=args.reason))
    word = "已确认 accepted" if r["status"] == "valid" else "已驳回 rejected"
    return Result(r, f"{word} {r['meter_no']} {r['period']} {r['reading']}")
