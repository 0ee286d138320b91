"""Parsers for one cell each: text in, a typed value out, or `FieldError(code, **params)`.

The reason is a message code of app/messages/imports.py with the offending value as a
parameter; the Collector adds the row and the column. Numbers are parsed from text into
`Decimal` only: a float never gets near them.

Digits: full-width forms (８９．５, from a Chinese input method) are read as ASCII. Any other
character with a digit value — Arabic-Indic ٣, Devanagari ३, superscript ², circled ① — is
refused in a number: it is not what anyone at a Chinese counter means to type, and Python
would otherwise read '٣' or '²' as 3 or 2 silently.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute


class FieldError(ValueError):
    """The value of one cell is wrong: a message code and its parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    def text(self, lang: str = "zh") -> str:
        from app.errors import Msg
        from app.messages import render

        return render(Msg(self.code, self.params), lang)

    def __str__(self) -> str:  # for logs and tests: both languages, like the CLI
        return f"{self.text('zh')} / {self.text('en')}"


class DateText(str):
    """Cell text that came from a spreadsheet date cell. Excel silently turns a typed
    `2026-03` into the date 2026-03-01, so a period column accepts such a cell (day 1)."""

    date: date

    def __new__(cls, d: date) -> "DateText":
        obj = super().__new__(cls, d.isoformat())
        obj.date = d
        return obj


USAGES = {"residential": "residential", "住宅": "residential", "shop": "shop", "商铺": "shop",
          "office": "office", "办公": "office", "parking": "parking", "车位": "parking"}
METER_KINDS = {"water": "water", "水": "water", "electricity": "electricity", "电": "electricity",
               "gas": "gas", "燃气": "gas", "hot_water": "hot_water", "热水": "hot_water"}

# Bounds of what a property company can mean. Larger values are typing slips (an extra
# digit row pasted in) and would overflow amounts later: refused with the bound named.
MAX_AREA = Decimal(1_000_000)  # m² of one billable unit (a whole mall floor is ~100,000)
MAX_MULTIPLIER = Decimal(100_000)  # PT × CT ratio of a high-voltage meter (10kV/100V × 600/5 = 12,000)
MAX_UNIT_PRICE = Decimal(1_000_000)  # yuan per m², per unit or per room and month
MIN_YEAR, MAX_YEAR = 1900, 2100
SHOWN_CHARS = 40  # a value quoted in a message is cut to this many characters

# [0-9], never \d: \d matches every Unicode digit.
_DECIMAL_RE = re.compile(r"^([0-9]+)(?:\.([0-9]+))?$")
_INT_RE = re.compile(r"^[0-9]+$")
_DATE_RE = re.compile(r"^([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})$")
_PERIOD_RE = re.compile(r"^([0-9]{4})(?:[-/]|年)([0-9]{1,2})月?$")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
# 0 + area code (2-3 digits) + 7-8 digit number, optional extension: 010-12345678, 0571-8888888-123
_LANDLINE_RE = re.compile(
    r"^(?:(0[0-9]{2,3})-([0-9]{7,8})|(?P<joined>0[0-9]{9,11}))(?:(?:-|转|ext\.?|#)([0-9]{1,6}))?$", re.IGNORECASE)
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}  # ！..～ and the ideographic space


def shown(text: Any) -> str:
    """A value as a message quotes it: cut short, so a 10,000-character cell does not
    become a 10,000-character error."""
    s = str(text)
    return s if len(s) <= SHOWN_CHARS else s[:SHOWN_CHARS] + f"…({len(s)})"


def half_width(text: str) -> str:
    """Full-width ASCII forms (１５０２, Ａ, －) as ASCII; nothing else changes."""
    return text if text.isascii() else text.translate(_FULL_WIDTH)


def _ascii(text: str) -> str:
    """Number text with full-width forms made ASCII; any other digit character is refused."""
    if text.isascii():
        return text.strip()
    s = half_width(text).strip()
    for ch in s:
        if not ch.isascii() and unicodedata.digit(ch, None) is not None:
            raise FieldError("import.foreign_digit", value=shown(text), char=ch, name=unicodedata.name(ch, "?"))
    return s


def parse_decimal(text: str, *, max_decimals: int, positive: bool = False, max_value: Decimal | None = None,
                  max_integer_digits: int = 12) -> Decimal:
    """A non-negative decimal written plainly (`89.5`), at most `max_decimals` decimals;
    with `positive` it must also be > 0; at most `max_value` when given. No signs, exponents,
    thousands separators, NaN or Infinity."""
    s = _ascii(text)
    m = _DECIMAL_RE.match(s)
    if not m:
        if s.startswith("-") and _DECIMAL_RE.match(s[1:]):
            raise FieldError("import.not_positive" if positive else "import.negative", value=shown(text))
        raise FieldError("import.not_decimal", value=shown(text))
    whole, frac = m.group(1), m.group(2) or ""
    if len(frac) > max_decimals:
        raise FieldError("import.too_many_decimals", value=shown(text), max=max_decimals)
    if len(whole.lstrip("0")) > max_integer_digits:
        bound = max_value if max_value is not None else Decimal(10) ** max_integer_digits
        raise FieldError("import.too_large", value=shown(text), max=_plain(bound))
    value = Decimal(s)
    if positive and value == 0:
        raise FieldError("import.not_positive", value=shown(text))
    if max_value is not None and value > max_value:
        raise FieldError("import.too_large", value=shown(text), max=_plain(max_value))
    return value


def parse_rate(text: str, *, what: str, max_value: Decimal = MAX_UNIT_PRICE) -> Decimal:
    """A unit price or rate (billing-rules.md: a decimal string, up to 6 decimals), ≥ 0."""
    s = _ascii(text)
    m = _DECIMAL_RE.match(s)
    if not m:
        raise FieldError("import.not_rate", what=what, value=shown(text))
    if len(m.group(2) or "") > 6:
        raise FieldError("import.rate_decimals", what=what, value=shown(text))
    if len(m.group(1).lstrip("0")) > 12 or Decimal(s) > max_value:
        raise FieldError("import.too_large", value=shown(text), max=_plain(max_value))
    return Decimal(s)


def parse_int(text: str, *, low: int, high: int) -> int:
    s = _ascii(text)
    if not _INT_RE.match(s):
        raise FieldError("import.not_integer", value=shown(text))
    # Thousands of digits: int() of more than 4,300 digits raises ValueError (CPython's limit).
    if len(s.lstrip("0")) > len(str(high)):
        raise FieldError("import.int_range", value=shown(text), low=low, high=high)
    n = int(s)
    if not low <= n <= high:
        raise FieldError("import.int_range", value=shown(text), low=low, high=high)
    return n


def _real_date(text: str, year: int, month: int, day: int) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise FieldError("import.year_range", value=shown(text), low=MIN_YEAR, high=MAX_YEAR)
    try:
        return date(year, month, day)
    except ValueError:
        raise FieldError("import.not_real_date", value=shown(text)) from None


def parse_date(text: str) -> date:
    """YYYY-MM-DD. Year-first `2026/3/5` is accepted too: it is what Excel writes when it
    saves a date cell to CSV on a Chinese system, and year-first is never ambiguous."""
    if isinstance(text, DateText):
        return _real_date(text, text.date.year, text.date.month, text.date.day)
    s = _ascii(text)
    m = _DATE_RE.match(s)
    if not m:
        raise FieldError("import.not_date", value=shown(text))
    return _real_date(text, int(m.group(1)), int(m.group(2)), int(m.group(3)))


def parse_period(text: str) -> str:
    """YYYY-MM (also 2026/3, 2026年3月, or a spreadsheet date cell on day 1) -> 'YYYY-MM'."""
    if isinstance(text, DateText):
        if text.date.day != 1:
            raise FieldError("import.date_not_period", value=shown(text))
        year, month = text.date.year, text.date.month
    else:
        s = _ascii(text)
        m = _PERIOD_RE.match(s)
        if not m:
            raise FieldError("import.not_period", value=shown(text))
        year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise FieldError("import.bad_month", value=shown(text))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise FieldError("import.year_range", value=shown(text), low=MIN_YEAR, high=MAX_YEAR)
    return f"{year:04d}-{month:02d}"


def parse_phone(text: str) -> tuple[str, str]:
    """An 11-digit mainland mobile or a landline -> (normalised phone, last 4 digits).
    The last 4 are of the number itself, never of an extension: that is what a resident says."""
    s = re.sub(r"\s+", "", _ascii(text))
    if s.startswith("+86"):
        s = s[3:]
    if _MOBILE_RE.match(s.replace("-", "")):
        digits = s.replace("-", "")
        return digits, digits[-4:]
    m = _LANDLINE_RE.match(s.replace("(", "").replace(")", "-"))
    if m:
        area, number, joined, ext = m.groups()
        if joined:  # written without a dash: 010 and 02x are the only 3-digit area codes
            cut = 3 if joined[1] in "12" else 4
            area, number = joined[:cut], joined[cut:]
        if 7 <= len(number) <= 8:
            return f"{area}-{number}" + (f"-{ext}" if ext else ""), number[-4:]
    raise FieldError("import.bad_phone", value=shown(text))


def parse_choice(text: str, choices: dict[str, str]) -> str:
    s = half_width(text).strip()
    value = choices.get(s) or choices.get(s.lower())
    if value is None:
        english = sorted(set(choices.values()))
        chinese = [k for k in choices if not k.isascii()]
        raise FieldError("import.bad_choice", value=shown(text), english=", ".join(english),
                         chinese="、".join(chinese))
    return value


@lru_cache(maxsize=None)
def column_size(column: InstrumentedAttribute[Any]) -> int:
    """The length of a model's String column: limits are read from the schema, never copied,
    so SQLite (which stores any length) refuses what PostgreSQL would."""
    length = column.property.columns[0].type.length
    assert isinstance(length, int), f"{column} has no length"
    return length


def parse_text(text: str, *, size_of: InstrumentedAttribute[Any] | None = None, max_len: int | None = None,
               no_dash: bool = False, key: bool = False) -> str:
    """A name or number part, at most the size of the model column `size_of`. `key`: part of a key people
    type to find things (room, meter number): full-width forms become ASCII so １５０２ and
    1502 are the same room. `no_dash`: the part goes into a room key, whose parts '-'
    separates."""
    if key:
        text = half_width(text).strip()
    limit = max_len if max_len is not None else column_size(size_of) if size_of is not None else None
    if limit is not None and len(text) > limit:
        raise FieldError("import.too_long", value=shown(text), max=limit, length=len(text))
    if no_dash and "-" in text:
        raise FieldError("import.no_dash", value=shown(text))
    return text


def _plain(d: Decimal) -> str:
    return f"{d:,f}" if d == d.to_integral_value() else str(d)
