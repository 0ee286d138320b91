"""`propdesk audit verify|trail`: prove the audit chain, or list the events of a receipt or room."""

from __future__ import annotations

import argparse
import json

from app.cli import Result, command
from app.cli.common import in_uow
from app.config import Settings
from app.errors import InputError, Msg
from app.messages import render
from app.services import audit


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["verify", "trail"], help="verify the chain; trail --receipt NO | --room KEY")
    p.add_argument("--receipt", help="trail: a receipt number")
    p.add_argument("--room", help="trail: a room key")


def broken_msg(bad: dict) -> Msg:
    reason = Msg.of(f"audit.reason.{bad['reason']}")
    if bad.get("seq") is not None:
        return Msg.of("audit.broken", chain=bad.get("chain"), seq=bad["seq"], action=bad.get("action"), reason=reason)
    what = bad.get("payment_id") or bad.get("receipt_id") or ""
    return Msg.of("audit.broken_fact", chain=bad.get("chain"), what=what, reason=reason)


@command("audit", "audit chain: verify it end to end (exit 1 when broken), or the trail of a receipt or room", _args)
def run_audit(settings: Settings, args: argparse.Namespace) -> Result:
    if args.action == "trail":
        if bool(args.receipt) == bool(args.room):
            raise InputError("audit.trail_which")
        rows = in_uow(settings, lambda s: audit.receipt_trail(s, args.receipt) if args.receipt
                      else audit.room_trail(s, args.room))
        text = "\n".join(f"{r['at']}  {r['terminal'] or '-'}  {r['user'] or '-'}  {r['action']}  "
                         f"{json.dumps(r['detail'], ensure_ascii=False) if r['detail'] else ''}" for r in rows)
        return Result({"events": rows}, text or "(none)")
    r = in_uow(settings, audit.verify)
    if r["ok"]:
        msg = Msg.of("audit.ok", events=r["events"])
        return Result(r, f"{render(msg, 'zh')}\n{render(msg, 'en')}")
    msg = broken_msg(r["first_bad"])
    if getattr(args, "json", False):
        print(json.dumps(r, ensure_ascii=False, default=str))
    else:
        print(f"{render(msg, 'zh')}\n{render(msg, 'en')}")
    raise SystemExit(1)
