"""Owners' direct-debit mandates (托收协议), one per room, kept by the rooms import.

The account number is stored whole (the debit batch needs it) and shown masked everywhere
else: `mask('6222021234567890123')` → `6222 **** **** *0123`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import BankMandate


def mask(account: str | None) -> str:
    """Only the first four and last four digits stay: enough to tell accounts apart."""
    if not account:
        return ""
    if len(account) <= 8:
        return "*" * (len(account) - 4) + account[-4:] if len(account) > 4 else "*" * len(account)
    return account[:4] + "*" * (len(account) - 8) + account[-4:]


@dataclass(frozen=True)
class MandateIn:
    """What a rooms-import row says; None = the cell was empty (keep what is stored)."""

    bank_name: str | None
    account_no: str | None
    account_holder: str | None
    mandate_no: str | None

    def given(self) -> bool:
        return any(v is not None for v in (self.bank_name, self.account_no, self.account_holder, self.mandate_no))


def _active(m: BankMandate) -> bool:
    return bool(m.mandate_no and m.account_no)


def apply(s: Session, rows: list[tuple[str, MandateIn]]) -> dict[str, dict]:
    """Create or update the mandates of these rooms; returns {room id: changes} with account
    numbers masked, for the import's audit events."""
    wanted = [(rid, m) for rid, m in rows if m.given()]
    if not wanted:
        return {}
    ids = [rid for rid, _ in wanted]
    existing = {}
    for i in range(0, len(ids), 900):
        existing.update({m.room_id: m for m in s.scalars(select(BankMandate)
                                                          .where(BankMandate.room_id.in_(ids[i:i + 900])))})
    changes: dict[str, dict] = {}
    now = clock.now()
    for rid, m in wanted:
        old = existing.get(rid)
        if old is None:
            old = BankMandate(room_id=rid, created_at=now)
            s.add(old)
        diff = {}
        for attr in ("bank_name", "account_no", "account_holder", "mandate_no"):
            value = getattr(m, attr)
            if value is not None and getattr(old, attr) != value:
                shown = (mask(getattr(old, attr)), mask(value)) if attr == "account_no" else (getattr(old, attr), value)
                diff[attr] = list(shown)
                setattr(old, attr, value)
        old.active = _active(old)
        if diff:
            old.updated_at = now
            changes[rid] = diff
    s.flush()
    return changes
