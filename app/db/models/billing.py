"""Bill runs, bill lines (the receivables) and adjustments to them.

A bill line is a fact: its amount never changes. Corrections are new lines of kind 'delta'
pointing at the line they correct; waivers and discounts are adjustments pointing at it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, DecimalText, JSONText, UTCDateTime, utcnow
from app.ids import new_id


class BillRun(Base):
    __tablename__ = "bill_run"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    period: Mapped[str] = mapped_column(String(7), index=True)
    community_id: Mapped[str | None] = mapped_column(ForeignKey("community.id"))  # None: all
    lines: Mapped[int] = mapped_column(Integer, default=0)
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    skipped_existing: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict | None] = mapped_column(JSONText)  # missing readings etc.
    created_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BillLine(Base):
    """What a room owes for one fee item and period (kind 'charge'), a correction of such a
    line (kind 'delta', negative for a credit), or a one-off charge taken at the counter."""

    __tablename__ = "bill_line"
    __table_args__ = (
        Index("ix_bill_line_room_period", "room_id", "period"),
        Index("ix_bill_line_period_fee", "period", "fee_item_id"),
    )
    # For a charge: stable_id(room, fee item, period), so re-runs and other counters converge.
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("room.id"))
    fee_item_id: Mapped[str] = mapped_column(ForeignKey("fee_item.id"))
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(10), default="charge")  # charge | delta | one_off
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    # How the amount was made, in data: area × price × months, tiers, share, proration days…
    detail: Mapped[dict] = mapped_column(JSONText)
    quantity: Mapped[Decimal | None] = mapped_column(DecimalText)  # usage billed (tiers sum these)
    due_date: Mapped[date] = mapped_column(Date)
    tariff_version_id: Mapped[str | None] = mapped_column(ForeignKey("tariff_version.id"))
    bill_run_id: Mapped[str | None] = mapped_column(ForeignKey("bill_run.id"))
    corrects_id: Mapped[str | None] = mapped_column(ForeignKey("bill_line.id"), index=True)
    note: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BillAdjustment(Base):
    """A waiver (减免) of a late fee or of principal, approved by a user allowed to."""

    __tablename__ = "bill_adjustment"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    bill_line_id: Mapped[str] = mapped_column(ForeignKey("bill_line.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # waive_late_fee | waive_principal
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)  # None: the whole late fee
    reason: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str] = mapped_column(String(40))
    # who asked for it when that was someone else (a cashier with a supervisor's approval on the spot)
    requested_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
