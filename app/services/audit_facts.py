"""The digest of the facts an audit event stands for, recomputed from the rows.

When an event is sealed (app/services/audit.py) its `facts` is the SHA-256 of the canonical
JSON of the rows its action wrote; `audit verify` recomputes it from the rows as they are now.
A hand edit to any of them — a payment's amount, its user, a tender, an allocation, the
receipt, a posting of its ledger transaction, a void — or a deleted row changes the digest.

Only fields that never change after the action are included (facts are immutable; a later
fact is a new row): a payment's `device_seq` (set by the outbox) and the deposit row (added
after the payment's event) are left out on purpose. Columns are named one by one, so this
reads the same on a database migrated to any later revision, and the values are rendered
the same on SQLite and PostgreSQL (integers, text, ISO dates, UTC ISO timestamps)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Allocation, LedgerAccount, LedgerTxn, Payment, Posting, Receipt, ReceiptVoid, Tender

MISSING = "missing"  # the facts an event stood for are gone: the digest of "nothing"


def _value(v: Any) -> Any:
    if isinstance(v, datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=timezone.utc)
        return v.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(v, date):
        return v.isoformat()
    return v


def _rows(s: Session, cols: list, where: Any, order: list) -> list[list]:
    return [[_value(v) for v in row] for row in s.execute(select(*cols).where(where).order_by(*order))]


def canonical(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(doc: Any) -> str:
    return hashlib.sha256(canonical(doc).encode("utf-8")).hexdigest()


def payment_facts(s: Session, payment_id: str) -> dict | None:
    p = _rows(s, [Payment.id, Payment.kind, Payment.room_id, Payment.payer_name, Payment.shift_id,
                  Payment.terminal_id, Payment.user_id, Payment.total_fen, Payment.change_fen,
                  Payment.prepaid_after_fen, Payment.as_of, Payment.business_day, Payment.refund_of_id,
                  Payment.note, Payment.created_at], Payment.id == payment_id, [Payment.id])
    if not p:
        return None
    txns = [r[0] for r in s.execute(select(LedgerTxn.id).where(LedgerTxn.ref_type == "payment",
                                                                  LedgerTxn.ref_id == payment_id))]
    return {
        "payment": p[0],
        "receipt": _rows(s, [Receipt.id, Receipt.receipt_no, Receipt.terminal_id, Receipt.day, Receipt.seq,
                             Receipt.issued_at], Receipt.payment_id == payment_id, [Receipt.id]),
        "tenders": _rows(s, [Tender.id, Tender.method, Tender.amount_fen, Tender.received_fen, Tender.reference,
                             Tender.pos_terminal, Tender.pos_batch, Tender.pos_voucher],
                         Tender.payment_id == payment_id, [Tender.id]),
        "allocations": _rows(s, [Allocation.id, Allocation.bill_line_id, Allocation.principal_fen,
                                 Allocation.late_fee_fen], Allocation.payment_id == payment_id, [Allocation.id]),
        "txns": _rows(s, [LedgerTxn.id, LedgerTxn.kind, LedgerTxn.created_by, LedgerTxn.created_at],
                      LedgerTxn.id.in_(txns), [LedgerTxn.id]) if txns else [],
        "postings": _postings_join(s, txns) if txns else [],
    }


def _postings_join(s: Session, txn_ids: list[str]) -> list[list]:
    q = (select(Posting.id, Posting.txn_id, LedgerAccount.code, Posting.amount_fen)
         .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
         .where(Posting.txn_id.in_(txn_ids)).order_by(Posting.id))
    return [[_value(v) for v in row] for row in s.execute(q)]


def void_facts(s: Session, receipt_id: str) -> dict | None:
    v = _rows(s, [ReceiptVoid.id, ReceiptVoid.receipt_id, ReceiptVoid.reason, ReceiptVoid.user_id,
                  ReceiptVoid.ledger_txn_id, ReceiptVoid.created_at], ReceiptVoid.receipt_id == receipt_id,
              [ReceiptVoid.id])
    if not v:
        return None
    txn = v[0][4]
    return {"void": v[0], "postings": _postings_join(s, [txn]) if txn else []}


def _is_payment(action: str, entity: str | None) -> bool:
    return entity == "payment" and action.startswith("pay.")


def _is_void(action: str, entity: str | None) -> bool:
    return entity == "receipt" and action == "void"


# action/entity → the facts of the rows it wrote. Another area's event whose facts should be
# proved too adds a rule here.
RULES: list[tuple[Callable[[str, str | None], bool], Callable[[Session, str], dict | None]]] = [
    (_is_payment, payment_facts),
    (_is_void, void_facts),
]


def _grouped(s: Session, cols: list, key: Any, where: Any, order: list) -> dict[str, list[list]]:
    out: dict[str, list[list]] = {}
    for row in s.execute(select(key, *cols).where(where).order_by(*order)):
        out.setdefault(row[0], []).append([_value(v) for v in row[1:]])
    return out


def payment_facts_many(s: Session, ids: list[str]) -> dict[str, dict]:
    """`payment_facts` of many payments in a few queries (audit verify walks thousands)."""
    if not ids:
        return {}
    pays = _grouped(s, [Payment.id, Payment.kind, Payment.room_id, Payment.payer_name, Payment.shift_id,
                        Payment.terminal_id, Payment.user_id, Payment.total_fen, Payment.change_fen,
                        Payment.prepaid_after_fen, Payment.as_of, Payment.business_day, Payment.refund_of_id,
                        Payment.note, Payment.created_at], Payment.id, Payment.id.in_(ids), [Payment.id])
    receipts = _grouped(s, [Receipt.id, Receipt.receipt_no, Receipt.terminal_id, Receipt.day, Receipt.seq,
                            Receipt.issued_at], Receipt.payment_id, Receipt.payment_id.in_(ids), [Receipt.id])
    tenders = _grouped(s, [Tender.id, Tender.method, Tender.amount_fen, Tender.received_fen, Tender.reference,
                           Tender.pos_terminal, Tender.pos_batch, Tender.pos_voucher], Tender.payment_id,
                       Tender.payment_id.in_(ids), [Tender.id])
    allocs = _grouped(s, [Allocation.id, Allocation.bill_line_id, Allocation.principal_fen, Allocation.late_fee_fen],
                      Allocation.payment_id, Allocation.payment_id.in_(ids), [Allocation.id])
    txn_rows = s.execute(select(LedgerTxn.ref_id, LedgerTxn.id, LedgerTxn.kind, LedgerTxn.created_by,
                                LedgerTxn.created_at)
                         .where(LedgerTxn.ref_type == "payment", LedgerTxn.ref_id.in_(ids))
                         .order_by(LedgerTxn.id)).all()
    txns: dict[str, list[list]] = {}
    txn_owner: dict[str, str] = {}
    for ref_id, *rest in txn_rows:
        txns.setdefault(ref_id, []).append([_value(v) for v in rest])
        txn_owner[rest[0]] = ref_id
    postings: dict[str, list[list]] = {}
    owners = list(txn_owner)
    for i in range(0, len(owners), 500):
        q = (select(Posting.id, Posting.txn_id, LedgerAccount.code, Posting.amount_fen)
             .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
             .where(Posting.txn_id.in_(owners[i:i + 500])).order_by(Posting.id))
        for row in s.execute(q):
            postings.setdefault(txn_owner[row[1]], []).append([_value(v) for v in row])
    for rows in postings.values():
        rows.sort(key=lambda r: r[0])
    return {pid: {"payment": pays[pid][0], "receipt": receipts.get(pid, []), "tenders": tenders.get(pid, []),
                  "allocations": allocs.get(pid, []), "txns": txns.get(pid, []), "postings": postings.get(pid, [])}
            for pid in ids if pid in pays}


def digests_many(s: Session, events: list[tuple[str, str | None, str | None]]) -> dict[tuple[str, str], str]:
    """{(entity, entity_id): facts digest} for the payment events among `events` (action,
    entity, entity_id), computed in bulk; other events are left to `facts_digest`."""
    ids = [eid for action, entity, eid in events if eid and _is_payment(action, entity)]
    docs = payment_facts_many(s, ids)
    return {("payment", pid): (digest(docs[pid]) if pid in docs else MISSING) for pid in ids}


def facts_digest(s: Session, action: str, entity: str | None, entity_id: str | None) -> str | None:
    """The digest of the facts the event stands for; None for an event that proves no rows;
    MISSING when they should be there and are not."""
    for applies, facts in RULES:
        if applies(action, entity):
            doc = facts(s, entity_id) if entity_id else None
            return MISSING if doc is None else digest(doc)
    return None
