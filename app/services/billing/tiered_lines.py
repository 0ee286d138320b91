"""A tiered metered line's amount and serialised detail, made for many households at once.

`usage_charge` (app.domain.charges) is the definition; a bill run calls it once per distinct
(usage, usage billed before) — and with annual tiers nearly every household has its own
"before", so a 100,000-room run calls it ~85,000 times per tiered fee item. Each call
re-validates its inputs, opens five Decimal contexts and builds dicts that are then
serialised. `TieredLines` does the same Decimal arithmetic (the domain's own band and
overlap helpers, in the same exact context, in the same order) once per line with the
per-item work done once, and writes the detail JSON directly — byte for byte what
`json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))` gives
(tests/unit/test_tiered_lines.py compares the two over random and boundary inputs).
Anything unusual (a negative or non-finite figure, usage above the last bound) goes to
`usage_charge` itself, so errors are the domain's.
"""

from __future__ import annotations

import json
from decimal import Decimal, localcontext

from app.domain.charges import usage_charge
from app.domain.decimals import _EXACT
from app.domain.tiers import Tier, _bands
from app.money import Rounding, parse_rounding, round_yuan_to_fen


class TieredLines:
    def __init__(self, tiers: list[Tier], rounding: Rounding | str, tier_period: str | None) -> None:
        self.tiers, self.rounding, self.tier_period = tiers, rounding, tier_period
        self.mode = parse_rounding(rounding)
        # Whatever usage_charge would refuse goes to it on every line (it raises).
        self.usual = bool(tiers) and tier_period in (None, "month", "year")
        self.bands = _bands(tiers) if tiers else []
        # Per band: its "from", "to" and "unit_price" as they appear in the detail.
        self.texts = [(format(lo, "f"), "null" if hi is None else f'"{format(hi, "f")}"', format(price, "f"))
                      for lo, hi, price in self.bands]
        self.last = tiers[-1].up_to if tiers else None
        self.tail = f',"rounding":{json.dumps(self.mode.value)},"tier_period":{json.dumps(tier_period)},"tiers":['
        self.zero = Decimal(0)

    def line(self, usage: Decimal, before: Decimal) -> tuple[int, str]:
        """(amount in fen, the detail's JSON without its closing brace)."""
        if not (self.usual and isinstance(usage, Decimal) and isinstance(before, Decimal) and usage.is_finite()
                and before.is_finite() and usage >= 0 and before >= 0):
            return self._slow(usage, before)
        zero, bands, texts = self.zero, self.bands, self.texts
        # tiers._overlap inlined (the same comparisons and operations in the same order, so
        # every Decimal comes out with the same digits and exponent): a function call and a
        # Decimal(0) per band and figure were half of the time of a 100,000-room run's water.
        with localcontext(_EXACT):
            after = before + usage
            if self.last is not None and after > self.last:
                return self._slow(usage, before)
            cost_after = cost_before = zero
            parts = []
            i = 0
            for lo, hi, price in bands:
                top = after if hi is None or not hi < after else hi
                x = top - (lo if lo > zero else zero)
                cost_after = cost_after + (x if x > zero else zero) * price
                top_b = before if hi is None or not hi < before else hi
                x = top_b - (lo if lo > zero else zero)
                cost_before = cost_before + (x if x > zero else zero) * price
                x = top - (lo if lo > before else before)
                if x > zero:
                    lo_s, hi_s, price_s = texts[i]
                    parts.append(f'{{"amount":"{x * price:f}","from":"{lo_s}","quantity":"{x:f}","tier":{i + 1},'
                                 f'"to":{hi_s},"unit_price":"{price_s}"}}')
                i += 1
            amount = cost_after - cost_before
        detail = (f'{{"after":"{after:f}","basis":"usage","before":"{before:f}","exact":"{amount:f}"'
                  f'{self.tail}{",".join(parts)}],"usage":"{usage:f}"')
        return round_yuan_to_fen(amount, self.mode), detail

    def _slow(self, usage: Decimal, before: Decimal) -> tuple[int, str]:
        calc = usage_charge(usage, None, self.tiers, before, self.rounding, self.tier_period)
        return calc.amount_fen, json.dumps(calc.detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))[:-1]
