"""The central change sequence (`sync_change`, docs/sync.md "Pull").

Central services call `record_change(s, community_id, kind, ref)` anywhere inside their unit
of work; the rows are written by a `before_commit` hook, after the work is flushed and just
before COMMIT, under `LOCK TABLE sync_change IN EXCLUSIVE MODE` on PostgreSQL. The lock
serialises the writers of the sequence from the moment they take a number until they commit,
so change_seq order is commit order: a pull that has seen change N can never later find a
change < N committed after it looked (with plain BIGSERIAL, transaction A could take 7, B take
8 and commit first; a reader at that moment would advance past 7 and lose it). EXCLUSIVE mode
still lets readers SELECT. The lock is held only for the insert and the commit itself.
SQLite needs no lock: its writers are serialised by BEGIN IMMEDIATE already.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, text
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import SyncChange

KINDS = ("event", "master", "bill_run", "correction")
# The tables an import of each kind may change (readings stay at central: bills carry them).
IMPORT_TABLES = {"rooms": ["community", "building", "room", "party", "occupancy", "vehicle", "bank_mandate",
                           "ledger_account"],
                 "meters": ["meter"], "fee-items": ["fee_item", "tariff_version", "ledger_account"]}
_PENDING = "central_changes"


def record_change(s: Session, community_id: str | None, kind: str, ref: dict[str, Any]) -> None:
    """Queue one change for counters; it is appended to sync_change when `s` commits (and
    dropped if it rolls back). `community_id` None: a change every community needs (users)."""
    if kind not in KINDS:
        raise ValueError(f"unknown change kind {kind!r}")
    s.info.setdefault(_PENDING, []).append({"community_id": community_id, "kind": kind, "ref": ref})


def record_import(s: Session, kind: str, counts: dict[str, Any]) -> dict[str, Any]:
    """An import of `kind` (rooms, meters, fee-items) that created or updated rows in this
    transaction: counters of every community pull the tables it may have changed. Returns
    `counts` (the import's result) unchanged."""
    tables = IMPORT_TABLES.get(kind)
    if tables and (counts.get("created") or counts.get("updated")):
        record_change(s, None, "master", {"tables": tables, "import": kind})
    return counts


def lock_changes(s: Session) -> None:
    """Take the sequence lock now (PostgreSQL); held until the transaction ends."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("LOCK TABLE sync_change IN EXCLUSIVE MODE"))


@event.listens_for(Session, "before_commit")
def _append_pending(s: Session) -> None:
    pending = s.info.pop(_PENDING, None)
    if not pending:
        return
    s.flush()  # the work first: the lock is taken as late as possible
    lock_changes(s)
    now = utcnow()
    s.execute(insert(SyncChange), [{**p, "created_at": now} for p in pending])


@event.listens_for(Session, "after_rollback")
def _drop_pending(s: Session) -> None:
    s.info.pop(_PENDING, None)
