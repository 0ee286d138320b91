"""Central keeps each counter's audit chain head, so a counter cannot rewrite its own past.

With every push a counter sends its chain head and a proof (docs/security.md):

    "audit": {"chain": "T1", "seq": n, "hash": h_n, "proof_seq": S, "proof_hash": h_S}

S is the seq central last told it it holds, h_S the counter's hash at S *now*. Central
accepts when the proof matches what it holds (the counter's chain still contains central's
head at the same place) and n >= S, then keeps (n, h_n). When the counter's S is not
central's (a lost reply) nothing changes and the reply tells the counter central's seq, for
the next push. When it is central's S but the hash differs — or the head went backwards —
the counter's past was rewritten: refused, and an exception case for the manager (once per
stored head). The events of the push are stored either way: money facts must still arrive.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import CentralAuditHead, ExceptionCase, Terminal

_HASH = re.compile(r"[0-9a-f]{64}")
GENESIS = "0" * 64
KIND = "audit_rewritten"


def _valid(doc: Any, terminal: Terminal) -> dict[str, Any] | None:
    from app.central.errors import HttpError

    if doc is None:
        return None
    ok = (isinstance(doc, dict) and doc.get("chain") == terminal.code
          and all(isinstance(doc.get(k), int) and not isinstance(doc.get(k), bool) and 0 <= doc[k] < 2**63
                  for k in ("seq", "proof_seq"))
          and all(isinstance(doc.get(k), str) and _HASH.fullmatch(doc[k]) for k in ("hash", "proof_hash")))
    if not ok:
        raise HttpError(400, "sync.bad_request", field="audit")
    return doc


def receive(s: Session, terminal: Terminal, doc: Any) -> dict[str, Any] | None:
    """{"seq": what central holds, "status": "ok" | "stale" | "refused"}; None when no head came."""
    head = _valid(doc, terminal)
    if head is None:
        return None
    row = s.scalar(select(CentralAuditHead).where(CentralAuditHead.terminal == terminal.code).with_for_update())
    held_seq, held_hash = (row.seq, row.hash) if row else (0, GENESIS)
    if head["proof_seq"] != held_seq:
        if head["seq"] < held_seq:
            return _refuse(s, terminal, row, head, held_seq)
        return {"seq": held_seq, "status": "stale"}
    if head["proof_hash"] != held_hash or head["seq"] < held_seq or (head["seq"] == held_seq
                                                                      and head["hash"] != held_hash):
        return _refuse(s, terminal, row, head, held_seq)
    if row is None:
        s.add(CentralAuditHead(terminal=terminal.code, seq=head["seq"], hash=head["hash"], updated_at=utcnow()))
    else:
        row.seq, row.hash, row.updated_at = head["seq"], head["hash"], utcnow()
    return {"seq": head["seq"], "status": "ok"}


def _refuse(s: Session, terminal: Terminal, row: CentralAuditHead | None, head: dict[str, Any],
            held_seq: int) -> dict[str, Any]:
    ref = f"{terminal.code}:{held_seq}"
    if not s.scalar(select(ExceptionCase.id).where(ExceptionCase.kind == KIND, ExceptionCase.ref_id == ref)):
        s.add(ExceptionCase(kind=KIND, ref_type="audit_head", ref_id=ref,
                            detail={"terminal": terminal.code, "central_seq": held_seq,
                                    "central_hash": row.hash if row else GENESIS, "seq": head["seq"],
                                    "hash": head["hash"], "proof_seq": head["proof_seq"],
                                    "proof_hash": head["proof_hash"],
                                    "message_code": "audit.head_not_extending"}))
    return {"seq": held_seq, "status": "refused"}
