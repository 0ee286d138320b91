"""Business time: the company's time zone decides the business day, receipt numbers,
printed times, shift and day boundaries — never the PC's own zone (a counter PC left on UTC
would otherwise print 07:22 for a receipt taken at 15:22 and file it under yesterday).

Storage is UTC (`now()`); `today()` and `local()` are in the business zone (setting
`PROPDESK_TZ`, default Asia/Shanghai). Device time is printed and used for the day's
receipt numbers, never for ordering or de-duplication (those use ids and sequences).

Always call through the module (`clock.today()`), never `from app.clock import today`:
tests and the demo move time by patching this module, and an imported function would not
follow (an architecture test forbids the import).
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"

_zone: tzinfo = ZoneInfo(DEFAULT_ZONE)


def set_zone(name: str | None) -> None:
    """Use the company's zone (an IANA name such as Asia/Shanghai or Asia/Urumqi)."""
    global _zone
    from app.errors import InputError

    name = (name or DEFAULT_ZONE).strip()
    try:
        _zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError("clock.bad_zone", zone=name) from None


def zone() -> tzinfo:
    return _zone


def now() -> datetime:
    """Now, as an aware UTC datetime (what is stored)."""
    return datetime.now(timezone.utc)


def today() -> date:
    """The business day now, in the company's zone."""
    return local(now()).date()


def local(dt: datetime) -> datetime:
    """A stored time as the company's local time (for printing and listing). Naive values
    are UTC (SQLite gives stored times back without their zone)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(_zone)


def local_text(dt: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return local(dt).strftime(fmt)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a business day: for 'what happened on this day'
    queries over stored UTC times."""
    from datetime import time, timedelta

    start = datetime.combine(day, time(0), tzinfo=_zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=_zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


if os.environ.get("PROPDESK_TZ"):
    set_zone(os.environ["PROPDESK_TZ"])
