"""Money given back (issue 14 items 1–2): payment refunds by lines or amount, by the original
route (WeChat/Alipay through their refund APIs, POS with the refund slip's reference, cash,
prepaid) or to cash or prepaid; deposit returns less deductions. Always approved by a
manager (approval.py). How a refund is stored: docs/refunds.md."""

from app.services.refunds.deposits import deposit_history, refund_deposit
from app.services.refunds.payments import recover_refunds, refund_orders, refund_payment, resolve_refund
from app.services.refunds.plan import ROUTES, Request
from app.services.refunds.query import can_approve, refundable

__all__ = ["ROUTES", "Request", "can_approve", "deposit_history", "recover_refunds", "refund_deposit", "refund_orders",
           "refund_payment", "refundable", "resolve_refund"]
