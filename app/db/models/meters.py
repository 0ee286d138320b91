"""Meters and their readings. A reading is never edited: a correction is a new revision."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, DecimalText, UTCDateTime, utcnow
from app.ids import new_id


class Meter(Base):
    __tablename__ = "meter"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    meter_no: Mapped[str] = mapped_column(String(40), unique=True)
    community_id: Mapped[str] = mapped_column(ForeignKey("community.id"), index=True)
    room_id: Mapped[str | None] = mapped_column(ForeignKey("room.id"), index=True)  # None: public meter
    kind: Mapped[str] = mapped_column(String(20))  # water | electricity | gas | hot_water
    multiplier: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(1))
    digits: Mapped[int] = mapped_column(Integer, default=8)
    initial: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    installed_on: Mapped[date | None] = mapped_column(Date)
    # A swapped meter keeps its history; the new one points at the one it replaced.
    replaces_id: Mapped[str | None] = mapped_column(ForeignKey("meter.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Where a counter can read it over a serial/RS-485 line (migration 0004): the meter's
    # communication address (DL/T 645: 12 digits; CJ/T 188: 14) and its protocol.
    address: Mapped[str | None] = mapped_column(String(20))
    protocol: Mapped[str | None] = mapped_column(String(10))  # dlt645 | cjt188


class MeterReading(Base):
    """The register value that closes a period. (meter, period, revision) is unique; the
    highest revision is the one in force, lower ones are the history of corrections."""

    __tablename__ = "meter_reading"
    __table_args__ = (UniqueConstraint("meter_id", "period", "revision"), Index("ix_meter_reading_period", "period"))
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    meter_id: Mapped[str] = mapped_column(ForeignKey("meter.id"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    revision: Mapped[int] = mapped_column(Integer, default=0)
    reading: Mapped[Decimal] = mapped_column(DecimalText)
    read_at: Mapped[date | None] = mapped_column(Date)
    reader: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20), default="import")  # import | manual | handheld | meter | swap | review | demo
    # valid | flagged (unusual usage, waits for review) | rejected
    status: Mapped[str] = mapped_column(String(12), default="valid")
    rollover: Mapped[bool] = mapped_column(Boolean, default=False)  # confirmed register wrap-around
    corrects_id: Mapped[str | None] = mapped_column(ForeignKey("meter_reading.id"))
    reason: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
