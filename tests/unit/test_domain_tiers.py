"""Tier parsing and tiered charges: cost(after) − cost(before)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.domain.periods import Period
from app.domain.tiers import Tier, parse_tiers, tier_cost, tiered_charge

WATER = [
    {"up_to": "180", "unit_price": "5"},
    {"up_to": "260", "unit_price": "7"},
    {"up_to": None, "unit_price": "9"},
]


def test_parse_tiers() -> None:
    assert parse_tiers(WATER) == [Tier(D(180), D(5)), Tier(D(260), D(7)), Tier(None, D(9))]


def test_single_open_tier_is_a_flat_price() -> None:
    tiers = parse_tiers([{"up_to": None, "unit_price": "0.4883"}])
    assert tier_cost(tiers, D("100")) == D("48.8300")


@pytest.mark.parametrize(
    "raw, message",
    [
        ([], "non-empty"),
        ("x", "non-empty"),
        ([{"up_to": "180", "unit_price": "5"}], r"tiers\[0\] \(tier 1\): the last tier must have up_to null"),
        ([{"up_to": "180", "unit_price": "5"}, {"up_to": "180", "unit_price": "7"}, {"up_to": None, "unit_price": "9"}],
         r"tiers\[1\].*greater than the previous 180"),
        ([{"up_to": "200", "unit_price": "5"}, {"up_to": "100", "unit_price": "7"}, {"up_to": None, "unit_price": "9"}],
         r"tiers\[1\]"),
        ([{"up_to": None, "unit_price": "5"}, {"up_to": None, "unit_price": "7"}], r"tiers\[1\].*only the last"),
        ([{"up_to": "0", "unit_price": "5"}, {"up_to": None, "unit_price": "7"}], r"tiers\[0\].*greater than 0"),
        ([{"up_to": "-5", "unit_price": "5"}, {"up_to": None, "unit_price": "7"}], r"tiers\[0\]"),
        ([{"up_to": 180.0, "unit_price": "5"}, {"up_to": None, "unit_price": "7"}], r"tiers\[0\].*not 180.0"),
        ([{"up_to": "180", "unit_price": 5.5}, {"up_to": None, "unit_price": "7"}], r"tiers\[0\].*unit_price"),
        ([{"up_to": "180", "unit_price": "5.1234567"}, {"up_to": None, "unit_price": "7"}], r"tiers\[0\].*6 decimals"),
        ([{"up_to": "180", "unit_price": "-1"}, {"up_to": None, "unit_price": "7"}], r"tiers\[0\].*unit_price"),
        ([{"up_to": "180"}, {"up_to": None, "unit_price": "7"}], r"tiers\[0\].*unit_price is missing"),
        ([{"unit_price": "5"}], r"tiers\[0\].*up_to is missing"),
        ([{"up_to": None, "unit_price": "5", "price": "1"}], r"tiers\[0\].*unknown key"),
        ([{"up_to": "abc", "unit_price": "5"}, {"up_to": None, "unit_price": "7"}], r"tiers\[0\]"),
        (["180"], r"tiers\[0\]"),
    ],
)
def test_parse_tiers_rejects(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_tiers(raw)  # type: ignore[arg-type]


def test_tier_cost_up_to_is_inclusive() -> None:
    tiers = parse_tiers(WATER)
    assert tier_cost(tiers, D(0)) == 0
    assert tier_cost(tiers, D(180)) == 900  # the 180th unit is still tier 1
    assert tier_cost(tiers, D("180.5")) == D("903.5")
    assert tier_cost(tiers, D(260)) == 900 + 560
    assert tier_cost(tiers, D(300)) == 900 + 560 + 360


def test_tier_crossed_in_the_middle_of_one_month() -> None:
    # Residential electricity, monthly tiers: 0–200 at 0.4883, 200–400 at 0.5383, above 0.7883.
    tiers = parse_tiers(
        [
            {"up_to": "200", "unit_price": "0.4883"},
            {"up_to": "400", "unit_price": "0.5383"},
            {"up_to": None, "unit_price": "0.7883"},
        ]
    )
    amount, breakdown = tiered_charge(tiers, D(0), D(250))
    assert amount == D("124.575")  # 200 × 0.4883 + 50 × 0.5383
    assert breakdown == [
        {"tier": 1, "from": "0", "to": "200", "quantity": "200", "unit_price": "0.4883", "amount": "97.6600"},
        {"tier": 2, "from": "200", "to": "400", "quantity": "50", "unit_price": "0.5383", "amount": "26.9150"},
    ]


def test_usage_spanning_all_tiers_lists_the_open_tier_with_to_none() -> None:
    amount, breakdown = tiered_charge(parse_tiers(WATER), D(100), D(200))
    assert amount == 80 * 5 + 80 * 7 + 40 * 9
    assert [(b["tier"], b["quantity"], b["to"]) for b in breakdown] == [(1, "80", "180"), (2, "80", "260"), (3, "40", None)]


def test_annual_tiers_move_up_in_the_month_the_year_crosses_a_bound() -> None:
    tiers = parse_tiers(WATER)
    usages = {Period(2026, m): D(u) for m, u in zip(range(1, 8), [50, 60, 60, 30, 50, 40, 20])}
    charges = {}
    for period, usage in usages.items():
        before = sum((usages[p] for p in period.year_periods_before()), D(0))
        charges[str(period)], _ = tiered_charge(tiers, before, usage)
    assert charges == {
        "2026-01": 250, "2026-02": 300, "2026-03": 300,  # cumulative 170: all tier 1
        "2026-04": 190,  # 170 -> 200: 10 at 5 + 20 at 7
        "2026-05": 350,  # 200 -> 250: all tier 2
        "2026-06": 340,  # 250 -> 290: 10 at 7 + 30 at 9
        "2026-07": 180,  # 290 -> 310: tier 3
    }
    assert sum(charges.values()) == tier_cost(tiers, D(310)) == 1910
    _, april = tiered_charge(tiers, D(170), D(30))
    assert [(b["tier"], b["quantity"], b["amount"]) for b in april] == [(1, "10", "50"), (2, "20", "140")]


def test_zero_usage_costs_nothing_and_has_no_breakdown() -> None:
    assert tiered_charge(parse_tiers(WATER), D(200), D(0)) == (D(0), [])


def test_negative_usage_or_before_is_refused() -> None:
    tiers = parse_tiers(WATER)
    with pytest.raises(ValueError, match="usage"):
        tiered_charge(tiers, D(0), D(-1))
    with pytest.raises(ValueError, match="before"):
        tiered_charge(tiers, D(-1), D(1))
    with pytest.raises(ValueError):
        tier_cost(tiers, D(-1))


def test_float_usage_is_refused() -> None:
    with pytest.raises(TypeError):
        tier_cost(parse_tiers(WATER), 1.5)  # type: ignore[arg-type]


def test_hand_built_tiers_without_an_open_tier_refuse_usage_beyond_them() -> None:
    with pytest.raises(ValueError, match="above the last tier"):
        tier_cost([Tier(D(10), D(1))], D(11))
