"""Owners' direct-debit mandates (托收协议), one per room, kept by the rooms import.

The account number is stored whole (the debit batch needs it) and shown masked everywhere
else: `mask('6222021234567890123')` → `6222***********0123`."""

from __future__ import annotations

import re
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
        is_new = old is None
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
        if diff and not is_new:
            old.updated_at = now
            changes[rid] = diff
    s.flush()
    return changes


_ACCOUNT = re.compile(r"[0-9]{8,32}")
_MANDATE = re.compile(r"[0-9A-Za-z-]{1,40}")


def parse_mandate(c, row: int, v: dict[str, str]) -> MandateIn | None:  # type: ignore[no-untyped-def]
    """The rooms import's bank columns of one row (problems go to the import's collector)."""
    from app.services.imports.fields import half_width

    cells = {k: (v.get(k) or "").strip() for k in ("bank_name", "bank_account", "account_holder", "mandate_no")}
    if not any(cells.values()):
        return None
    account = re.sub(r"[\s]", "", half_width(cells["bank_account"])) or None
    mandate_no = half_width(cells["mandate_no"]).strip() or None
    ok = True
    if account is not None and not _ACCOUNT.fullmatch(account):
        c.add(row, "bank_account", "collect.bad_account", value=cells["bank_account"][:40])
        ok = False
    if mandate_no is not None and not _MANDATE.fullmatch(mandate_no):
        c.add(row, "mandate_no", "collect.bad_mandate_no", value=cells["mandate_no"][:40])
        ok = False
    if mandate_no is not None and account is None:
        c.add(row, "bank_account", "collect.mandate_needs_account")
        ok = False
    for key, limit in (("bank_name", 60), ("account_holder", 100)):
        if len(cells[key]) > limit:
            c.add(row, key, "import.too_long", value=cells[key][:20] + "…", max=limit, length=len(cells[key]))
            ok = False
    if not ok:
        return None
    return MandateIn(cells["bank_name"] or None, account, cells["account_holder"] or None, mandate_no)
