"""Small Decimal helpers shared by the calculation modules.

Bill amounts must be exact until the single rounding of a line, so products of quantities
and prices run in a wide context that *raises* rather than silently rounding; only a
division by the days of a month (proration) may not terminate, and `divide` carries it to
enough digits that the rounding cannot tell the difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import (
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)

# 60 digits: far beyond any area × price × usage a property office sees, so Inexact can
# only fire on absurd input, and then it is an error instead of a wrong bill.
_EXACT = Context(prec=60, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])


@contextmanager
def exact() -> Iterator[None]:
    """Run Decimal arithmetic that must not round (raises decimal.Inexact if it would)."""
    with localcontext(_EXACT):
        yield


def divide(numerator: Decimal, denominator: int) -> Decimal:
    """numerator / denominator, exact when it terminates, else to enough digits that
    rounding it to fen, jiao or yuan by any mode gives what the true fraction would.

    Why that holds: every rounding boundary is a multiple of 0.005 yuan. A quotient that
    does not terminate is not on one, and is at least 10**-max(scale, 3) / denominator away
    from the nearest (scale = the numerator's decimals), so carrying more digits than that
    distance needs keeps the approximation strictly on the same side of every boundary.
    """
    if isinstance(denominator, bool) or not isinstance(denominator, int) or denominator < 1:
        raise ValueError(f"denominator must be a positive int, got {denominator!r}")
    exponent = numerator.as_tuple().exponent
    scale = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    digits = max(34, numerator.adjusted() + max(scale, 3) + denominator.bit_length() + 6)
    with localcontext(Context(prec=digits, traps=[InvalidOperation, DivisionByZero, Overflow])):
        return numerator / Decimal(denominator)


def dec_str(value: Decimal) -> str:
    """A Decimal as plain text for details and messages: never scientific notation."""
    return format(value, "f")


def as_decimal(value: object, what: str) -> Decimal:
    """Accept Decimal, int or a decimal string; a float is refused (it is already inexact)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{what} must be a Decimal, int or decimal string, not {type(value).__name__}")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, (int, str)):
        try:
            d = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValueError(f"{what} {value!r} is not a decimal number") from None
    else:
        raise TypeError(f"{what} must be a Decimal, int or decimal string, not {type(value).__name__}")
    if not d.is_finite():
        raise ValueError(f"{what} {value!r} is not a finite number")
    return d


def non_negative(value: object, what: str) -> Decimal:
    d = as_decimal(value, what)
    if d < 0:
        raise ValueError(f"{what} {dec_str(d)} may not be negative")
    return d
