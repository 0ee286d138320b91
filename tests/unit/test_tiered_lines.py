"""The bill run's tiered lines are usage_charge's, byte for byte: amount and detail JSON."""

from __future__ import annotations

import json
import random
from decimal import Decimal

import pytest

from app.domain.charges import usage_charge
from app.domain.tiers import parse_tiers
from app.services.billing.tiered_lines import TieredLines

WATER = [{"up_to": "180", "unit_price": "5.00"}, {"up_to": "260", "unit_price": "7.00"},
         {"up_to": None, "unit_price": "9.00"}]
ELEC = [{"up_to": "200", "unit_price": "0.4883"}, {"up_to": "400", "unit_price": "0.5383"},
        {"up_to": None, "unit_price": "0.7883"}]
ODD = [{"up_to": "0.5", "unit_price": "1.005"}, {"up_to": "12.25", "unit_price": "0"},
       {"up_to": "1000000", "unit_price": "3.3333"}, {"up_to": None, "unit_price": "12"}]


def _reference(tiers, usage, before, rounding, period):  # type: ignore[no-untyped-def]
    calc = usage_charge(usage, None, tiers, before, rounding, period)
    return calc.amount_fen, json.dumps(calc.detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))[:-1]


def _figures(rnd: random.Random, bounds: list[str]) -> list[Decimal]:
    out = [Decimal(0), Decimal("0.0"), Decimal("0.000"), Decimal("1E+1"), Decimal("100.10")]
    for b in bounds:  # on, just below and just above every bound
        d = Decimal(b)
        out += [d, d - Decimal("0.001"), d + Decimal("0.01"), d - 1, d + 1, d.quantize(Decimal("0.00"))]
    for _ in range(300):
        scale = rnd.choice([0, 0, 1, 2, 3, 6])
        out.append(Decimal(rnd.randint(0, 10 ** (4 + scale))).scaleb(-scale))
    return [x for x in out if x >= 0]


@pytest.mark.parametrize("raw", [WATER, ELEC, ODD])
@pytest.mark.parametrize("rounding", ["fen_half_up", "fen_half_even", "jiao_half_up", "yuan_half_up"])
@pytest.mark.parametrize("period", ["year", "month", None])
def test_tiered_lines_equal_usage_charge(raw, rounding, period) -> None:  # type: ignore[no-untyped-def]
    tiers = parse_tiers(raw)
    rnd = random.Random(f"{raw}{rounding}{period}")
    figures = _figures(rnd, [t["up_to"] for t in raw if t["up_to"]])
    fast = TieredLines(tiers, rounding, period)
    for _ in range(400):
        usage, before = rnd.choice(figures), rnd.choice(figures)
        assert fast.line(usage, before) == _reference(tiers, usage, before, rounding, period), (usage, before)


def test_what_usage_charge_refuses_it_refuses_the_same_way() -> None:
    tiers = parse_tiers(WATER)
    fast = TieredLines(tiers, "fen_half_up", "year")
    for usage, before in [(Decimal(-1), Decimal(0)), (Decimal(1), Decimal("-0.5")), (Decimal("NaN"), Decimal(0))]:
        with pytest.raises(Exception) as fast_err:
            fast.line(usage, before)
        with pytest.raises(Exception) as ref_err:
            usage_charge(usage, None, tiers, before, "fen_half_up", "year")
        assert type(fast_err.value) is type(ref_err.value) and str(fast_err.value) == str(ref_err.value)
    with pytest.raises(ValueError):
        TieredLines(tiers, "fen_half_up", "week").line(Decimal(1), Decimal(0))
