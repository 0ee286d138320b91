"""Usage between two readings of one meter register (抄表用量)."""

from __future__ import annotations

from decimal import Decimal

from app.domain.decimals import dec_str, exact, non_negative


class ReadingError(ValueError):
    """A reading that cannot be turned into a usage; the message says why and what to do."""


def usage_between(
    previous: Decimal, current: Decimal, multiplier: Decimal, digits: int, rollover: bool
) -> Decimal:
    """(current − previous) × multiplier.

    A reading lower than the previous one is a register wrap-around only when someone
    confirmed it (`rollover=True`): usage is then (10**digits − previous + current) ×
    multiplier. Unconfirmed, it is refused: it is far more often a typo or a swapped meter
    than a wrap, and billing a near-full register by accident would be a huge wrong bill.
    A confirmation on a reading that is not lower changes nothing (there was no wrap).
    """
    previous = non_negative(previous, "previous reading")
    current = non_negative(current, "reading")
    multiplier = non_negative(multiplier, "multiplier")
    if multiplier == 0:
        raise ReadingError("the meter's multiplier is 0; it must be greater than 0")
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise TypeError(f"digits must be an int, not {type(digits).__name__}")
    if digits < 1:
        raise ReadingError(f"the meter's register has {digits} digits; it needs at least 1")
    register_span = Decimal(10) ** digits
    for what, value in (("previous reading", previous), ("reading", current)):
        if value >= register_span:
            raise ReadingError(
                f"{what} {dec_str(value)} does not fit the meter's {digits}-digit register "
                f"(it must be below {dec_str(register_span)}): check the reading or the meter's digits"
            )
    with exact():
        if current >= previous:
            return (current - previous) * multiplier
        if not rollover:
            raise ReadingError(
                f"reading {dec_str(current)} is lower than the previous {dec_str(previous)}: "
                "confirm a rollover or record a meter swap"
            )
        return (register_span - previous + current) * multiplier
