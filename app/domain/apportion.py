"""Splitting an amount of fen among rooms: the largest-remainder method (最大余额法)."""

from __future__ import annotations

from decimal import Decimal


def largest_remainder(total_fen: int, weights: list[tuple[str, Decimal]]) -> dict[str, int]:
    """Split `total_fen` among keys in proportion to their weights, summing exactly to it.

    Each key first gets the floor of its exact share; the fen left over go one each to the
    largest fractional remainders, ties to the smaller key (string order). A key of weight 0
    gets 0. Every share is within 1 fen of its exact proportion.

    A negative total (a credit, e.g. from a corrected public reading) is split as its
    absolute value and negated, so a credit mirrors the charge it reverses fen for fen.
    Keys come back in the order given.
    """
    if isinstance(total_fen, bool) or not isinstance(total_fen, int):
        raise TypeError(f"total_fen must be an int, not {type(total_fen).__name__}")
    if not weights:
        raise ValueError("nothing to apportion among: no weights")
    seen: set[str] = set()
    for key, w in weights:
        if key in seen:
            raise ValueError(f"key {key!r} appears twice")
        seen.add(key)
        if isinstance(w, bool) or not isinstance(w, (Decimal, int)):
            raise TypeError(f"weight of {key!r} must be a Decimal, not {type(w).__name__}")
        if isinstance(w, Decimal) and not w.is_finite():
            raise ValueError(f"weight of {key!r} is not a finite number: {w}")
        if w < 0:
            raise ValueError(f"weight of {key!r} is negative: {w}")
    # Scale every weight to an integer by the same power of ten: the split is then integer
    # arithmetic, exact and fast (a community-wide share has 100,000 weights).
    exponent = min((Decimal(w).as_tuple().exponent for _, w in weights), default=0)
    scale = max(0, -int(exponent))
    ints = [(key, int(Decimal(w).scaleb(scale))) for key, w in weights]
    whole = sum(w for _, w in ints)
    if whole == 0:
        raise ValueError("all weights are zero: nothing to apportion by")

    sign = -1 if total_fen < 0 else 1
    total = abs(total_fen)
    shares: dict[str, int] = {}
    remainders: list[tuple[int, str]] = []
    for key, w in ints:
        floor, rem = divmod(total * w, whole)
        shares[key] = floor
        remainders.append((rem, key))
    leftover = total - sum(shares.values())
    # Largest remainder first; on a tie the smaller key wins. (Remainders share the
    # denominator `whole`, so comparing numerators compares the fractions.)
    remainders.sort(key=lambda rk: (-rk[0], rk[1]))
    for _, key in remainders[:leftover]:
        shares[key] += 1
    return {key: sign * fen for key, fen in shares.items()}
