"""Usage from two readings: multiplier, confirmed rollover, refused drops."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.domain.meter_usage import ReadingError, usage_between


def test_plain_usage() -> None:
    assert usage_between(D("30.0"), D("42.5"), D(1), 8, False) == D("12.5")


def test_multiplier() -> None:
    assert usage_between(D("1200"), D("1203.25"), D("80"), 6, False) == D("260.00")


def test_same_reading_is_zero() -> None:
    assert usage_between(D("30"), D("30"), D(1), 8, False) == 0


def test_confirmed_rollover() -> None:
    assert usage_between(D("9990"), D("15"), D(1), 4, True) == 25
    assert usage_between(D("99999990.5"), D("4.5"), D(2), 8, True) == D("28.0")


def test_unconfirmed_drop_is_refused_with_the_reason() -> None:
    with pytest.raises(ReadingError) as e:
        usage_between(D("30.0"), D("12.5"), D(1), 8, False)
    assert str(e.value) == "reading 12.5 is lower than the previous 30.0: confirm a rollover or record a meter swap"
    assert isinstance(e.value, ValueError)


def test_rollover_flag_on_a_rising_reading_changes_nothing() -> None:
    assert usage_between(D("30"), D("40"), D(1), 8, True) == 10


@pytest.mark.parametrize(
    "args, message",
    [
        ((D("10000"), D("5"), D(1), 4, True), "previous reading 10000 does not fit"),
        ((D("5"), D("10000"), D(1), 4, False), "reading 10000 does not fit"),
        ((D("-1"), D("5"), D(1), 4, False), "negative"),
        ((D("1"), D("5"), D(0), 4, False), "multiplier"),
        ((D("1"), D("5"), D(1), 0, False), "digits"),
    ],
)
def test_rejects(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        usage_between(*args)
