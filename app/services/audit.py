"""Append-only, hash-chained audit trail (docs/security.md "Audit chain").

`record(...)` is what every service calls; it only queues the event on the session. When the
session's outermost transaction commits, the queued events are sealed (`_seal`): each gets
its chain (the terminal's code), the next `seq`, the previous hash, the digest of the facts
its action wrote (app/services/audit_facts.py, read after everything is flushed) and

    hash = SHA-256(prev_hash + canonical JSON of the event)

Appends to one chain are serialised through its `AuditChainHead` row: on PostgreSQL the
row is locked FOR UPDATE (taken last in the unit of work, after the room lock, so no lock
order cycle); on SQLite the unit of work already holds the writer lock (BEGIN IMMEDIATE).
An event recorded inside a savepoint that is rolled back is dropped with it.

`verify(s)` walks every chain and proves that no event was edited (hash), removed or inserted
(seq, prev_hash, the head row), that the payment and void facts still match their events
(digest recomputed from the rows), and that no payment or void of a chained terminal exists
without its event. It names the first bad event of each chain.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from app import clock
from app.db.base import _json_default
from app.db.models import AuditChainHead, AuditEvent, Payment, Receipt, ReceiptVoid, Terminal
from app.services.audit_facts import MISSING, _value, canonical, digests_many, facts_digest

GENESIS = "0" * 64
NO_TERMINAL = "-"  # the chain of actions taken with no terminal (central, maintenance)
_PENDING = "audit_pending"
_PAGE = 1000  # events per page when verifying
# The payment kinds record_payment writes, each with its `pay.<kind>` event: one of these
# without an event on a chained terminal was put there by hand.
AUDITED_PAYMENT_KINDS = ("bills", "prepay", "deposit", "one_off")


def record(s: Session, action: str, *, user: str | None, terminal: str | None = None,
           entity: str | None = None, entity_id: str | None = None, detail: dict[str, Any] | None = None) -> None:
    """Add an audit event; it is chained (seq, hashes, facts) when the unit of work commits."""
    clean = None if detail is None else json.loads(json.dumps(detail, default=_json_default))
    ev = AuditEvent(action=action, user=user, terminal_code=terminal, entity=entity, entity_id=entity_id,
                    detail=clean, at=clock.now())
    s.add(ev)
    s.info.setdefault(_PENDING, []).append((s.get_nested_transaction(), ev))


def record_many(s: Session, events: list[dict[str, Any]]) -> None:
    """Many events at once, sealed now and bulk-inserted (the imports: one event per room of a
    100,000-room file). Each dict has action, user, terminal, entity, entity_id, detail; the
    events prove no facts beyond their detail."""
    from app.ids import new_ids

    if not events:
        return
    ids = new_ids(len(events))
    now = clock.now()
    by_chain: dict[str, list[AuditEvent]] = {}
    for e, eid in zip(events, ids):
        detail = e.get("detail")
        ev = AuditEvent(id=eid, at=now, user=e.get("user"), terminal_code=e.get("terminal"), action=e["action"],
                        entity=e.get("entity"), entity_id=e.get("entity_id"),
                        detail=None if detail is None else json.loads(json.dumps(detail, default=_json_default)))
        by_chain.setdefault(chain_of(ev.terminal_code), []).append(ev)
    rows = []
    for chain in sorted(by_chain):
        head = lock_head(s, chain)
        for ev in by_chain[chain]:
            append(s, head, ev)
            rows.append({c: getattr(ev, c) for c in ("id", "at", "user", "terminal_code", "action", "entity",
                                                      "entity_id", "detail", "chain", "seq", "prev_hash", "hash",
                                                      "facts")})
    s.flush()
    s.execute(AuditEvent.__table__.insert(), rows)


def chain_of(terminal: str | None) -> str:
    return terminal or NO_TERMINAL


def event_doc(ev: AuditEvent) -> dict:
    """What an event's hash covers: every column but the hash itself."""
    return {"v": 1, "id": ev.id, "chain": ev.chain, "seq": ev.seq, "prev": ev.prev_hash, "at": _value(ev.at),
            "user": ev.user, "terminal": ev.terminal_code, "action": ev.action, "entity": ev.entity,
            "entity_id": ev.entity_id, "detail": ev.detail, "facts": ev.facts}


def event_hash(ev: AuditEvent) -> str:
    return hashlib.sha256(((ev.prev_hash or "") + canonical(event_doc(ev))).encode("utf-8")).hexdigest()


def lock_head(s: Session, chain: str) -> AuditChainHead:
    """The chain's head row, created if new, locked until the transaction ends."""
    if s.get_bind().dialect.name == "postgresql":  # imported here: every CLI start imports this module
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = clock.now()
    s.execute(insert(AuditChainHead).values(chain=chain, seq=0, hash=GENESIS, started_at=now, updated_at=now)
              .on_conflict_do_nothing(index_elements=["chain"]))
    return s.scalars(select(AuditChainHead).where(AuditChainHead.chain == chain).with_for_update()
                     .execution_options(populate_existing=True)).one()


def append(s: Session, head: AuditChainHead, ev: AuditEvent) -> None:
    """Seal one event onto a locked head (the migration's backfill uses this too)."""
    if ev.id is None:
        from app.ids import new_id

        ev.id = new_id()
    ev.chain = head.chain
    ev.seq = head.seq + 1
    ev.prev_hash = head.hash
    ev.hash = event_hash(ev)
    head.seq, head.hash, head.updated_at = ev.seq, ev.hash, clock.now()


@event.listens_for(Session, "before_commit")
def _seal(s: Session) -> None:
    if s.in_nested_transaction():  # a savepoint's release: the outer commit seals
        return
    pending = s.info.pop(_PENDING, None)
    if not pending:
        return
    s.flush()  # the facts the events stand for are in the database now
    by_chain: dict[str, list[AuditEvent]] = {}
    for _, ev in pending:
        by_chain.setdefault(chain_of(ev.terminal_code), []).append(ev)
    # the payments' facts in a few bulk queries (a bill run's chunk deducts prepaid for many rooms)
    bulk = digests_many(s, [(ev.action, ev.entity, ev.entity_id) for _, ev in pending])
    for chain in sorted(by_chain):  # one order of head locks for every writer
        head = lock_head(s, chain)
        for ev in by_chain[chain]:
            ev.facts = bulk.get((ev.entity, ev.entity_id)) or facts_digest(s, ev.action, ev.entity, ev.entity_id)
            append(s, head, ev)
    s.flush()


def _within(txn: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while txn is not None:
        if txn is ended:
            return True
        txn = txn.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(s: Session, previous_transaction: SessionTransaction) -> None:
    pending = s.info.get(_PENDING)
    if not pending:
        return
    if not previous_transaction.nested:
        s.info.pop(_PENDING, None)
        return
    s.info[_PENDING] = [(t, ev) for t, ev in pending if not _within(t, previous_transaction)]


# --- verification -----------------------------------------------------------------------

def _bad(ev: AuditEvent | None, reason: str, **more: Any) -> dict:
    out = {"reason": reason, **more}
    if ev is not None:
        out.update({"chain": ev.chain, "seq": ev.seq, "id": ev.id, "action": ev.action,
                    "at": _value(ev.at), "entity": ev.entity, "entity_id": ev.entity_id})
    return out


def _walk(s: Session, chain: str, head: AuditChainHead | None) -> dict:
    prev, expect, count, first_bad = GENESIS, 1, 0, None
    last: AuditEvent | None = None
    after = 0
    while True:  # pages of events, each page's payment facts read in a few bulk queries
        page = s.scalars(select(AuditEvent).where(AuditEvent.chain == chain, AuditEvent.seq > after)
                         .order_by(AuditEvent.seq).limit(_PAGE)).all()
        if not page:
            break
        after = page[-1].seq
        bulk = digests_many(s, [(e.action, e.entity, e.entity_id) for e in page if e.facts is not None]) \
            if first_bad is None else {}
        for ev in page:
            count += 1
            if first_bad is None:
                if ev.seq != expect:
                    first_bad = _bad(ev, "event_removed" if ev.seq > expect else "event_inserted",
                                     expected_seq=expect)
                elif ev.prev_hash != prev:
                    first_bad = _bad(ev, "link_broken")
                elif ev.hash != event_hash(ev):
                    first_bad = _bad(ev, "event_edited")
                elif ev.facts is not None:
                    now = bulk.get((ev.entity, ev.entity_id)) or facts_digest(s, ev.action, ev.entity, ev.entity_id)
                    if now != ev.facts:
                        first_bad = _bad(ev, "facts_removed" if now == MISSING else "facts_changed")
            prev, expect, last = ev.hash, (ev.seq or 0) + 1, ev
        for ev in page[:-1]:  # a long chain does not pile up in the session
            s.expunge(ev)
    if first_bad is None:
        if head is None:
            first_bad = _bad(last, "head_missing")
        elif head.seq != (last.seq if last else 0) or head.hash != (last.hash if last else GENESIS):
            first_bad = _bad(last, "tail_removed" if head.seq > (last.seq if last else 0) else "head_behind",
                             chain=chain, head_seq=head.seq)
    return {"chain": chain, "events": count, "head_seq": head.seq if head else None, "ok": first_bad is None,
            "first_bad": first_bad}


def _unaudited(s: Session, heads: dict[str, AuditChainHead]) -> dict | None:
    """A payment or void of a chained terminal, made after its chain started, with no event."""
    if not heads:
        return None
    started = {code: h.started_at for code, h in heads.items()}
    pay_events = select(AuditEvent.id).where(AuditEvent.entity == "payment", AuditEvent.entity_id == Payment.id,
                                             AuditEvent.action.like("pay.%"))
    q = (select(Payment.id, Payment.created_at, Terminal.code).join(Terminal, Terminal.id == Payment.terminal_id)
         .where(Terminal.code.in_(list(started)), Payment.kind.in_(AUDITED_PAYMENT_KINDS), ~pay_events.exists())
         .order_by(Payment.created_at))
    for pid, created, code in s.execute(q):
        if created >= started[code]:
            return _bad(None, "payment_without_event", chain=code, payment_id=pid, at=_value(created))
    void_events = select(AuditEvent.id).where(AuditEvent.entity == "receipt", AuditEvent.action == "void",
                                              AuditEvent.entity_id == ReceiptVoid.receipt_id)
    q = (select(ReceiptVoid.receipt_id, ReceiptVoid.created_at, Terminal.code)
         .join(Receipt, Receipt.id == ReceiptVoid.receipt_id).join(Terminal, Terminal.id == Receipt.terminal_id)
         .where(Terminal.code.in_(list(started)), ~void_events.exists()).order_by(ReceiptVoid.created_at))
    for rid, created, code in s.execute(q):
        if created >= started[code]:
            return _bad(None, "void_without_event", chain=code, receipt_id=rid, at=_value(created))
    return None


def verify(s: Session) -> dict:
    """{"ok", "events", "first_bad", "chains": [...]} — see the module docstring."""
    heads = {h.chain: h for h in s.scalars(select(AuditChainHead))}
    chains = sorted(set(heads) | {c for c in s.scalars(select(AuditEvent.chain).distinct()) if c is not None})
    results = [_walk(s, c, heads.get(c)) for c in chains]
    first_bad = next((r["first_bad"] for r in results if r["first_bad"]), None)
    unsealed = s.scalar(select(AuditEvent).where(AuditEvent.chain.is_(None)).order_by(AuditEvent.at).limit(1))
    events = sum(r["events"] for r in results)
    if unsealed is not None:
        events += s.query(AuditEvent).filter(AuditEvent.chain.is_(None)).count()
        first_bad = first_bad or _bad(unsealed, "event_inserted")
    first_bad = first_bad or _unaudited(s, heads)
    return {"ok": first_bad is None, "events": events, "first_bad": first_bad, "chains": results}


def heads(s: Session) -> list[dict]:
    """Every chain's head: what sync pushes to central."""
    return [{"chain": h.chain, "seq": h.seq, "hash": h.hash}
            for h in s.scalars(select(AuditChainHead).order_by(AuditChainHead.chain))]


# --- trails for people ------------------------------------------------------------------

def _rows(events: list[AuditEvent]) -> list[dict]:
    return [{"at": e.at.isoformat(), "user": e.user, "terminal": e.terminal_code, "action": e.action,
             "entity": e.entity, "entity_id": e.entity_id, "detail": e.detail, "chain": e.chain, "seq": e.seq}
            for e in sorted(events, key=lambda e: (e.at, e.chain or "", e.seq or 0))]


def receipt_trail(s: Session, receipt_no: str) -> list[dict]:
    """Every event about a receipt and its payment, oldest first."""
    from app.errors import NotFound

    receipt = s.scalar(select(Receipt).where(Receipt.receipt_no == (receipt_no or "").strip()))
    if receipt is None:
        raise NotFound("audit.no_receipt", receipt=(receipt_no or "").strip())
    q = select(AuditEvent).where(
        ((AuditEvent.entity == "payment") & (AuditEvent.entity_id == receipt.payment_id))
        | ((AuditEvent.entity == "receipt") & (AuditEvent.entity_id == receipt.id)))
    return _rows(list(s.scalars(q)))


def room_trail(s: Session, room_key: str, limit: int = 500) -> list[dict]:
    """Every event about a room: its payments and their receipts, its bill lines' waivers
    and the room itself, oldest first (at most `limit`, the newest)."""
    from app.db.models import BillLine
    from app.services.rooms import resolve_room

    room = resolve_room(s, room_key)
    pays = select(Payment.id).where(Payment.room_id == room.id)
    receipts = select(Receipt.id).where(Receipt.payment_id.in_(pays))
    lines = select(BillLine.id).where(BillLine.room_id == room.id)
    q = (select(AuditEvent).where(
        ((AuditEvent.entity == "payment") & AuditEvent.entity_id.in_(pays))
        | ((AuditEvent.entity == "receipt") & AuditEvent.entity_id.in_(receipts))
        | ((AuditEvent.entity == "bill_line") & AuditEvent.entity_id.in_(lines))
        | ((AuditEvent.entity == "room") & (AuditEvent.entity_id == room.id)))
        .order_by(AuditEvent.at.desc()).limit(limit))
    return _rows(list(s.scalars(q)))
