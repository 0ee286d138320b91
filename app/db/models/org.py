"""Who and where: communities, buildings, rooms, people and who occupies what."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, DecimalText, JSONText, UTCDateTime, utcnow
from app.ids import new_id


class Community(Base):
    __tablename__ = "community"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    # Per-community options, e.g. {"prepaid_deduction": true}; read through services, never raw.
    options: Mapped[dict] = mapped_column(JSONText, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Building(Base):
    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    community_id: Mapped[str] = mapped_column(ForeignKey("community.id"))
    name: Mapped[str] = mapped_column(String(40))


class Room(Base):
    """A billable unit: a flat, a shop, an office or a parking space (usage='parking')."""

    __tablename__ = "room"
    __table_args__ = (
        UniqueConstraint("community_id", "room_key"),
        Index("ix_room_room_key", "room_key"),
        Index("ix_room_number", "number"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    community_id: Mapped[str] = mapped_column(ForeignKey("community.id"))
    building_id: Mapped[str] = mapped_column(ForeignKey("building.id"), index=True)
    unit: Mapped[str] = mapped_column(String(20), default="")
    number: Mapped[str] = mapped_column(String(20))
    room_key: Mapped[str] = mapped_column(String(60))
    area: Mapped[Decimal] = mapped_column(DecimalText)
    usage: Mapped[str] = mapped_column(String(20), default="residential")
    charge_start: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Party(Base):
    """A person or organisation that owns, rents or pays."""

    __tablename__ = "party"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), index=True)
    # Pinyin initials of the name ("zs" for 张三), kept beside it so lookup is an index scan.
    name_initials: Mapped[str] = mapped_column(String(40), default="", index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    # Last 4 digits of the phone: cashiers ask "尾号多少" far more often than the whole number.
    phone_last4: Mapped[str | None] = mapped_column(String(4), index=True)
    id_card: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(String(200))


class Occupancy(Base):
    """Who is owner or tenant of a room, from when to when."""

    __tablename__ = "occupancy"
    __table_args__ = (Index("ix_occupancy_room_role", "room_id", "role"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    room_id: Mapped[str] = mapped_column(ForeignKey("room.id"))
    party_id: Mapped[str] = mapped_column(ForeignKey("party.id"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="owner")  # owner | tenant
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    is_payer: Mapped[bool] = mapped_column(Boolean, default=True)


class Vehicle(Base):
    """A resident's car, and the parking space (a room with usage 'parking') it uses."""

    __tablename__ = "vehicle"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    plate: Mapped[str] = mapped_column(String(20), unique=True)
    party_id: Mapped[str | None] = mapped_column(ForeignKey("party.id"))
    space_room_id: Mapped[str | None] = mapped_column(ForeignKey("room.id"), index=True)
    home_room_id: Mapped[str | None] = mapped_column(ForeignKey("room.id"))
