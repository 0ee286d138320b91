"""Tiered (阶梯) prices for metered fees.

`up_to` is the cumulative upper bound, inclusive, of a tier within the tier period: with
tiers 180/260/∞, units 0–180 cost the first price, units above 180 up to and including 260
the second, the rest the third. Charging cost(after) − cost(before) makes a month's bill
depend only on where the period's cumulative usage stands, so annual tiers billed monthly
move up a tier in exactly the month the year's usage crosses a bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.domain.decimals import dec_str, exact, non_negative
from app.money import MoneyError, parse_rate

_QUANTITY_RE = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,6})?")


@dataclass(frozen=True)
class Tier:
    up_to: Decimal | None  # None: no upper bound (only the last tier)
    unit_price: Decimal


def _parse_bound(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"{where}: up_to must be a decimal string like \"180\", not {value!r}")
    if isinstance(value, (int, Decimal)):
        value = str(value)
    if not isinstance(value, str) or not _QUANTITY_RE.fullmatch(value.strip()):
        raise ValueError(f"{where}: up_to {value!r} is not a quantity like \"180\" or \"260.5\"")
    bound = Decimal(value.strip())
    if bound <= 0:
        raise ValueError(f"{where}: up_to must be greater than 0, got {value!r}")
    return bound


def parse_tiers(raw: list[dict]) -> list[Tier]:
    """Validate a fee item's `tiers` JSON into Tier objects; errors name the tier."""
    if not isinstance(raw, list) or not raw:
        raise ValueError(
            "tiers must be a non-empty list like [{\"up_to\": \"180\", \"unit_price\": \"5\"}, ...]"
        )
    tiers: list[Tier] = []
    for i, item in enumerate(raw):
        where = f"tiers[{i}] (tier {i + 1})"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: must be an object with up_to and unit_price")
        unknown = sorted(set(item) - {"up_to", "unit_price"})
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(map(str, unknown))}")
        if "up_to" not in item:
            raise ValueError(f"{where}: up_to is missing (use null for the last, open tier)")
        if "unit_price" not in item:
            raise ValueError(f"{where}: unit_price is missing")
        price_raw = item["unit_price"]
        if isinstance(price_raw, (bool, float)) or price_raw is None:
            raise ValueError(f"{where}: unit_price must be a decimal string like \"5\", not {price_raw!r}")
        try:
            price = parse_rate(price_raw, what="unit_price")
        except (MoneyError, TypeError) as e:
            raise ValueError(f"{where}: {e}") from None
        bound = _parse_bound(item["up_to"], where)
        if tiers:
            prev = tiers[-1].up_to
            if prev is None:
                raise ValueError(f"{where}: only the last tier may have up_to null")
            if bound is not None and bound <= prev:
                raise ValueError(
                    f"{where}: up_to {dec_str(bound)} must be greater than the previous {dec_str(prev)}"
                )
        tiers.append(Tier(bound, price))
    if tiers[-1].up_to is not None:
        raise ValueError(
            f"tiers[{len(tiers) - 1}] (tier {len(tiers)}): the last tier must have up_to null, "
            "so every usage has a price"
        )
    return tiers


def _bands(tiers: list[Tier]) -> list[tuple[Decimal, Decimal | None, Decimal]]:
    """(lower, upper or None, price) for each tier: the half-open band (lower, upper]."""
    if not tiers:
        raise ValueError("no tiers")
    bands = []
    lower = Decimal(0)
    for t in tiers:
        bands.append((lower, t.up_to, t.unit_price))
        if t.up_to is None:
            break
        lower = t.up_to
    return bands


def _overlap(lo: Decimal, hi: Decimal, band_lo: Decimal, band_hi: Decimal | None) -> Decimal:
    """Length of (lo, hi] ∩ (band_lo, band_hi]."""
    top = hi if band_hi is None else min(hi, band_hi)
    return max(Decimal(0), top - max(lo, band_lo))


def _check_covered(tiers: list[Tier], x: Decimal) -> None:
    last = tiers[-1].up_to if tiers else None
    if last is not None and x > last:
        raise ValueError(f"usage {dec_str(x)} is above the last tier's bound {dec_str(last)}")


def tier_cost(tiers: list[Tier], x: Decimal) -> Decimal:
    """Exact cost of a cumulative usage x: each tier's slice of (0, x] times its price."""
    x = non_negative(x, "cumulative usage")
    _check_covered(tiers, x)
    with exact():
        return sum(
            (_overlap(Decimal(0), x, lo, hi) * price for lo, hi, price in _bands(tiers)),
            Decimal(0),
        )


def tiered_charge(tiers: list[Tier], before: Decimal, usage: Decimal) -> tuple[Decimal, list[dict]]:
    """The exact charge for `usage` on top of `before` already billed in the tier period,
    and the tiers it fell into (amounts in the breakdown add up to the charge)."""
    before = non_negative(before, "usage billed before")
    usage = non_negative(usage, "usage")
    with exact():
        after = before + usage
    _check_covered(tiers, after)
    breakdown: list[dict] = []
    with exact():
        amount = tier_cost(tiers, after) - tier_cost(tiers, before)
        for i, (lo, hi, price) in enumerate(_bands(tiers)):
            quantity = _overlap(before, after, lo, hi)
            if quantity > 0:
                breakdown.append(
                    {
                        "tier": i + 1,
                        "from": dec_str(lo),
                        "to": None if hi is None else dec_str(hi),
                        "quantity": dec_str(quantity),
                        "unit_price": dec_str(price),
                        "amount": dec_str(quantity * price),
                    }
                )
    return amount, breakdown
