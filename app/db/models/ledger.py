"""Double-entry ledger. Every business event is one LedgerTxn whose postings sum to zero;
debits are positive, credits negative. A balance is always the sum of the account's
postings (no cached balance that could drift); `ledger check` proves the transactions
balance and that the books agree with the facts (bill lines, allocations, tenders)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, UTCDateTime, utcnow
from app.ids import new_id


class LedgerAccount(Base):
    """Accounts by code: 'AR:<room>' receivable, 'PRE:<room>' prepaid, 'DEP:<room>' deposits,
    'INC:<fee item>' income, 'LATE:<community>' late-fee income, 'TND:<method>:<terminal>'
    money received by tender at a counter."""

    __tablename__ = "ledger_account"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # asset | liability | income
    name: Mapped[str] = mapped_column(String(100))
    room_id: Mapped[str | None] = mapped_column(ForeignKey("room.id"), index=True)


class LedgerTxn(Base):
    __tablename__ = "ledger_txn"
    __table_args__ = (Index("ix_ledger_txn_ref", "ref_type", "ref_id"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    # bill | payment | prepay | deposit | void | refund | adjustment | delta
    kind: Mapped[str] = mapped_column(String(12))
    ref_type: Mapped[str | None] = mapped_column(String(20))
    ref_id: Mapped[str | None] = mapped_column(String(36))
    reverses_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_txn.id"))
    memo: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str | None] = mapped_column(String(40))
    terminal_code: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Posting(Base):
    __tablename__ = "posting"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    txn_id: Mapped[str] = mapped_column(ForeignKey("ledger_txn.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("ledger_account.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # debit > 0, credit < 0
