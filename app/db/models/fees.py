"""Fee items and their tariff versions (a new price applies from its effective date)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, DecimalText, JSONText, UTCDateTime, utcnow
from app.ids import new_id


class FeeItem(Base):
    __tablename__ = "fee_item"
    __table_args__ = (UniqueConstraint("community_id", "code"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    community_id: Mapped[str] = mapped_column(ForeignKey("community.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))
    # area | fixed | usage | apportioned | parking | one_off
    basis: Mapped[str] = mapped_column(String(20))
    meter_kind: Mapped[str | None] = mapped_column(String(20))
    tier_period: Mapped[str | None] = mapped_column(String(5))  # month | year
    apportion: Mapped[dict | None] = mapped_column(JSONText)  # {"meter_no", "by", "scope"}
    usages: Mapped[list] = mapped_column(JSONText)
    rounding: Mapped[str] = mapped_column(String(16), default="fen_half_up")
    due_day: Mapped[int] = mapped_column(Integer, default=15)
    late_fee: Mapped[dict | None] = mapped_column(JSONText)  # {"daily_rate", "grace_days", "cap_ratio"}
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TariffVersion(Base):
    """Price of a fee item from `effective_from` on; bills already made keep the version
    they were made with (bill_line.tariff_version_id)."""

    __tablename__ = "tariff_version"
    __table_args__ = (UniqueConstraint("fee_item_id", "effective_from", "revision"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    fee_item_id: Mapped[str] = mapped_column(ForeignKey("fee_item.id"))
    effective_from: Mapped[date] = mapped_column(Date)
    # A corrected price for the same date is a new revision (the wrong one stays on record).
    revision: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(String(200))
    unit_price: Mapped[Decimal | None] = mapped_column(DecimalText)
    tiers: Mapped[list | None] = mapped_column(JSONText)  # [{"up_to": "180"|null, "unit_price": "5"}]
    created_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
