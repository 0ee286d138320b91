"""Cell parsers of the imports: each value either parses exactly or says why not."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.imports.common import name_initials
from app.services.imports.fields import (
    METER_KINDS, USAGES, DateText, FieldError, parse_choice, parse_date, parse_decimal, parse_int, parse_period,
    parse_phone)
from app.services.imports.xlsx import cell_text, column_letter, float_text


@pytest.mark.parametrize("text, expected", [
    ("89.5", Decimal("89.5")), ("0.0001", Decimal("0.0001")), ("００８９．５", Decimal("89.5")), (" 12 ", Decimal(12)),
])
def test_decimal_ok(text, expected):
    assert parse_decimal(text, max_decimals=4, positive=True) == expected


@pytest.mark.parametrize("text, reason", [
    ("abc", "is not a decimal number"), ("1.2.3", "is not a decimal number"), ("-5", "must be greater than 0"),
    ("0", "must be greater than 0"), ("0.00", "must be greater than 0"), ("1.23456", "more than 4 decimals"),
    ("1e3", "is not a decimal number"), ("1,000", "is not a decimal number"), ("", "is not a decimal number"),
    ("1234567890123", "too large"), (".5", "is not a decimal number"),
])
def test_decimal_bad(text, reason):
    with pytest.raises(FieldError, match=reason):
        parse_decimal(text, max_decimals=4, positive=True)


def test_decimal_zero_allowed_when_not_positive():
    assert parse_decimal("0", max_decimals=4) == 0
    with pytest.raises(FieldError, match="at least 0"):
        parse_decimal("-1", max_decimals=4)


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_decimal_round_trips_exactly(d):
    assert parse_decimal(format(d, "f"), max_decimals=4) == d


def test_int():
    assert parse_int("8", low=1, high=12) == 8
    for bad in ("0", "13", "8.0", "x", "-1"):
        with pytest.raises(FieldError):
            parse_int(bad, low=1, high=12)


@pytest.mark.parametrize("text, expected", [
    ("2026-03-05", date(2026, 3, 5)), ("2026/3/5", date(2026, 3, 5)), ("2024-02-29", date(2024, 2, 29)),
])
def test_date_ok(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "2025-02-29", "2026-13-01", "05/03/2026", "20260305", "tomorrow"])
def test_date_bad(text):
    with pytest.raises(FieldError):
        parse_date(text)


@pytest.mark.parametrize("text, expected", [("2026-03", "2026-03"), ("2026/3", "2026-03"), ("2026年3月", "2026-03")])
def test_period_ok(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-03-05", "26-03", "March"])
def test_period_bad(text):
    with pytest.raises(FieldError):
        parse_period(text)


def test_period_from_an_excel_date_cell_on_day_one():
    assert parse_period(DateText(date(2026, 3, 1))) == "2026-03"
    with pytest.raises(FieldError, match="not a period"):
        parse_period(DateText(date(2026, 3, 5)))


@pytest.mark.parametrize("text, phone, last4", [
    ("13812345678", "13812345678", "5678"), ("138 1234 5678", "13812345678", "5678"),
    ("+86 19912345678", "19912345678", "5678"), ("010-12345678", "010-12345678", "5678"),
    ("0571-8888888", "0571-8888888", "8888"), ("0571-88881234-802", "0571-88881234-802", "1234"),
    ("01012345678", "010-12345678", "5678"), ("(021)87654321", "021-87654321", "4321"),
])
def test_phone_ok(text, phone, last4):
    assert parse_phone(text) == (phone, last4)


@pytest.mark.parametrize("text", ["12345678901", "1381234567", "138123456789", "010-123", "phone", "110"])
def test_phone_bad(text):
    with pytest.raises(FieldError, match="not a mobile number"):
        parse_phone(text)


def test_choices_accept_chinese():
    assert parse_choice("商铺", USAGES) == "shop"
    assert parse_choice("Parking", USAGES) == "parking"
    assert parse_choice("燃气", METER_KINDS) == "gas"
    with pytest.raises(FieldError, match="residential"):
        parse_choice("villa", USAGES)


def test_name_initials():
    assert name_initials("张三") == "zs"
    assert name_initials("欧阳娜娜") == "oynn"
    assert name_initials("Tom Li") == "tl"
    assert name_initials("李A") == "la"


@pytest.mark.parametrize("value, text", [
    (89.5, "89.5"), (0.1, "0.1"), (3.0, "3"), (1502, "1502"), (13812345678, "13812345678"), (1e-07, "0.0000001"),
    (1234567.891, "1234567.891"),
])
def test_xlsx_numbers_become_exact_text(value, text):
    assert cell_text(value, "n") == text


@pytest.mark.parametrize("value", [0.1 + 0.2, 1 / 3, float("nan"), float("inf")])
def test_xlsx_inexact_numbers_are_refused(value):
    with pytest.raises(FieldError):
        float_text(value)


def test_xlsx_cells():
    assert cell_text(None, "n") == ""
    d = cell_text(datetime(2026, 3, 1, 0, 0), "d")
    assert d == "2026-03-01" and isinstance(d, DateText)
    assert cell_text("  x ", "s") == "x"
    with pytest.raises(FieldError, match="formula"):
        cell_text("=B2*2", "f")
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
