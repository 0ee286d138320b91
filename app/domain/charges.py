"""One bill line per fee basis: the exact amount, rounded once, and how it was made.

Each function returns a LineCalc whose `detail` is what `propdesk bills` shows and what a
finance clerk checks the amount against, so it carries every input as a string (never a
float), the month fraction, and the exact yuan amount before the single rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.apportion import largest_remainder
from app.domain.decimals import dec_str, divide, exact, non_negative
from app.domain.periods import Period
from app.domain.proration import billable_fraction
from app.domain.tiers import Tier, parse_tiers, tiered_charge
from app.money import DEFAULT_ROUNDING, Rounding, parse_rounding, round_yuan_to_fen


@dataclass(frozen=True)
class LineCalc:
    amount_fen: int
    quantity: Decimal | None  # the area or usage billed (bill_line.quantity); None for a flat fee
    detail: dict


def _monthly(
    basis: str,
    per_month: Decimal,
    period: Period,
    charge_start: date | None,
    rounding: Rounding | str,
    inputs: dict,
    quantity: Decimal | None,
) -> LineCalc | None:
    mode = parse_rounding(rounding)
    fraction = billable_fraction(charge_start, period)
    if fraction is None:
        return None
    days, n = fraction
    full = days == n
    # Multiply first, divide last: the only inexact step is one division by the month's days.
    with exact():
        numerator = per_month * days
    amount_yuan = per_month if full else divide(numerator, n)
    detail = {
        "basis": basis,
        **inputs,
        "months": "1" if full else f"{days}/{n}",
        "days": days,
        "days_in_month": n,
        "exact": dec_str(amount_yuan),
        "rounding": mode.value,
    }
    if not full and charge_start is not None:
        detail["charge_start"] = charge_start.isoformat()
    return LineCalc(round_yuan_to_fen(amount_yuan, mode), quantity, detail)


def area_charge(
    area: Decimal,
    unit_price: Decimal,
    period: Period,
    charge_start: date | None,
    rounding: Rounding | str = DEFAULT_ROUNDING,
) -> LineCalc | None:
    """area × unit_price for the month, prorated by handover; None = not handed over."""
    area = non_negative(area, "area")
    price = non_negative(unit_price, "unit_price")
    with exact():
        per_month = area * price
    inputs = {"area": dec_str(area), "unit_price": dec_str(price)}
    return _monthly("area", per_month, period, charge_start, rounding, inputs, area)


def fixed_charge(
    unit_price: Decimal,
    period: Period,
    charge_start: date | None,
    rounding: Rounding | str = DEFAULT_ROUNDING,
    basis: str = "fixed",
) -> LineCalc | None:
    """unit_price per room (or per parking space, basis 'parking') for the month, prorated by
    handover; None = not handed over."""
    price = non_negative(unit_price, "unit_price")
    return _monthly(basis, price, period, charge_start, rounding, {"unit_price": dec_str(price)}, None)


def parking_charge(
    unit_price: Decimal,
    period: Period,
    charge_start: date | None,
    rounding: Rounding | str = DEFAULT_ROUNDING,
) -> LineCalc | None:
    """unit_price per parking space for the month, prorated like a room's fees."""
    return fixed_charge(unit_price, period, charge_start, rounding, basis="parking")


def usage_charge(
    usage: Decimal,
    unit_price: Decimal | None,
    tiers: list[Tier] | None,
    before: Decimal = Decimal(0),
    rounding: Rounding | str = DEFAULT_ROUNDING,
    tier_period: str | None = None,
) -> LineCalc:
    """A metered line: usage × unit_price, or tiered on top of `before` (the usage already
    billed in the same tier period). Exactly one of unit_price and tiers is given."""
    mode = parse_rounding(rounding)
    usage = non_negative(usage, "usage")
    if (unit_price is None) == (tiers is None):
        raise ValueError("a usage fee needs exactly one of unit_price and tiers")
    if tier_period not in (None, "month", "year"):
        raise ValueError(f"tier_period {tier_period!r} must be 'month' or 'year'")
    if unit_price is not None:
        price = non_negative(unit_price, "unit_price")
        with exact():
            amount_yuan = usage * price
        detail: dict = {"basis": "usage", "usage": dec_str(usage), "unit_price": dec_str(price)}
    else:
        assert tiers is not None
        if tiers and isinstance(tiers[0], dict):  # raw JSON from a fee item
            tiers = parse_tiers(tiers)  # type: ignore[arg-type]
        before = non_negative(before, "usage billed before")
        amount_yuan, breakdown = tiered_charge(tiers, before, usage)
        with exact():
            after = before + usage
        detail = {
            "basis": "usage",
            "usage": dec_str(usage),
            "before": dec_str(before),
            "after": dec_str(after),
            "tier_period": tier_period,
            "tiers": breakdown,
        }
    detail["exact"] = dec_str(amount_yuan)
    detail["rounding"] = mode.value
    return LineCalc(round_yuan_to_fen(amount_yuan, mode), usage, detail)


@dataclass(frozen=True)
class PublicSplit:
    """A public meter's cost split: the total, each key's fen and weight, and the detail
    every share has in common (the per-share detail adds only its weight)."""

    total_fen: int
    fen: dict[str, int]
    weights: dict[str, Decimal]
    common: dict

    def detail(self, key: str) -> dict:
        return {**self.common, "weight": dec_str(self.weights[key])}


def split_public_meter(
    public_usage: Decimal,
    unit_price: Decimal,
    rooms: list[tuple[str, Decimal]],
    method: str,
    rounding: Rounding | str = DEFAULT_ROUNDING,
) -> PublicSplit:
    """A public meter's cost split among the in-scope, handed-over rooms.

    total = public_usage × unit_price, rounded once by `rounding`; the integer total is then
    split by largest remainder, so the shares add up to it exactly and are not rounded again.
    `rooms` pairs each room key with its area; with method "household" every room weighs 1
    and the given weight is not used.
    """
    mode = parse_rounding(rounding)
    if method not in ("area", "household"):
        raise ValueError(f"apportion method {method!r} must be 'area' or 'household'")
    if not rooms:
        raise ValueError("no handed-over rooms in scope to share the public meter among")
    usage = non_negative(public_usage, "public usage")
    price = non_negative(unit_price, "unit_price")
    if method == "household":
        weights = [(key, Decimal(1)) for key, _ in rooms]
    else:
        weights = [(key, non_negative(w, f"area of {key}")) for key, w in rooms]
    with exact():
        total_yuan = usage * price
        total_weight = sum((w for _, w in weights), Decimal(0))
    total_fen = round_yuan_to_fen(total_yuan, mode)
    common = {
        "basis": "apportioned",
        "total_fen": total_fen,
        "public_usage": dec_str(usage),
        "unit_price": dec_str(price),
        "total_exact": dec_str(total_yuan),
        "method": method,
        "total_weight": dec_str(total_weight),
        "households": len(weights),
        "rounding": mode.value,
    }
    return PublicSplit(total_fen, largest_remainder(total_fen, weights), dict(weights), common)


def apportioned_shares(
    public_usage: Decimal,
    unit_price: Decimal,
    rooms: list[tuple[str, Decimal]],
    method: str,
    rounding: Rounding | str = DEFAULT_ROUNDING,
) -> tuple[int, dict[str, LineCalc]]:
    """split_public_meter as one LineCalc per room (quantity: the area for method 'area')."""
    split = split_public_meter(public_usage, unit_price, rooms, method, rounding)
    by_area = split.common["method"] == "area"
    return split.total_fen, {key: LineCalc(fen, split.weights[key] if by_area else None, split.detail(key))
                             for key, fen in split.fen.items()}
