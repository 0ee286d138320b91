"""What the command modules share: one unit of work per command, and reading the options
every kind of command takes (days, yuan amounts, tenders).

It lives apart from the command modules so that none of them imports another (the counter
commands used the billing module's day parser and the billing commands the counter's unit
of work: a cycle). Bad input raises InputError with a message code (exit 2, nothing changed).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app import clock
from app.config import Settings
from app.context import AppContext
from app.errors import InputError, Msg
from app.money import MoneyError, parse_yuan


def in_uow(settings: Settings, fn: Callable[[Session], Any]) -> Any:
    """`fn(session)` in one unit of work on the settings' database (committed when it returns,
    rolled back when it raises); the database is closed after."""
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        with ctx.uow() as s:
            return fn(s)
    finally:
        ctx.close()


def parse_day(text: str | None, field: Msg | str) -> date:
    """A day option (`--as-of 2026-12-01`); without one, today's business day (app.clock).
    `field` names it in the message: the option (`"--as-of"`) or a field name's `Msg`."""
    if not text:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("input.bad_date", field=field, value=text) from None


def yuan_option(text: str, option: str) -> int:
    """A money option typed in yuan (`--amount 150.5`) as fen."""
    try:
        return parse_yuan(text)
    except MoneyError as e:
        if e.code in ("money.not_ascii", "money.too_large"):  # the money module's reason is the precise one (foreign digit, too large)
            raise InputError(e.code, source=option, **e.params) from None
        raise InputError("cli.bad_amount", field=option, value=e.params.get("text", text)) from None


def tender_arg(p: argparse.ArgumentParser) -> None:
    """The repeatable `--tender METHOD=AMOUNT[:REF]` option of the commands that take money."""
    p.add_argument("--tender", action="append", default=[], metavar="METHOD=AMOUNT[:REF]",
                   help="cash=200, pos=50:123456789012[/batch/voucher], transfer=…, prepaid=…, wechat=…:REF, "
                        "alipay=…:REF (repeat for split tender)")
