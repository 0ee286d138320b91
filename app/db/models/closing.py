"""End of day: gateway and POS statements, day close, and exceptions for the manager."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, JSONText, UTCDateTime, utcnow
from app.ids import new_id


class Statement(Base):
    """A settlement statement imported from WeChat Pay, Alipay or the bank's POS."""

    __tablename__ = "statement"
    __table_args__ = (UniqueConstraint("source", "day", "file_sha256"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    source: Mapped[str] = mapped_column(String(10))  # wechat | alipay | pos
    day: Mapped[date] = mapped_column(Date)
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[str | None] = mapped_column(String(40))
    # the merchant no. / Alipay account the file belongs to: a later file of another account is refused
    account: Mapped[str | None] = mapped_column(String(40))
    file_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StatementLine(Base):
    __tablename__ = "statement_line"
    __table_args__ = (UniqueConstraint("statement_id", "reference"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    statement_id: Mapped[str] = mapped_column(ForeignKey("statement.id"))
    reference: Mapped[str] = mapped_column(String(64))  # transaction id / POS reference no.
    out_trade_no: Mapped[str | None] = mapped_column(String(64))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DayClose(Base):
    """A locked business day of a terminal, with its tender totals as they were locked."""

    __tablename__ = "day_close"
    __table_args__ = (UniqueConstraint("terminal_id", "day"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminal.id"))
    day: Mapped[date] = mapped_column(Date)
    totals: Mapped[dict] = mapped_column(JSONText)
    closed_by: Mapped[str] = mapped_column(String(40))
    # totals by cashier and fee item, matched count, the discrepancies' count (app.services.closing.day_close)
    detail: Mapped[dict | None] = mapped_column(JSONText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExceptionCase(Base):
    """Something a manager must look at: a double payment turned into credit, a statement
    line with no payment, a payment into a closed day, a flagged reading…"""

    __tablename__ = "exception_case"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    ref_type: Mapped[str | None] = mapped_column(String(20))
    ref_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[dict | None] = mapped_column(JSONText)
    resolved_by: Mapped[str | None] = mapped_column(String(40))
    resolution: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
