"""One LineCalc per fee basis: amounts rounded once, details in strings."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from app.domain.charges import LineCalc, apportioned_shares, area_charge, fixed_charge, parking_charge, usage_charge
from app.domain.periods import Period
from app.domain.tiers import parse_tiers
from app.money import Rounding

NOV = Period(2026, 11)
WATER = [{"up_to": "180", "unit_price": "5"}, {"up_to": "260", "unit_price": "7"}, {"up_to": None, "unit_price": "9"}]


def _no_floats(value: object) -> None:
    assert not isinstance(value, float), value
    if isinstance(value, dict):
        for v in value.values():
            _no_floats(v)
    elif isinstance(value, list):
        for v in value:
            _no_floats(v)


def _check_detail(line: LineCalc) -> None:
    _no_floats(line.detail)
    json.dumps(line.detail)  # it goes into a JSON column as it is


def test_area_full_month_spec_example() -> None:
    line = area_charge(D("100.5"), D("1.25"), NOV, None)
    assert line == LineCalc(
        12563,
        D("100.5"),
        {"basis": "area", "area": "100.5", "unit_price": "1.25", "months": "1", "days": 30,
         "days_in_month": 30, "exact": "125.625", "rounding": "fen_half_up"},
    )
    _check_detail(line)


def test_area_uses_the_fee_items_rounding() -> None:
    line = area_charge(D("100.5"), D("1.25"), NOV, None, Rounding.FEN_HALF_EVEN)
    assert line is not None and line.amount_fen == 12562
    line = area_charge(D("100.5"), D("1.25"), NOV, None, "jiao_half_up")
    assert line is not None and line.amount_fen == 12560


def test_fixed_and_parking_full_month() -> None:
    fixed = fixed_charge(D("30"), NOV, date(2020, 1, 1))
    parking = parking_charge(D("150.5"), NOV, None)
    assert fixed == LineCalc(3000, None, {"basis": "fixed", "unit_price": "30", "months": "1", "days": 30,
                                          "days_in_month": 30, "exact": "30", "rounding": "fen_half_up"})
    assert parking is not None and parking.amount_fen == 15050 and parking.detail["basis"] == "parking"


def test_usage_flat() -> None:
    line = usage_charge(D("123.4"), D("0.4883"), None)
    assert line.amount_fen == 6026  # 60.25622
    assert line.quantity == D("123.4")
    assert line.detail == {"basis": "usage", "usage": "123.4", "unit_price": "0.4883",
                           "exact": "60.25622", "rounding": "fen_half_up"}
    _check_detail(line)


def test_usage_tiered_annual() -> None:
    line = usage_charge(D("30"), None, parse_tiers(WATER), D("170"), tier_period="year")
    assert line.amount_fen == 19000
    assert line.detail["before"] == "170" and line.detail["after"] == "200"
    assert line.detail["tier_period"] == "year"
    assert [t["quantity"] for t in line.detail["tiers"]] == ["10", "20"]
    _check_detail(line)


def test_usage_tiered_accepts_raw_tier_json() -> None:
    assert usage_charge(D("30"), None, WATER, D("170")).amount_fen == 19000  # type: ignore[arg-type]


def test_usage_tiered_rounds_the_whole_line_once() -> None:
    tiers = parse_tiers([{"up_to": "10", "unit_price": "0.125"}, {"up_to": None, "unit_price": "0.135"}])
    # 0.05 × 0.125 + 0.05 × 0.135 = 0.013 -> 1 fen. Rounding each tier (0.01 + 0.01) would be 2.
    line = usage_charge(D("0.1"), None, tiers, D("9.95"))
    assert line.detail["exact"] == "0.01300"
    assert [t["amount"] for t in line.detail["tiers"]] == ["0.00625", "0.00675"]
    assert line.amount_fen == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"unit_price": None, "tiers": None}, "exactly one"),
        ({"unit_price": D(1), "tiers": WATER}, "exactly one"),
        ({"unit_price": None, "tiers": WATER, "tier_period": "week"}, "tier_period"),
    ],
)
def test_usage_charge_rejects(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        usage_charge(D(1), **kwargs)


def test_negative_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        usage_charge(D(-1), D(1), None)
    with pytest.raises(ValueError):
        area_charge(D(-1), D(1), NOV, None)
    with pytest.raises(ValueError):
        fixed_charge(D(-1), NOV, None)
    with pytest.raises(TypeError):
        area_charge(100.5, D("1.25"), NOV, None)  # type: ignore[arg-type]


def test_apportion_by_household_does_not_divide_evenly() -> None:
    # 100 kWh × 1.00 = 100.00 yuan among three households: 33.34 / 33.33 / 33.33.
    rooms = [("3-1-103", D("90")), ("3-1-101", D("120")), ("3-1-102", D("100"))]
    total, shares = apportioned_shares(D("100"), D("1.00"), rooms, "household")
    assert total == 10000
    assert {k: s.amount_fen for k, s in shares.items()} == {"3-1-101": 3334, "3-1-102": 3333, "3-1-103": 3333}
    assert list(shares) == ["3-1-103", "3-1-101", "3-1-102"]  # the order given
    d = shares["3-1-101"].detail
    assert d == {"basis": "apportioned", "total_fen": 10000, "public_usage": "100", "unit_price": "1.00",
                 "total_exact": "100.00", "method": "household", "weight": "1", "total_weight": "3",
                 "households": 3, "rounding": "fen_half_up"}
    assert shares["3-1-101"].quantity is None
    for s in shares.values():
        _check_detail(s)


def test_apportion_by_area() -> None:
    rooms = [("A", D("100.5")), ("B", D("89.25")), ("C", D("120"))]
    total, shares = apportioned_shares(D("1234.5"), D("0.8"), rooms, "area")
    assert total == 98760  # 987.60
    # exact: 32043.196…, 28456.271…, 38260.532… -> floors 32043 + 28456 + 38260 = 98759;
    # the one fen left goes to the largest remainder, C (.532).
    assert {k: s.amount_fen for k, s in shares.items()} == {"A": 32043, "B": 28456, "C": 38261}
    assert sum(s.amount_fen for s in shares.values()) == total
    assert shares["A"].detail["weight"] == "100.5" and shares["A"].detail["total_weight"] == "309.75"
    assert shares["A"].quantity == D("100.5")


def test_apportion_total_is_rounded_once_by_the_fee_items_rounding() -> None:
    total, shares = apportioned_shares(D("10.05"), D("1"), [("A", D(1)), ("B", D(1))], "household", "yuan_half_up")
    assert total == 1000
    assert [s.amount_fen for s in shares.values()] == [500, 500]


@pytest.mark.parametrize(
    "rooms, method, message",
    [
        ([], "area", "no handed-over rooms"),
        ([("A", D(0)), ("B", D(0))], "area", "zero"),
        ([("A", D(1))], "volume", "method"),
        ([("A", D(1)), ("A", D(2))], "area", "twice"),
    ],
)
def test_apportion_rejects(rooms: list, method: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        apportioned_shares(D(10), D(1), rooms, method)
