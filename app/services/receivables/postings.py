"""Ledger postings of receivables."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from app.services import ledger


def post_bill_lines(s: Session, lines: list[tuple[str, str, int]], **kw) -> str | None:  # type: ignore[no-untyped-def]
    """One balanced ledger transaction for new receivables: Dr each room's AR, Cr each fee
    item's income (a credit delta reverses the direction by its sign)."""
    entries: dict[str, int] = defaultdict(int)
    for room_id, fee_item_id, amount in lines:
        entries[ledger.room_account("AR", room_id)] += amount
        entries[ledger.income_account(fee_item_id)] -= amount
    if not any(entries.values()):
        return None
    return ledger.post(s, "bill", entries.items(), **kw)
