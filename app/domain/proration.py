"""Which part of a month a room pays for, given its handover day (计费开始日期)."""

from __future__ import annotations

from datetime import date, datetime

from app.domain.periods import Period


def billable_fraction(charge_start: date | None, period: Period) -> tuple[int, int] | None:
    """(days billed, days in the month), or None when the room pays nothing this period.

    - charge_start after the period's last day: not handed over yet -> None.
    - inside the period: charge_start .. month end, both inclusive (16 Nov -> 15/30).
    - before the period, or unknown (None): the whole month. A room with no handover date
      on file is treated as handed over long ago, because finance staff bill every room on
      the books unless told otherwise; leaving it unbilled would silently lose income.
    """
    if isinstance(charge_start, datetime):
        raise TypeError("charge_start is a date, not a datetime")
    n = period.days
    if charge_start is None or charge_start < period.first_day:
        return n, n
    if charge_start > period.last_day:
        return None
    return (period.last_day - charge_start).days + 1, n
