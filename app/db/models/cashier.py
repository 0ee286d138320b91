"""What happens at the counter: shifts, payments with their tenders and allocations,
receipts and their numbering, voids, deposits, refunds, gateway orders, print jobs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, JSONText, UTCDateTime, utcnow
from app.ids import new_id


class Shift(Base):
    __tablename__ = "shift"
    __table_args__ = (Index("ix_shift_terminal_user", "terminal_id", "user_id"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminal.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("app_user.id"))
    float_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expected: Mapped[dict | None] = mapped_column(JSONText)  # {tender: fen} at close
    counted_fen: Mapped[int | None] = mapped_column(BigInteger)
    variance_fen: Mapped[int | None] = mapped_column(BigInteger)


class CashCount(Base):
    """The drawer count at shift close, one row per denomination."""

    __tablename__ = "cash_count"
    __table_args__ = (UniqueConstraint("shift_id", "denomination_fen"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    shift_id: Mapped[str] = mapped_column(ForeignKey("shift.id"))
    denomination_fen: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)


class ReceiptSequence(Base):
    """Last receipt number used by a terminal on a day; bumped inside the payment's own
    transaction, so numbers have no gaps and two counters never collide."""

    __tablename__ = "receipt_sequence"
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminal.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Payment(Base):
    """Money taken at the counter for one room: bill lines, a prepaid top-up, a deposit or
    a one-off charge. Its receipt, tenders, allocations and ledger txn commit with it."""

    __tablename__ = "payment"
    __table_args__ = (Index("ix_payment_room_created", "room_id", "created_at"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(12))  # bills | prepay | deposit | one_off | refund
    room_id: Mapped[str] = mapped_column(ForeignKey("room.id"))
    payer_name: Mapped[str | None] = mapped_column(String(100))
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shift.id"), index=True)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminal.id"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"))
    total_fen: Mapped[int] = mapped_column(BigInteger)  # what was due and settled
    change_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    prepaid_after_fen: Mapped[int | None] = mapped_column(BigInteger)  # printed on the receipt
    as_of: Mapped[date] = mapped_column(Date)  # the day late fees were computed for
    business_day: Mapped[date] = mapped_column(Date, index=True)
    device_seq: Mapped[int | None] = mapped_column(BigInteger)  # the terminal's event number
    refund_of_id: Mapped[str | None] = mapped_column(ForeignKey("payment.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Receipt(Base):
    __tablename__ = "receipt"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)  # T1-20261124-0001
    payment_id: Mapped[str] = mapped_column(ForeignKey("payment.id"), unique=True)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminal.id"))
    day: Mapped[date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReceiptVoid(Base):
    """A void (作废) of a receipt within its shift: the number stays, the money is reversed."""

    __tablename__ = "receipt_void"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipt.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"))
    ledger_txn_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_txn.id"))
    # the supervisor who approved a void after the void window (user name), else None
    approved_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Tender(Base):
    __tablename__ = "tender"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payment.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # a code of app/tender_methods.py (bank_collect: 12)
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # applied to the payment
    received_fen: Mapped[int | None] = mapped_column(BigInteger)  # cash handed over
    reference: Mapped[str | None] = mapped_column(String(64), index=True)
    # Bank-card POS slip fields, and the gateway order of a scanned payment code.
    pos_terminal: Mapped[str | None] = mapped_column(String(20))
    pos_batch: Mapped[str | None] = mapped_column(String(20))
    pos_voucher: Mapped[str | None] = mapped_column(String(20))
    gateway_order_id: Mapped[str | None] = mapped_column(ForeignKey("gateway_order.id"))


class Allocation(Base):
    """How much of a payment settled which bill line: principal and late fee apart."""

    __tablename__ = "allocation"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payment.id"), index=True)
    bill_line_id: Mapped[str] = mapped_column(ForeignKey("bill_line.id"), index=True)
    principal_fen: Mapped[int] = mapped_column(BigInteger)
    late_fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    late_fee_detail: Mapped[dict | None] = mapped_column(JSONText)


class Deposit(Base):
    """A deposit (押金) held for a room: a liability in its own ledger, never income."""

    __tablename__ = "deposit"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    room_id: Mapped[str] = mapped_column(ForeignKey("room.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(60))  # 装修押金, 门禁卡押金…
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payment.id"))
    refund_payment_id: Mapped[str | None] = mapped_column(ForeignKey("payment.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Refund(Base):
    """A refund approved by a manager; the money goes out through `refund_payment_id`."""

    __tablename__ = "refund"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    original_payment_id: Mapped[str | None] = mapped_column(ForeignKey("payment.id"))
    refund_payment_id: Mapped[str | None] = mapped_column(ForeignKey("payment.id"))
    room_id: Mapped[str] = mapped_column(ForeignKey("room.id"))
    source: Mapped[str] = mapped_column(String(12))  # payment | prepaid | deposit
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200))
    requested_by: Mapped[str | None] = mapped_column(String(40))
    approved_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GatewayOrder(Base):
    """A WeChat/Alipay payment-code order. `out_trade_no` is saved before the call so an
    unknown outcome is resolved by query (then reversed), never by paying again."""

    __tablename__ = "gateway_order"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    provider: Mapped[str] = mapped_column(String(10))  # wechat | alipay
    out_trade_no: Mapped[str] = mapped_column(String(64), unique=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="created")  # created|paying|paid|failed|unknown|reversed
    transaction_id: Mapped[str | None] = mapped_column(String(64))
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminal.id"))
    raw: Mapped[dict | None] = mapped_column(JSONText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PrintJob(Base):
    """A receipt or document waiting for, or done by, a printer. Printing never rolls
    back a payment: a failed job stays here with its error until retried."""

    __tablename__ = "print_job"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminal.id"), index=True)
    receipt_id: Mapped[str | None] = mapped_column(ForeignKey("receipt.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="receipt")  # receipt | reprint | test | notice
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued | printing | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
