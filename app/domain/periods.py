"""Billing periods (账期): calendar months written YYYY-MM, and due dates."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

# [0-9], not \d: \d also matches full-width and other Unicode digits.
_PERIOD_RE = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True, order=True)
class Period:
    """One calendar month. Ordered by (year, month), so sorting periods sorts them in time."""

    year: int
    month: int

    def __post_init__(self) -> None:
        for name in ("year", "month"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError(f"Period {name} must be an int, not {type(v).__name__}")
        # date() supports years 1..9999; a period outside could not have days.
        if not 1 <= self.year <= 9999:
            raise ValueError(f"period year {self.year} is out of range 0001..9999")
        if not 1 <= self.month <= 12:
            raise ValueError(f"period month {self.month} is out of range 1..12")

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2026-11' -> Period(2026, 11). Strictly YYYY-MM: no spaces, no '2026-1'."""
        if not isinstance(text, str):
            raise TypeError(f"a period is read from a string, got {type(text).__name__}")
        m = _PERIOD_RE.fullmatch(text)
        if not m:
            raise ValueError(f"period {text!r} is not a month written YYYY-MM, like 2026-11")
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"period {text!r} has month {m.group(2)}; months are 01..12")
        if year < 1:
            raise ValueError(f"period {text!r} has year 0000; years start at 0001")
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Period:
        """The period a day falls in."""
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    def contains(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    def next(self) -> Period:
        if self.month == 12:
            return Period(self.year + 1, 1)
        return Period(self.year, self.month + 1)

    def prev(self) -> Period:
        if self.month == 1:
            return Period(self.year - 1, 12)
        return Period(self.year, self.month - 1)

    def year_periods_before(self) -> list[Period]:
        """Earlier periods of the same calendar year (for annual tiers' `before`)."""
        return [Period(self.year, m) for m in range(1, self.month)]


def due_date(period: Period, due_day: int) -> date:
    """The `due_day` of the month after `period`, clamped to that month's last day
    (due_day 31 for a January bill falls due on 28/29 February)."""
    if isinstance(due_day, bool) or not isinstance(due_day, int):
        raise TypeError(f"due_day must be an int, not {type(due_day).__name__}")
    if not 1 <= due_day <= 31:
        raise ValueError(f"due_day {due_day} is out of range 1..31")
    following = period.next()
    return date(following.year, following.month, min(due_day, following.days))
