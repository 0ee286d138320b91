"""JSON typed or imported by a person, read so that any input is either data or an
InputError (exit 2) naming what is wrong — never a crash (exit 1).

`json.loads` alone turns deeply nested input into RecursionError, a number with thousands of
digits into ValueError (Python's int-string limit), and accepts NaN / Infinity, which no
amount or quantity may be. Here the nesting depth and the size are checked before parsing,
numbers are bounded while parsing, and NaN / Infinity are refused.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from app.errors import InputError

MAX_DEPTH = 32  # the deepest PropDesk document (fee items: items → tiers → tier) needs 4
MAX_CHARS = 5_000_000
MAX_NUMBER_CHARS = 40  # far beyond any amount, rate or count; far below int()'s 4,300 digits


class _Refused(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def _depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings (a scan, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def _number(kind: type) -> Any:
    def parse(text: str) -> Any:
        if len(text) > MAX_NUMBER_CHARS:
            raise _Refused("json.number_too_long", length=len(text), max=MAX_NUMBER_CHARS)
        value = kind(text)
        if not math.isfinite(value):  # 1e999 is read as infinity
            raise _Refused("json.not_finite", value=text)
        return value

    return parse


def _constant(name: str) -> Any:
    raise _Refused("json.not_finite", value=name)


def loads(text: str | bytes, *, what: str, decimals: bool = False) -> Any:
    """Parse `text` (what the person gave as `what`: an option or a file name) as JSON.
    InputError("json.…", what=…) when it is not JSON or is too deep, too long or holds a
    number that is not one. `decimals=True` reads 2.5 as Decimal("2.5"), never a float."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("json.not_utf8", what=what) from None
    if len(text) > MAX_CHARS:
        raise InputError("json.too_long", what=what, length=len(text), max=MAX_CHARS)
    if _depth(text) > MAX_DEPTH:
        raise InputError("json.too_deep", what=what, max=MAX_DEPTH)
    try:
        return json.loads(text, parse_int=_number(int), parse_float=_number(Decimal if decimals else float),
                          parse_constant=_constant)
    except _Refused as e:
        raise InputError(e.code, what=what, **e.params) from None
    except json.JSONDecodeError as e:
        raise InputError("json.invalid", what=what, line=e.lineno, column=e.colno, reason=e.msg) from None
    except (RecursionError, ValueError) as e:  # a safety net: the checks above should come first
        raise InputError("json.invalid", what=what, line=1, column=1, reason=type(e).__name__) from None
