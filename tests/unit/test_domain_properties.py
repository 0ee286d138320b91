"""Properties of the calculation core, checked with generated inputs."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.apportion import largest_remainder
from app.domain.charges import area_charge
from app.domain.late_fee import late_fee
from app.domain.periods import Period
from app.domain.tiers import Tier, tier_cost, tiered_charge
from app.money import Rounding

FAST = settings(max_examples=200, deadline=None)


def decimals(max_value: int, places: int, min_value: int = 0) -> st.SearchStrategy[Decimal]:
    # Built from integers so every value is an exact, finite Decimal with `places` decimals.
    scale = 10**places
    return st.integers(min_value * scale, max_value * scale).map(lambda n: Decimal(n).scaleb(-places))


usages = decimals(2000, 3)
prices = decimals(20, 6)


@st.composite
def tier_lists(draw: st.DrawFn) -> list[Tier]:
    bounds = sorted(draw(st.sets(decimals(1000, 2, min_value=0).filter(lambda d: d > 0), max_size=4)))
    return [Tier(b, draw(prices)) for b in bounds] + [Tier(None, draw(prices))]


weights = st.lists(
    st.tuples(st.text("abc-0123", min_size=1, max_size=5), decimals(500, 2)),
    min_size=1, max_size=12, unique_by=lambda kw: kw[0],
).filter(lambda ws: any(w > 0 for _, w in ws))


@FAST
@given(total=st.integers(-10**9, 10**9), weights=weights)
def test_shares_sum_to_total_and_stay_within_one_fen(total: int, weights: list[tuple[str, Decimal]]) -> None:
    shares = largest_remainder(total, weights)
    assert sum(shares.values()) == total
    assert list(shares) == [k for k, _ in weights]
    whole = sum((Fraction(w) for _, w in weights), Fraction(0))
    for key, w in weights:
        exact = Fraction(total) * Fraction(w) / whole
        assert abs(shares[key] - exact) < 1
        if w == 0:
            assert shares[key] == 0


@FAST
@given(tiers=tier_lists(), x=usages, y=usages)
def test_tier_cost_is_monotonic(tiers: list[Tier], x: Decimal, y: Decimal) -> None:
    lo, hi = min(x, y), max(x, y)
    assert tier_cost(tiers, lo) <= tier_cost(tiers, hi)


@FAST
@given(tiers=tier_lists(), before=usages, a=usages, b=usages)
def test_tiered_charge_is_additive(tiers: list[Tier], before: Decimal, a: Decimal, b: Decimal) -> None:
    first, _ = tiered_charge(tiers, before, a)
    second, _ = tiered_charge(tiers, before + a, b)
    whole, _ = tiered_charge(tiers, before, a + b)
    assert first + second == whole


@FAST
@given(tiers=tier_lists(), before=usages, usage=usages)
def test_breakdown_adds_up(tiers: list[Tier], before: Decimal, usage: Decimal) -> None:
    amount, breakdown = tiered_charge(tiers, before, usage)
    assert sum((Decimal(t["amount"]) for t in breakdown), Decimal(0)) == amount
    assert sum((Decimal(t["quantity"]) for t in breakdown), Decimal(0)) == usage


days_late = st.integers(-30, 2000)


@FAST
@given(
    principal=st.integers(0, 10**8),
    rate=decimals(1, 6),
    grace=st.integers(0, 60),
    cap=decimals(3, 4),
    d1=days_late,
    d2=days_late,
    mode=st.sampled_from(list(Rounding)),
)
def test_late_fee_is_capped_and_monotonic_in_as_of(
    principal: int, rate: Decimal, grace: int, cap: Decimal, d1: int, d2: int, mode: Rounding
) -> None:
    due = date(2026, 12, 15)
    early, late = due + timedelta(days=min(d1, d2)), due + timedelta(days=max(d1, d2))
    fee_early, detail = late_fee(principal, due, early, rate, grace, cap, mode)
    fee_late, _ = late_fee(principal, due, late, rate, grace, cap, mode)
    assert 0 <= fee_early <= fee_late
    assert fee_late <= detail["cap_fen"] <= principal * cap


def _reference_fen(exact: Fraction, mode: Rounding) -> int:
    """An independent rounding of an exact rational, for checking proration."""
    quantum = {Rounding.JIAO_HALF_UP: 10, Rounding.YUAN_HALF_UP: 100}.get(mode, 1)
    q = exact * 100 / quantum
    if mode in (Rounding.FEN_UP, Rounding.FEN_DOWN):
        n = math.ceil(q) if mode is Rounding.FEN_UP else math.floor(q)  # amounts are >= 0
    else:
        n = math.floor(q)
        rest = q - n
        if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and (mode is not Rounding.FEN_HALF_EVEN or n % 2)):
            n += 1
    return n * quantum


@FAST
@given(
    area=decimals(100000, 4),
    price=decimals(100, 6),
    period=st.builds(Period, st.integers(2000, 2100), st.integers(1, 12)),
    day=st.integers(1, 31),
    mode=st.sampled_from(list(Rounding)),
)
def test_proration_rounds_like_the_exact_fraction(
    area: Decimal, price: Decimal, period: Period, day: int, mode: Rounding
) -> None:
    start = date(period.year, period.month, min(day, period.days))
    line = area_charge(area, price, period, start, mode)
    assert line is not None
    days = period.days - start.day + 1
    exact = Fraction(area) * Fraction(price) * days / period.days
    assert line.amount_fen == _reference_fen(exact, mode)
