"""Parsers for one cell each: text in, a typed value out, or `FieldError(reason)`.

Reasons are English with the offending value quoted; `Problem` adds the bilingual row/column
prefix. Numbers are parsed from text into `Decimal` only: a float never gets near them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal


class FieldError(ValueError):
    """The value of one cell is wrong; the message is the reason."""


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

_DECIMAL_RE = re.compile(r"^(\d+)(?:\.(\d+))?$")
_INT_RE = re.compile(r"^\d+$")
_DATE_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_PERIOD_RE = re.compile(r"^(\d{4})(?:[-/]|年)(\d{1,2})月?$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# 0 + area code (2-3 digits) + 7-8 digit number, optional extension: 010-12345678, 0571-8888888-123
_LANDLINE_RE = re.compile(
    r"^(?:(0\d{2,3})-(\d{7,8})|(?P<joined>0\d{9,11}))(?:(?:-|转|ext\.?|#)(\d{1,6}))?$", re.IGNORECASE)


def _ascii(text: str) -> str:
    # Chinese input methods easily produce full-width digits (８９．５); NFKC maps them to ASCII.
    return unicodedata.normalize("NFKC", text).strip()


def parse_decimal(text: str, *, max_decimals: int, positive: bool = False, max_integer_digits: int = 12) -> Decimal:
    """A non-negative decimal written plainly (`89.5`), at most `max_decimals` decimals;
    with `positive` it must also be > 0. No signs, exponents or thousands separators."""
    s = _ascii(text)
    m = _DECIMAL_RE.match(s)
    if not m:
        if s.startswith("-") and _DECIMAL_RE.match(s[1:]):
            raise FieldError(f"{text!r} must be {'greater than 0' if positive else 'at least 0'}")
        raise FieldError(f"{text!r} is not a decimal number (like 89.5)")
    whole, frac = m.group(1), m.group(2) or ""
    if len(frac) > max_decimals:
        raise FieldError(f"{text!r} has more than {max_decimals} decimals")
    if len(whole.lstrip("0")) > max_integer_digits:
        raise FieldError(f"{text!r} is too large")
    value = Decimal(s)
    if positive and value == 0:
        raise FieldError(f"{text!r} must be greater than 0")
    return value


def parse_int(text: str, *, low: int, high: int) -> int:
    s = _ascii(text)
    if not _INT_RE.match(s):
        raise FieldError(f"{text!r} is not a whole number")
    n = int(s)
    if not low <= n <= high:
        raise FieldError(f"{text!r} must be between {low} and {high}")
    return n


def parse_date(text: str) -> date:
    """YYYY-MM-DD. Year-first `2026/3/5` is accepted too: it is what Excel writes when it
    saves a date cell to CSV on a Chinese system, and year-first is never ambiguous."""
    if isinstance(text, DateText):
        return text.date
    s = _ascii(text)
    m = _DATE_RE.match(s)
    if not m:
        raise FieldError(f"{text!r} is not a date YYYY-MM-DD")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise FieldError(f"{text!r} is not a real date") from None


def parse_period(text: str) -> str:
    """YYYY-MM (also 2026/3, 2026年3月, or a spreadsheet date cell on day 1) -> 'YYYY-MM'."""
    if isinstance(text, DateText):
        if text.date.day != 1:
            raise FieldError(f"{text!r} is a date, not a period YYYY-MM")
        return f"{text.date.year:04d}-{text.date.month:02d}"
    s = _ascii(text)
    m = _PERIOD_RE.match(s)
    if not m:
        raise FieldError(f"{text!r} is not a period YYYY-MM")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or year < 1900:
        raise FieldError(f"{text!r} is not a valid month")
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
    raise FieldError(f"{text!r} is not a mobile number (11 digits, 1[3-9]…) or a landline like 010-12345678")


def parse_choice(text: str, choices: dict[str, str]) -> str:
    s = text.strip()
    value = choices.get(s) or choices.get(s.lower())
    if value is None:
        english = sorted(set(choices.values()))
        chinese = [k for k in choices if not k.isascii()]
        raise FieldError(f"{text!r} is not one of {', '.join(english)} ({', '.join(chinese)})")
    return value


def parse_text(text: str, *, max_len: int, no_dash: bool = False) -> str:
    """A name or number part. `no_dash`: the part goes into a room key, whose parts '-' separates."""
    if len(text) > max_len:
        raise FieldError(f"{text!r} is longer than {max_len} characters")
    if no_dash and "-" in text:
        raise FieldError(f"{text!r} may not contain '-' (it separates the parts of the room key)")
    return text
