"""Push: send the outbox to central in `device_seq` order, at most 500 events a batch, one
batch in flight (docs/sync.md "Push").

Each batch is read in a short transaction, sent with no transaction open (the counter keeps
taking payments meanwhile), and the reply is booked in another: rows with
`device_seq <= stored_seq` are deleted only then; a `rejected` or `conflict` event is kept,
marked with its reason, for review — and is not sent again, so it never blocks later events.
A row central did not confirm stays, with its attempt counted; a failure is written into
`last_error` of the batch's rows. A crash anywhere repeats the batch, which central answers
with `exists`: nothing is applied twice.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import SyncCursor, SyncOutbox
from app.messages import render
from app.errors import Msg
from app.services.sync.central_link import CentralLink
from app.services.sync.errors import CentralBadReply, CentralError, CentralRequestRejected

Uow = Callable[[], AbstractContextManager[Session]]
BATCH = 500
PUSHED_CURSOR = "pushed"
AUDIT_CURSOR = "audit_central"  # the audit chain seq central holds for this counter
STATUSES = ("created", "exists", "conflict", "rejected")


@dataclass
class PushOutcome:
    sent: int = 0
    confirmed: int = 0  # outbox rows deleted: central has them
    rejected: int = 0  # marked rejected/conflict in this batch
    stored_seq: int = 0


def _batch(s: Session, limit: int) -> list[dict[str, Any]]:
    rows = s.execute(select(SyncOutbox.device_seq, SyncOutbox.event_id, SyncOutbox.event_type, SyncOutbox.payload)
                     .where(SyncOutbox.rejected.is_(None)).order_by(SyncOutbox.device_seq).limit(limit)).all()
    return [{"event_id": r.event_id, "device_seq": int(r.device_seq), "event_type": r.event_type,
             "payload": r.payload} for r in rows]


def _reason_text(item: dict[str, Any]) -> str:
    """The reason kept on a refused row: central's words (Chinese and English when it sent
    both), else our own for a conflict."""
    if item["status"] == "conflict":
        return render(Msg.of("sync.conflict"), "zh")
    reason = item.get("reason")
    if isinstance(reason, dict):
        return " / ".join(str(reason[k]) for k in ("message", "message_en", "code") if reason.get(k))
    return str(reason or "rejected")


def _check_reply(reply: Any, sent: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    if not isinstance(reply, dict) or not isinstance(reply.get("results"), list) \
            or not isinstance(reply.get("stored_seq"), int) or isinstance(reply.get("stored_seq"), bool):
        raise CentralBadReply("sync.bad_reply", detail="push: results/stored_seq")
    ids = {e["event_id"] for e in sent}
    results = []
    for item in reply["results"]:
        if not isinstance(item, dict) or item.get("event_id") not in ids or item.get("status") not in STATUSES:
            raise CentralBadReply("sync.bad_reply", detail=f"push: result {str(item)[:80]}")
        results.append(item)
    return results, reply["stored_seq"]


def _error_text(e: CentralError) -> str:
    return e.text("en")


def record_failure(uow: Uow, seqs: list[int], e: CentralError) -> None:
    with uow() as s:
        s.execute(update(SyncOutbox).where(SyncOutbox.device_seq.in_(seqs))
                  .values(attempts=SyncOutbox.attempts + 1, last_error=_error_text(e)[:300]))


def book_reply(s: Session, sent: list[dict[str, Any]], results: list[dict[str, Any]], stored_seq: int) -> PushOutcome:
    """Apply central's answer to the outbox, in the caller's transaction."""
    out = PushOutcome(sent=len(sent), stored_seq=stored_seq)
    by_seq = {e["event_id"]: e["device_seq"] for e in sent}
    for item in results:
        if item["status"] in ("rejected", "conflict"):
            s.execute(update(SyncOutbox).where(SyncOutbox.event_id == item["event_id"])
                      .values(rejected=_reason_text(item)[:300], attempts=SyncOutbox.attempts + 1))
            out.rejected += 1
    res = s.execute(delete(SyncOutbox).where(SyncOutbox.device_seq <= stored_seq, SyncOutbox.rejected.is_(None)))
    out.confirmed = int(res.rowcount or 0)
    unconfirmed = [seq for seq in by_seq.values() if seq > stored_seq]
    if unconfirmed:
        s.execute(update(SyncOutbox).where(SyncOutbox.device_seq.in_(unconfirmed), SyncOutbox.rejected.is_(None))
                  .values(attempts=SyncOutbox.attempts + 1, last_error=f"not stored yet (central at {stored_seq})"))
    _advance_cursor(s, PUSHED_CURSOR, stored_seq)
    return out


def _advance_cursor(s: Session, name: str, value: int) -> None:
    """Raise a cursor to `value` (never lower it) and stamp the time of this contact."""
    row = s.get(SyncCursor, name, with_for_update=True)
    if row is None:
        s.add(SyncCursor(name=name, value=value, updated_at=utcnow()))
    else:
        row.value = max(int(row.value), value)
        row.updated_at = utcnow()


def push_batch(uow: Uow, link: CentralLink, terminal: str, limit: int = BATCH) -> PushOutcome | None:
    """Send one batch and book the answer. None when there is nothing to send."""
    with uow() as s:
        sent = _batch(s, limit)
    if not sent:
        return None
    with uow() as s:
        head = audit_head(s, terminal)
    seqs = [e["device_seq"] for e in sent]
    try:
        reply = link.push(terminal, sent, audit=head) if head else link.push(terminal, sent)
        results, stored_seq = _check_reply(reply, sent)
    except CentralError as e:
        record_failure(uow, seqs, e)
        raise
    with uow() as s:
        out = book_reply(s, sent, results, stored_seq)
        _book_audit(s, reply.get("audit"))
    if out.confirmed == 0 and out.rejected == 0:
        # Central answered but kept none of it (a gap before this batch, or a central that
        # lost data): sending it again right away would loop. Back off and report.
        e = CentralBadReply("sync.push_stalled", stored_seq=stored_seq, first=seqs[0])
        record_failure(uow, seqs, e)
        raise e
    return out


def audit_head(s: Session, terminal: str) -> dict[str, Any] | None:
    """This counter's audit chain head with the proof central checks it against: our hash at
    the seq central last said it holds (app/central/audit_heads.py)."""
    from app.db.models import AuditChainHead, AuditEvent
    from app.services.audit import GENESIS

    head = s.get(AuditChainHead, terminal)
    if head is None:
        return None
    cur = s.get(SyncCursor, AUDIT_CURSOR)
    proof_seq = int(cur.value) if cur else 0
    proof_hash = GENESIS if proof_seq == 0 else s.scalar(
        select(AuditEvent.hash).where(AuditEvent.chain == terminal, AuditEvent.seq == proof_seq))
    return {"chain": terminal, "seq": int(head.seq), "hash": head.hash, "proof_seq": proof_seq,
            "proof_hash": proof_hash or GENESIS}


def _book_audit(s: Session, answer: Any) -> None:
    """Remember the seq central holds (it is the proof of the next push). A refusal is
    central's to report (an exception case for the manager); the counter keeps pushing."""
    if isinstance(answer, dict) and isinstance(answer.get("seq"), int) and not isinstance(answer.get("seq"), bool):
        row = s.get(SyncCursor, AUDIT_CURSOR, with_for_update=True)
        if row is None:
            s.add(SyncCursor(name=AUDIT_CURSOR, value=answer["seq"], updated_at=utcnow()))
        else:
            row.value, row.updated_at = answer["seq"], utcnow()


def push_all(uow: Uow, link: CentralLink, terminal: str, limit: int = BATCH) -> int:
    """Push until the outbox holds nothing sendable; returns the rows central confirmed.
    A CentralError stops it (rows stay for the next round)."""
    pushed = 0
    while True:
        try:
            out = push_batch(uow, link, terminal, limit)
        except CentralRequestRejected as e:
            if e.status != 413 or limit == 1:
                raise
            limit = max(1, limit // 2)  # a batch of big payloads above central's body limit: halve it
            continue
        if out is None:
            return pushed
        pushed += out.confirmed


def counts(s: Session) -> tuple[int, int]:
    """(pending, rejected) rows of the outbox."""
    pending = s.scalar(select(func.count()).select_from(SyncOutbox).where(SyncOutbox.rejected.is_(None))) or 0
    rejected = s.scalar(select(func.count()).select_from(SyncOutbox).where(SyncOutbox.rejected.is_not(None))) or 0
    return int(pending), int(rejected)
