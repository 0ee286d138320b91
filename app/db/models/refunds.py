"""Refund facts beyond the shared `Refund` row (app/db/models/cashier.py): the gateway refund
order (two-phase, like `GatewayOrder`) and the return of a deposit with its deduction.

A refund itself is a Payment (kind 'refund', refund_of_id → the original) with negative
tenders, a 退款单 receipt and a `Refund` row; these tables hold what that does not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, JSONText, UTCDateTime, utcnow
from app.ids import new_id


class RefundOrder(Base):
    """A WeChat/Alipay refund request. Saved (and committed) with its `out_refund_no` BEFORE
    the gateway is called, so an unknown outcome is settled by querying the same number —
    never by refunding again. `refund_id` is set once the refund is recorded."""

    __tablename__ = "refund_order"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    provider: Mapped[str] = mapped_column(String(10))  # wechat | alipay
    out_refund_no: Mapped[str] = mapped_column(String(64), unique=True)
    out_trade_no: Mapped[str] = mapped_column(String(64))  # the paid order refunded
    payment_id: Mapped[str] = mapped_column(ForeignKey("payment.id"), index=True)  # the original payment
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    # created | refunded (accepted by the gateway) | failed | unknown | recorded
    status: Mapped[str] = mapped_column(String(12), default="created")
    gateway_refund_id: Mapped[str | None] = mapped_column(String(64))
    refund_id: Mapped[str | None] = mapped_column(ForeignKey("refund.id"))
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminal.id"))
    raw: Mapped[dict | None] = mapped_column(JSONText)  # the plan replayed on success, gateway replies
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DepositReturn(Base):
    """A deposit given back (押金退还), once: what was paid out, what was kept and why. The
    deposit row itself is never updated (facts are immutable)."""

    __tablename__ = "deposit_return"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    deposit_id: Mapped[str] = mapped_column(ForeignKey("deposit.id"), unique=True)
    refund_id: Mapped[str] = mapped_column(ForeignKey("refund.id"))
    paid_out_fen: Mapped[int] = mapped_column(BigInteger)
    deducted_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
