"""Which payments count: every total and paid amount leaves out payments whose receipt was
voided. Two forms, for the two shapes of query."""

from __future__ import annotations

from sqlalchemy import exists, select

from app.db.models import Receipt, ReceiptVoid


def not_voided(payment_id_col):  # type: ignore[no-untyped-def]
    """A correlated NOT EXISTS, for queries that look at a few payments (a room, a shift):
    two unique-index probes per payment, whatever the size of the database."""
    return ~exists().where(Receipt.payment_id == payment_id_col, ReceiptVoid.receipt_id == Receipt.id)


def voided_payment_ids():  # type: ignore[no-untyped-def]
    """The voided payments' ids, starting from the (few) voids: for whole-ledger aggregates."""
    return select(Receipt.payment_id).select_from(ReceiptVoid).join(Receipt, Receipt.id == ReceiptVoid.receipt_id)
