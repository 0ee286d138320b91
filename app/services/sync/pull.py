"""Pull: apply central's changes after this counter's `pull` cursor (docs/sync.md "Pull").

The batch is fetched with no transaction open, then applied and the cursor advanced in ONE
local transaction: a crash or an error mid-batch leaves rows and cursor as they were, and the
batch is fetched again. Rows are upserted by primary key (central's version wins) in
foreign-key order; events of OTHER terminals go through the same appliers central uses
(`app.sync_events.apply_event`); this counter's own events are skipped (it has them).

An event this database cannot apply (`EventRejected`: e.g. a room it does not have, or a
duplicate key: its rows are already here) must not stop the counter from ever pulling again:
it is undone (savepoint), recorded as an exception case `sync_pull_rejected` for the manager,
and the pull goes on. A duplicate of an event committed while `sync join` read the snapshot
is expected (the snapshot brought its rows) and skipped without a record.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.base import Base, utcnow
from app.db.models import ExceptionCase, SyncCursor
from app.sync_events import EventRejected, apply_event, apply_together
from app.sync_rows import upsert_rows
from app.services.sync import snapshot_facts
from app.services.sync.central_link import CentralLink
from app.services.sync.errors import CentralBadReply
from app.services.sync.standalone import PULL_CURSOR
from app.errors import InputError, Msg
from app.messages import render

Uow = Callable[[], AbstractContextManager[Session]]
BATCH = 500
# Central's change number when `sync join` finished reading the snapshot: events up to it may
# already be here as snapshot rows (see _apply_event).
OVERLAP_CURSOR = "pull_overlap"

_TABLE_ORDER = {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}


@dataclass
class PullOutcome:
    changes: int = 0  # changes applied (rows written + events applied)
    skipped: int = 0  # own events, stale changes
    rejected: int = 0  # events this database could not apply (recorded)
    last: int = 0
    more: bool = False


def cursor(s: Session) -> int | None:
    row = s.get(SyncCursor, PULL_CURSOR)
    return None if row is None else int(row.value)


def _check_reply(reply: Any) -> tuple[list[dict[str, Any]], int, bool]:
    if not isinstance(reply, dict) or not isinstance(reply.get("changes"), list) \
            or not isinstance(reply.get("last"), int) or not isinstance(reply.get("more"), bool):
        raise CentralBadReply("sync.bad_reply", detail="pull: changes/last/more")
    for ch in reply["changes"]:
        if not isinstance(ch, dict) or not isinstance(ch.get("seq"), int):
            raise CentralBadReply("sync.bad_reply", detail=f"pull: change {str(ch)[:80]}")
        if ch.get("kind") == "event":
            ev = ch.get("event")
            if not isinstance(ev, dict) or not {"event_id", "terminal", "event_type", "payload"} <= ev.keys():
                raise CentralBadReply("sync.bad_reply", detail=f"pull: event {str(ev)[:80]}")
        elif not isinstance(ch.get("rows"), dict):
            raise CentralBadReply("sync.bad_reply", detail=f"pull: rows of change {ch.get('seq')}")
    if reply["more"] and not reply["changes"]:
        raise CentralBadReply("sync.bad_reply", detail="pull: more without changes")
    return sorted(reply["changes"], key=lambda c: c["seq"]), reply["last"], reply["more"]


def apply_rows(s: Session, rows_by_table: dict[str, list[dict[str, Any]]]) -> int:
    """Upsert rows, parents before children. A table this schema does not have is skipped (a
    newer central); its rows come again after the upgrade with a fresh join. Counter facts
    (payments and what hangs on them, from a join snapshot) are facts: inserted when absent,
    never overwritten — this counter's own are the same rows already."""
    written = 0
    for name in sorted((n for n in rows_by_table if n in _TABLE_ORDER), key=_TABLE_ORDER.__getitem__):
        rows = rows_by_table[name]
        if name in snapshot_facts.FACT_TABLES:
            written += snapshot_facts.insert_facts(s, name, rows)
        else:
            written += upsert_rows(s, name, rows)
    return written


def _record(s: Session, ev: dict[str, Any], code: str, zh: str, en: str) -> None:
    s.add(ExceptionCase(kind="sync_pull_rejected", ref_type="event", ref_id=str(ev["event_id"])[:36],
                        detail={"event_type": ev["event_type"], "terminal": ev["terminal"],
                                "device_seq": ev.get("device_seq"), "code": code, "reason": zh, "reason_en": en}))


def _apply_event(s: Session, ev: dict[str, Any], seq: int, overlap: int, out: PullOutcome) -> None:
    try:
        with s.begin_nested():  # flushed on leaving: a duplicate key shows here, inside the savepoint
            apply_event(s, ev["event_type"], ev["payload"], origin_terminal=ev["terminal"])
    except (EventRejected, IntegrityError) as e:
        # The appliers turn a unique-key clash into EventRejected("sync.ids_clash"); a test
        # applier may still let the IntegrityError through. Either way the rows are here already.
        clash = isinstance(e, IntegrityError) or e.code == "sync.ids_clash"
        if clash and seq <= overlap:
            # committed at central while `sync join` read the snapshot: its rows came with the
            # snapshot already. Nothing to do.
            out.skipped += 1
            return
        if isinstance(e, EventRejected):
            _record(s, ev, e.code, e.text("zh"), e.text("en"))
        else:
            detail = str(e.orig)[:200] if e.orig is not None else type(e).__name__
            msg = Msg.of("sync.pull_duplicate", detail=detail)
            _record(s, ev, msg.code, render(msg, "zh"), render(msg, "en"))
        out.rejected += 1
        return
    out.changes += 1


def _apply_run(s: Session, run: list[dict[str, Any]], overlap: int, out: PullOutcome) -> None:
    """Events of one other terminal and type, in order: together where their type has a
    many-applier (another counter's shift of payments: a handful of statements instead of
    twenty per payment — twenty counters pulling each other's 10,000 payments one by one took
    minutes of CPU each), the rest — and everything, if the many-applier fails — one by one."""
    if not run:
        return
    rest = list(range(len(run)))
    if len(run) > 1:
        try:
            with s.begin_nested():
                rest = apply_together(s, [(ch["event"]["event_type"], ch["event"]["payload"]) for ch in run],
                                      origin_terminal=run[0]["event"]["terminal"])
        except (EventRejected, IntegrityError, KeyError, TypeError, ValueError, LookupError):
            rest = list(range(len(run)))
    out.changes += len(run) - len(rest)
    for k in rest:
        _apply_event(s, run[k]["event"], run[k]["seq"], overlap, out)


def apply_batch(s: Session, terminal: str, after: int, changes: list[dict[str, Any]], last: int,
                out: PullOutcome) -> bool:
    """Apply changes and move the cursor, in the caller's transaction. False (nothing done)
    when the cursor is no longer at `after` — another puller got there first."""
    row = s.get(SyncCursor, PULL_CURSOR, with_for_update=True)
    if row is None:
        raise InputError("sync.not_joined")
    if int(row.value) != after:
        return False
    overlap_row = s.get(SyncCursor, OVERLAP_CURSOR)
    overlap = int(overlap_row.value) if overlap_row is not None else 0
    run: list[dict[str, Any]] = []  # consecutive events of one other terminal and type
    for ch in changes:
        if ch["seq"] <= after:
            out.skipped += 1
            continue
        if ch.get("kind") == "event":
            ev = ch["event"]
            if ev["terminal"] == terminal:
                out.skipped += 1
            else:
                if run and (run[-1]["event"]["terminal"], run[-1]["event"]["event_type"]) != (ev["terminal"],
                                                                                         ev["event_type"]):
                    _apply_run(s, run, overlap, out)
                    run = []
                run.append(ch)
        else:
            _apply_run(s, run, overlap, out)
            run = []
            out.changes += apply_rows(s, ch["rows"])
    _apply_run(s, run, overlap, out)
    top = max([last, after, *(c["seq"] for c in changes)])
    row.value = top
    row.updated_at = utcnow()
    out.last = top
    return True


def pull_batch(uow: Uow, link: CentralLink, terminal: str, limit: int = BATCH) -> PullOutcome:
    with uow() as s:
        after = cursor(s)
    if after is None:
        raise InputError("sync.not_joined")
    changes, last, more = _check_reply(link.pull(after, limit))
    out = PullOutcome(more=more)
    with uow() as s:
        if not apply_batch(s, terminal, after, changes, last, out):
            out.more = True  # someone else moved the cursor: read again from there
    return out


def pull_all(uow: Uow, link: CentralLink, terminal: str, limit: int = BATCH) -> int:
    """Pull until central says there is no more; returns changes applied."""
    total = 0
    while True:
        out = pull_batch(uow, link, terminal, limit)
        total += out.changes
        if not out.more:
            return total
