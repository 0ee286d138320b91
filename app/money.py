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

from app.errors import InputError, Msg


class MoneyError(InputError):
    """A money string or rate that is not of the accepted form (a coded InputError: exit 2).

    `str(e)` is the Chinese text followed by the English, so the callers that still wrap it
    in free text (`f"{where}: {e}"`) stay readable in both languages; callers that raise
    codes pass the reason as a parameter instead: `InputError("…", reason=e.msg)`."""

    def __str__(self) -> str:
        zh, en = self.text("zh"), self.text("en")
        return zh if zh == en else f"{zh} ({en})"


# The largest amount a person may type: ¥100,000,000.00. No counter payment, float, count or
# charge comes near it; a bigger number is a typing accident (or an attack) and would only
# make totals that overflow what a receipt can print.
MAX_AMOUNT_FEN = 100_000_000_00

# Full-width digits, point and minus are what a Chinese IME types in full-width mode
# (１２３．５０): read as their ASCII twins. Every other non-ASCII character — Arabic-Indic
# ٣, superscript ², other scripts' digits that Python's int() and `\d` would accept — is
# refused, so an amount means exactly what the receipt will print.
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": ".", "－": "-"})
_SHOWN = 24  # an amount echoed in a message is cut to this many characters


def shown(text: str) -> str:
    """Typed text as a message may echo it: cut short, so a 5,000-digit paste does not
    fill the screen."""
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


_shown = shown


def _ascii_number(text: str, what: str) -> str:
    """The stripped text with full-width digits made ASCII; MoneyError on any other
    non-ASCII character."""
    s = text.strip().translate(_FULL_WIDTH)
    bad = next((ch for ch in s if not ch.isascii()), None)
    if bad is not None:
        raise MoneyError("money.not_ascii", what=Msg.of(what), text=_shown(text.strip()), char=bad)
    return s


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
        raise MoneyError("money.unknown_rounding", value=_shown(str(value)),
                         allowed=[r.value for r in Rounding]) from None


def round_yuan_to_fen(amount_yuan: Decimal, rounding: Rounding | str = DEFAULT_ROUNDING) -> int:
    """Round an exact yuan amount to integer fen by a billing rounding mode."""
    if not isinstance(amount_yuan, Decimal):
        raise TypeError(f"round_yuan_to_fen needs a Decimal, got {type(amount_yuan).__name__}")
    quantum_fen, mode = _ROUNDING[parse_rounding(rounding)]
    in_quanta = (amount_yuan * 100 / quantum_fen).quantize(Decimal(1), rounding=mode)
    return int(in_quanta) * quantum_fen


# [0-9], not \d: \d matches every script's digits.
_YUAN_RE = re.compile(r"^(-)?([0-9]+)(?:\.([0-9]{1,2}))?$")
_RATE_RE = re.compile(r"^([0-9]{1,12})(?:\.([0-9]{1,6}))?$")


def parse_yuan(text: str, *, allow_negative: bool = False) -> int:
    """'1234.5' -> 123450 fen. ASCII (or full-width) digits, at most 2 decimals, at most
    ¥100,000,000.00 (MAX_AMOUNT_FEN); anything else is a MoneyError saying which."""
    if not isinstance(text, str):
        raise TypeError(f"an amount is read from a string, got {type(text).__name__}")
    s = _ascii_number(text, "money.amount")
    shown = _shown(text.strip())
    m = _YUAN_RE.match(s)
    if not m:
        if re.match(r"^-?[0-9]+\.[0-9]{3,}$", s):
            raise MoneyError("money.too_many_decimals", text=shown)
        raise MoneyError("money.not_amount", text=shown)
    sign, whole, frac = m.groups()
    if sign and not allow_negative:
        raise MoneyError("money.negative", text=shown)
    whole = whole.lstrip("0") or "0"
    if len(whole) > len(str(MAX_AMOUNT_FEN // 100)):  # before int(): thousands of digits stay text
        raise MoneyError("money.too_large", text=shown, max=MAX_AMOUNT_FEN)
    fen = int(whole) * 100 + int((frac or "").ljust(2, "0"))
    if fen > MAX_AMOUNT_FEN:
        raise MoneyError("money.too_large", text=shown, max=MAX_AMOUNT_FEN)
    return -fen if sign else fen


def parse_rate(text: str, *, what: str = "rate") -> Decimal:
    """A unit price or rate: a non-negative decimal string of ASCII (or full-width) digits,
    at most 12 before the point and 6 after."""
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        raise TypeError(f"a {what} is read from a string, got {type(text).__name__}")
    s = _ascii_number(text, "money.rate")
    if not _RATE_RE.match(s):
        if re.match(r"^[0-9]+\.[0-9]{7,}$", s):
            raise MoneyError("money.rate_too_many_decimals", what=what, text=_shown(text.strip()))
        raise MoneyError("money.not_rate", what=what, text=_shown(text.strip()))
    return Decimal(s)


def parse_whole(text: str, *, what: str, max_digits: int = 6) -> int:
    """A count a person types (notes in a drawer, …): ASCII (or full-width) digits only,
    at most `max_digits` of them. InputError otherwise."""
    s = _ascii_number(text, what)
    if not re.fullmatch(r"[0-9]{1,%d}" % max_digits, s):
        raise MoneyError("money.not_whole", what=Msg.of(what), text=_shown(text.strip()), max=10 ** max_digits - 1)
    return int(s)


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
