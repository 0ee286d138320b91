"""Money as integer fen, and the one place a Decimal becomes fen.

Floats never touch an amount: `Money(1.5)` raises `TypeError`. Rates and unit prices
are `Decimal`s parsed from strings; a bill line is computed exactly and rounded once,
by its fee item's rounding mode (billing-rules.md, "Money").
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from enum import Enum
from functools import total_ordering


class MoneyError(ValueError):
    """A money string or rate that is not of the accepted form."""


class Rounding(str, Enum):
    FEN_HALF_UP = "fen_half_up"
    FEN_HALF_EVEN = "fen_half_even"
    JIAO_HALF_UP = "jiao_half_up"
    YUAN_HALF_UP = "yuan_half_up"
    FEN_UP = "fen_up"
    FEN_DOWN = "fen_down"


# (quantum in fen, decimal rounding). fen_up / fen_down are away from / towards zero, which
# for the non-negative amounts a bill carries equals ceiling / floor; credits (negative
# deltas) are rounded symmetrically so a correction mirrors its original exactly.
_ROUNDING: dict[Rounding, tuple[int, str]] = {
    Rounding.FEN_HALF_UP: (1, ROUND_HALF_UP),
    Rounding.FEN_HALF_EVEN: (1, ROUND_HALF_EVEN),
    Rounding.JIAO_HALF_UP: (10, ROUND_HALF_UP),
    Rounding.YUAN_HALF_UP: (100, ROUND_HALF_UP),
    Rounding.FEN_UP: (1, ROUND_UP),
    Rounding.FEN_DOWN: (1, ROUND_DOWN),
}
_ = (ROUND_CEILING, ROUND_FLOOR)  # deliberately unused: see the note above

DEFAULT_ROUNDING = Rounding.FEN_HALF_UP


def parse_rounding(value: str | Rounding | None) -> Rounding:
    if value is None or value == "":
        return DEFAULT_ROUNDING
    try:
        return Rounding(value)
    except ValueError:
        allowed = ", ".join(r.value for r in Rounding)
        raise MoneyError(f"unknown rounding {value!r} (allowed: {allowed})") from None


def round_yuan_to_fen(amount_yuan: Decimal, rounding: Rounding | str = DEFAULT_ROUNDING) -> int:
    """Round an exact yuan amount to integer fen by a billing rounding mode."""
    if not isinstance(amount_yuan, Decimal):
        raise TypeError(f"round_yuan_to_fen needs a Decimal, got {type(amount_yuan).__name__}")
    quantum_fen, mode = _ROUNDING[parse_rounding(rounding)]
    in_quanta = (amount_yuan * 100 / quantum_fen).quantize(Decimal(1), rounding=mode)
    return int(in_quanta) * quantum_fen


_YUAN_RE = re.compile(r"^(-)?(\d{1,12})(?:\.(\d{1,2}))?$")
_RATE_RE = re.compile(r"^(\d{1,12})(?:\.(\d{1,6}))?$")


def parse_yuan(text: str, *, allow_negative: bool = False) -> int:
    """'1234.5' -> 123450 fen. At most 2 decimals; anything else is a MoneyError."""
    if not isinstance(text, str):
        raise TypeError(f"an amount is read from a string, got {type(text).__name__}")
    s = text.strip()
    m = _YUAN_RE.match(s)
    if not m:
        if re.match(r"^-?\d+\.\d{3,}$", s):
            raise MoneyError(f"amount {text!r} has more than 2 decimals")
        raise MoneyError(f"amount {text!r} is not a yuan amount like 1234.50")
    sign, whole, frac = m.groups()
    if sign and not allow_negative:
        raise MoneyError(f"amount {text!r} may not be negative")
    fen = int(whole) * 100 + int((frac or "").ljust(2, "0"))
    return -fen if sign else fen


def parse_rate(text: str, *, what: str = "rate") -> Decimal:
    """A unit price or rate: a non-negative decimal string with up to 6 decimals."""
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        raise TypeError(f"a {what} is read from a string, got {type(text).__name__}")
    s = text.strip()
    if not _RATE_RE.match(s):
        if re.match(r"^\d+\.\d{7,}$", s):
            raise MoneyError(f"{what} {text!r} has more than 6 decimals")
        raise MoneyError(f"{what} {text!r} is not a decimal like 0.4883")
    return Decimal(s)


def fen_to_yuan_str(fen: int) -> str:
    """12345 -> '123.45' (for display and JSON details)."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"fen must be int, got {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    a = abs(fen)
    return f"{sign}{a // 100}.{a % 100:02d}"


@total_ordering
class Money:
    """An immutable amount in integer fen."""

    __slots__ = ("_fen",)

    def __init__(self, fen: int) -> None:
        if isinstance(fen, bool) or not isinstance(fen, int):
            raise TypeError(f"Money takes integer fen, not {type(fen).__name__}")
        object.__setattr__(self, "_fen", fen)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Money is immutable")

    @classmethod
    def yuan(cls, text: str) -> "Money":
        return cls(parse_yuan(text, allow_negative=True))

    @classmethod
    def from_decimal(cls, amount_yuan: Decimal, rounding: Rounding | str = DEFAULT_ROUNDING) -> "Money":
        return cls(round_yuan_to_fen(amount_yuan, rounding))

    @property
    def fen(self) -> int:
        return self._fen

    def __int__(self) -> int:
        return self._fen

    def __add__(self, other: "Money") -> "Money":
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self._fen + other._fen)

    def __sub__(self, other: "Money") -> "Money":
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self._fen - other._fen)

    def __neg__(self) -> "Money":
        return Money(-self._fen)

    def __mul__(self, k: int) -> "Money":
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError("Money can only be multiplied by an int; use from_decimal for rates")
        return Money(self._fen * k)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and other._fen == self._fen

    def __lt__(self, other: "Money") -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self._fen < other._fen

    def __hash__(self) -> int:
        return hash(("Money", self._fen))

    def __bool__(self) -> bool:
        return self._fen != 0

    def __str__(self) -> str:
        return fen_to_yuan_str(self._fen)

    def __repr__(self) -> str:
        return f"Money({self._fen})"
