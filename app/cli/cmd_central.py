"""`propdesk central serve`, `terminal add|list|revoke`, `exceptions list|resolve` (docs/sync.md).

`central serve` runs only on PostgreSQL (the company database; its change sequence relies on
PostgreSQL's table lock). Tests and in-process fakes may set PROPDESK_CENTRAL_ALLOW_SQLITE=1
to serve a SQLite file.
"""

from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy.engine import make_url

from app.cli import Result, command
from app.cli.common import in_uow
from app.config import Settings
from app.errors import InputError
from app.money import fen_to_yuan_str
from app.services import users

ALLOW_SQLITE_ENV = "PROPDESK_CENTRAL_ALLOW_SQLITE"
DEFAULT_LISTEN = "127.0.0.1:8765"


def parse_listen(text: str) -> tuple[str, int]:
    host, sep, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError("sync.bad_listen", listen=text)
    return host, int(port)


def _central_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["serve"])
    p.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT",
                   help=f"address to listen on (default {DEFAULT_LISTEN})")


@command("central", "central sync service: `central serve` (stops cleanly on SIGTERM)", _central_args)
def run_central(settings: Settings, args: argparse.Namespace) -> Result | None:
    host, port = parse_listen(args.listen)
    dialect = make_url(settings.db_url).get_backend_name()
    if dialect != "postgresql" and os.environ.get(ALLOW_SQLITE_ENV) != "1":
        raise InputError("sync.central_needs_postgres", dialect=dialect)
    from app.central.server import serve
    from app.context import AppContext

    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        print(f"总部同步服务 central sync service: http://{host}:{port}", file=sys.stderr, flush=True)
        serve(ctx, host, port)
    finally:
        ctx.close()
    print("总部同步服务已停止 central sync service stopped", file=sys.stderr, flush=True)
    return None


def _terminal_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["add", "list", "revoke"])
    p.add_argument("code", nargs="?", help="the counter's code (add, revoke)")
    p.add_argument("--community", default="", metavar="NAME[,NAME...]", help="communities it may sync (add)")


@command("terminal", "counters known to central: add (prints the token once), list, revoke", _terminal_args)
def run_terminal(settings: Settings, args: argparse.Namespace) -> Result:
    from app.central import terminals

    if args.action == "list":
        rows = in_uow(settings, terminals.list_terminals)
        text = [f"{t['code']:<8} {'、'.join(t['communities']) or '-':<20} 最近联系 last seen {t['last_seen'] or '-'}  "
                f"已收到 pushed {t['pushed_seq']}{'  已停用 revoked' if t['revoked'] else ''}" for t in rows]
        return Result({"terminals": rows}, "\n".join(text) or "没有收银台 no terminals")
    if not args.code:
        raise InputError("sync.terminal_code_required")
    if args.action == "add":
        def add(s):  # type: ignore[no-untyped-def]
            users.require(s, settings.user, "terminals")
            return terminals.add_terminal(s, args.code, args.community.split(","))

        r = in_uow(settings, add)
        return Result(r, f"收银台 terminal {r['terminal']} ({'、'.join(r['communities'])})\n"
                         f"令牌 token（只显示这一次 shown once）: {r['token']}")

    def revoke(s):  # type: ignore[no-untyped-def]
        users.require(s, settings.user, "terminals")
        return terminals.revoke_terminal(s, args.code)

    r = in_uow(settings, revoke)
    return Result(r, f"收银台 terminal {r['terminal']} 已停用 revoked")


def _exceptions_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["list", "resolve"])
    p.add_argument("id", nargs="?", help="the exception's id (resolve)")
    p.add_argument("--open", action="store_true", help="only those not yet resolved (list)")
    p.add_argument("--note", default="", help="how it was handled (resolve)")


@command("exceptions", "business exceptions for the manager: list [--open], resolve ID --note TEXT", _exceptions_args)
def run_exceptions(settings: Settings, args: argparse.Namespace) -> Result:
    from app.central import exceptions

    if args.action == "list":
        rows = in_uow(settings, lambda s: exceptions.list_cases(s, open_only=args.open))
        text = [f"{e['id']}  {e['kind']:<16} {e['room'] or '-':<14} "
                f"{fen_to_yuan_str(e['amount_fen']) if e['amount_fen'] is not None else '-':>10}  {e['status']}"
                for e in rows]
        return Result({"exceptions": rows}, "\n".join(text) or "没有异常 no exceptions")
    if not args.id:
        raise InputError("sync.unknown_exception", id="")
    r = in_uow(settings, lambda s: exceptions.resolve_case(s, args.id, args.note, settings.user))
    return Result(r, f"异常 exception {r['id']} 已处理 resolved")
