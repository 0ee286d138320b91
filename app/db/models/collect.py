"""Bank collection (托收): owners' direct-debit mandates, the debit batches sent to the bank
and each batch's lines with what the bank's return file said (docs/bank-collection.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, JSONText, UTCDateTime, utcnow
from app.ids import new_id


class BankMandate(Base):
    """A room's signed direct-debit mandate (托收协议), from the rooms import. One per room: a
    re-import with other details updates it. The account number is kept whole because the
    debit batch needs it; every display and other export masks it (app.services.collect.mask)."""

    __tablename__ = "bank_mandate"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    room_id: Mapped[str] = mapped_column(ForeignKey("room.id"), unique=True)
    bank_name: Mapped[str | None] = mapped_column(String(60))
    account_no: Mapped[str | None] = mapped_column(String(32))
    account_holder: Mapped[str | None] = mapped_column(String(100))
    mandate_no: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CollectBatch(Base):
    """One debit file sent to the bank: a period's unpaid lines of rooms with a mandate."""

    __tablename__ = "collect_batch"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    batch_no: Mapped[str] = mapped_column(String(24), unique=True)  # TS20261202001
    layout: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7), index=True)
    community_id: Mapped[str | None] = mapped_column(ForeignKey("community.id"))
    rows: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="sent")  # sent | returned
    file_sha256: Mapped[str | None] = mapped_column(String(64))  # of the return file, once read
    created_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CollectLine(Base):
    """One debit of one room in a batch: which bill lines it pays (`items`: [{line_id,
    principal_fen, late_fee_fen}]) and, once the bank answered, paid (with its payment) or
    failed with the bank's reason."""

    __tablename__ = "collect_line"
    __table_args__ = (UniqueConstraint("batch_id", "seq"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    batch_id: Mapped[str] = mapped_column(ForeignKey("collect_batch.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1…n, the line number in the file
    room_id: Mapped[str] = mapped_column(ForeignKey("room.id"), index=True)
    mandate_id: Mapped[str] = mapped_column(ForeignKey("bank_mandate.id"))
    account_no: Mapped[str] = mapped_column(String(32))  # as debited: the mandate may change before the return
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    items: Mapped[list] = mapped_column(JSONText)
    status: Mapped[str] = mapped_column(String(10), default="sent")  # sent | paid | failed
    reason_code: Mapped[str | None] = mapped_column(String(10))  # the bank's code
    reason: Mapped[str | None] = mapped_column(String(100))  # the bank's words (余额不足, 账户错误…)
    bank_ref: Mapped[str | None] = mapped_column(String(40))
    payment_id: Mapped[str | None] = mapped_column(ForeignKey("payment.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
