"""Is a new meter reading believable? Pure functions (no database): the intake of readings
(handheld, meter collect) and the review screen ask the same questions the same way.

A reading is
- rejected: it cannot be a register value at all (negative, wider than the register);
- flagged: believable as a number but unusual, so a manager looks before anyone is billed —
  lower than the previous reading without looking like a wrap-around, usage far above the
  meter's own history (a leak, a misread), zero usage in an occupied room;
- valid otherwise (a wrap-around the digit count explains is valid, marked `rollover`).
Reasons are message codes (app/messages/meters.py) with their parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median as _median
from typing import Any

LEAK_FACTOR = Decimal(3)  # usage above 3× the median of the history is a leak suspect
HISTORY_MONTHS = 6  # the history the median is taken over
MIN_HISTORY = 3  # fewer usable months than this: no leak judgement (a new meter)
# A wrap-around is explained by the digit count only when the previous reading was in the
# top tenth of the register and the new one in the bottom tenth: a meter does not run a
# tenth of its register in one month.
WRAP_BAND = Decimal("0.1")


@dataclass(frozen=True)
class Verdict:
    status: str  # valid | flagged | rejected
    usage: Decimal | None  # register usage (× multiplier), None when there is none to speak of
    rollover: bool = False
    reason: str | None = None  # message code
    params: dict[str, Any] = field(default_factory=dict)


def median(values: Sequence[Decimal]) -> Decimal:
    return Decimal(_median(values)) if values else Decimal(0)


def register_span(digits: int) -> Decimal:
    return Decimal(10) ** digits


def _s(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")


def history_usages(readings: Sequence[tuple[str, Decimal]], digits: int) -> list[Decimal]:
    """Register usage between consecutive (period, reading) pairs, oldest first, the last
    HISTORY_MONTHS of them. A lower reading is taken as a wrap-around (history was accepted)."""
    ordered = sorted(readings)
    out: list[Decimal] = []
    for (_, a), (_, b) in zip(ordered, ordered[1:]):
        out.append(b - a if b >= a else register_span(digits) - a + b)
    return out[-HISTORY_MONTHS:]


def check_reading(*, meter: str, current: Decimal, previous: Decimal, digits: int,
                  multiplier: Decimal = Decimal(1), history: Sequence[Decimal] = (),
                  occupied: bool = False) -> Verdict:
    """The verdict on `current` given the previous reading in force (or the meter's initial
    value), the meter's register width, its recent monthly usages (register units, before the
    multiplier) and whether the room is occupied."""
    span = register_span(digits)
    if current < 0:
        return Verdict("rejected", None, reason="meters.reading_negative", params={"meter": meter, "reading": _s(current)})
    if current >= span:
        return Verdict("rejected", None, reason="meters.reading_too_big",
                       params={"meter": meter, "reading": _s(current), "digits": digits})
    rollover = False
    if current >= previous:
        raw = current - previous
    else:
        raw = span - previous + current
        explained = previous >= span * (1 - WRAP_BAND) and current < span * WRAP_BAND
        usual = [u for u in history if u > 0]
        plausible = raw <= LEAK_FACTOR * median(usual) if len(usual) >= MIN_HISTORY else raw < span * WRAP_BAND
        if not (explained and plausible):
            return Verdict("flagged", None, reason="meters.lower_than_previous",
                           params={"meter": meter, "reading": _s(current), "previous": _s(previous)})
        rollover = True
    usage = raw * multiplier
    if raw == 0 and occupied:
        return Verdict("flagged", usage, rollover, "meters.zero_usage", {"meter": meter})
    usable = list(history[-HISTORY_MONTHS:])
    if len(usable) >= MIN_HISTORY:
        med = median(usable)
        if med > 0 and raw > LEAK_FACTOR * med:
            return Verdict("flagged", usage, rollover, "meters.leak",
                           {"meter": meter, "usage": _s(usage), "median": _s(med * multiplier),
                            "factor": _s(LEAK_FACTOR), "months": len(usable)})
    return Verdict("valid", usage, rollover)
