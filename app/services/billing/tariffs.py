"""Fee items with the tariff version in force for a period.

A version applies to the periods whose first day is on or after its `effective_from`
(docs/billing.md: a price that starts mid-month begins with the next full month, so no
month is ever billed at two prices).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Community, FeeItem, TariffVersion
from app.domain.periods import Period
from app.domain.tiers import Tier, parse_tiers

BILLED_BASES = ("area", "fixed", "usage", "apportioned", "parking")


@dataclass(frozen=True)
class PricedItem:
    item: FeeItem
    version: TariffVersion
    unit_price: Decimal | None
    tiers: list[Tier] | None

    @property
    def id(self) -> str:
        return self.item.id


def priced_items(s: Session, period: Period, community_ids: list[str]) -> tuple[list[PricedItem], list[dict]]:
    """(items with a price for the period, problems) — an item without a version in force
    is reported, not billed at zero."""
    items = s.scalars(select(FeeItem).where(FeeItem.community_id.in_(community_ids), FeeItem.active.is_(True),
                                            FeeItem.basis.in_(BILLED_BASES)).order_by(FeeItem.code)).all()
    versions: dict[str, list[TariffVersion]] = {}
    for v in s.scalars(select(TariffVersion).where(TariffVersion.fee_item_id.in_([i.id for i in items]))
                       .order_by(TariffVersion.effective_from, TariffVersion.revision)):
        versions.setdefault(v.fee_item_id, []).append(v)
    out, problems = [], []
    for item in items:
        in_force = [v for v in versions.get(item.id, []) if v.effective_from <= period.first_day]
        if not in_force:
            problems.append({"fee_code": item.code, "reason": f"no tariff in force on {period.first_day}"})
            continue
        v = in_force[-1]
        out.append(PricedItem(item, v, v.unit_price, parse_tiers(v.tiers) if v.tiers else None))
    return out, problems


def communities(s: Session, name: str | None) -> list[Community]:
    q = select(Community).order_by(Community.name)
    if name:
        q = q.where(Community.name == name)
    return list(s.scalars(q))
