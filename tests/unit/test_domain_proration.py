"""Proration by handover day, alone and through the monthly charges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from app.domain.charges import area_charge, fixed_charge, parking_charge
from app.domain.periods import Period
from app.domain.proration import billable_fraction

NOV = Period(2026, 11)


@pytest.mark.parametrize(
    "charge_start, expected",
    [
        (None, (30, 30)),  # unknown handover: billed in full
        (date(2020, 5, 1), (30, 30)),  # handed over before the period
        (date(2026, 10, 31), (30, 30)),
        (date(2026, 11, 1), (30, 30)),  # from the first day: the whole month
        (date(2026, 11, 16), (15, 30)),  # the spec's example
        (date(2026, 11, 30), (1, 30)),  # last day counts
        (date(2026, 12, 1), None),  # not handed over yet
    ],
)
def test_billable_fraction(charge_start: date | None, expected: tuple[int, int] | None) -> None:
    assert billable_fraction(charge_start, NOV) == expected


def test_datetime_is_refused() -> None:
    from datetime import datetime

    with pytest.raises(TypeError):
        billable_fraction(datetime(2026, 11, 16, 9), NOV)


# area 100 m² × 2.00 = 200.00 a month
@pytest.mark.parametrize(
    "period, start, days, n, exact, fen",
    [
        ("2026-02", date(2026, 2, 15), 14, 28, "100", 10000),  # 28-day month
        ("2028-02", date(2028, 2, 15), 15, 29, "103.4482758620689655172413793103448", 10345),  # 29
        ("2026-11", date(2026, 11, 16), 15, 30, "100", 10000),  # 30
        ("2026-12", date(2026, 12, 16), 16, 31, "103.2258064516129032258064516129032", 10323),  # 31
        ("2026-12", date(2026, 12, 31), 1, 31, "6.451612903225806451612903225806452", 645),
    ],
)
def test_area_proration_in_every_month_length(
    period: str, start: date, days: int, n: int, exact: str, fen: int
) -> None:
    line = area_charge(D("100"), D("2.00"), Period.parse(period), start)
    assert line is not None
    assert line.amount_fen == fen
    assert line.detail["months"] == f"{days}/{n}"
    assert (line.detail["days"], line.detail["days_in_month"]) == (days, n)
    assert D(line.detail["exact"]) == D(exact)
    assert line.detail["charge_start"] == start.isoformat()


def test_spec_example_half_of_november_rounded_once() -> None:
    # 100.5 × 1.25 × 15/30 = 62.8125 exactly, rounded once -> 62.81. Rounding the month
    # first (125.63) and then halving would give 62.82 (rounded twice): not what we do.
    line = area_charge(D("100.5"), D("1.25"), NOV, date(2026, 11, 16))
    assert line is not None
    assert line.detail["exact"] == "62.8125"
    assert line.amount_fen == 6281


def test_not_handed_over_pays_nothing_for_any_monthly_basis() -> None:
    later = date(2027, 1, 1)
    assert area_charge(D("100"), D("2"), NOV, later) is None
    assert fixed_charge(D("30"), NOV, later) is None
    assert parking_charge(D("150"), NOV, later) is None


def test_fixed_and_parking_prorate_the_same_way() -> None:
    fixed = fixed_charge(D("30"), NOV, date(2026, 11, 21))
    parking = parking_charge(D("150"), NOV, date(2026, 11, 21))
    assert fixed is not None and parking is not None
    assert (fixed.amount_fen, fixed.detail["months"]) == (1000, "10/30")
    assert (parking.amount_fen, parking.detail["months"]) == (5000, "10/30")
    assert fixed.detail["basis"] == "fixed" and parking.detail["basis"] == "parking"
