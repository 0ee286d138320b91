"""`propdesk init [--demo] [--rooms N] [--seed S] [--no-bills]`"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select

from app.cli import Result, command
from app.config import Settings
from app.context import AppContext
from app.db.models import Room
from app.errors import InputError
from app.services import users


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--demo", action="store_true",
                   help="fill a demo company (communities, rooms, owners, meters, readings, fee items), bill its "
                        "twelve months and give it a year of payments with a realistic share of arrears")
    p.add_argument("--rooms", type=int, default=1000, help="number of demo rooms (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="random seed of the demo (same seed, same data)")
    p.add_argument("--no-bills", action="store_true",
                   help="with --demo: master data and readings only, no bill runs and no payments (a quick start; "
                        "run `bill-run` yourself)")


@command("init", "create or upgrade the database; --demo fills a demo company", _args)
def run(settings: Settings, args: argparse.Namespace) -> Result:
    if args.demo and args.rooms < 1:
        raise InputError("demo.too_few_rooms", rooms=args.rooms)
    t0 = time.monotonic()
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    # A new database: the sign-in gate (app/cli/sign_in.py) took the first admin's password
    # (PROPDESK_PASSWORD); the demo's admin is admin/admin. Outside the demo admin must change
    # it at the first sign-in in the window.
    first_password = getattr(args, "first_admin_password", None)
    new_database = hasattr(args, "first_admin_password")
    try:
        with ctx.uow() as s:
            users.ensure_roles(s)
            if not new_database:  # an existing database: only someone who may change settings re-inits
                users.require(s, settings.user, "settings")
            users.ensure_user(s, "admin", "admin", "管理员", password=first_password or "admin",
                              must_change=first_password is not None)
            users.promote_builtin_admin(s)
            users.ensure_terminal(s, settings.terminal)
        demo: dict = {}
        if args.demo:
            from app.demo import build_demo

            demo = build_demo(ctx, rooms=args.rooms, seed=args.seed, bills=not args.no_bills, meter_story=True)
        with ctx.uow() as s:
            rooms = s.scalar(select(func.count()).select_from(Room)) or 0
    finally:
        ctx.close()
    secs = round(time.monotonic() - t0, 2)
    text = f"数据库就绪 database ready: {rooms} rooms ({secs} s)"
    if demo.get("billing") and demo.get("payments"):
        b, p = demo["billing"], demo["payments"]
        text += (f"; demo bills: {b['runs']} bill runs, {b['lines']} lines ({b['seconds']} s); payments: "
                 f"{p['payments']}, {p['lines_unpaid']} lines left unpaid ({p['seconds']} s)")
    return Result({"rooms": rooms, "seconds": secs, **({"demo": demo} if demo else {})}, text)
