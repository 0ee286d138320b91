"""`GET /v1/pull?after=N&limit=M` and `GET /v1/snapshot` (docs/sync.md "Pull", "Join").

A pull reads sync_change rows after N of the terminal's communities (and the company-wide
ones, community NULL) in change_seq order and materialises each: an event as the event, a
master/bill_run/correction change as rows (app/central/shipping.py). Within one reply a table
of a community shipped by several master changes is shipped once, at the last of them (rows
are current state, upserted by primary key). `last` is the highest change_seq looked at,
shipped or skipped (the terminal's own events are skipped: it has them), so the counter's
cursor never re-reads a skipped page.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.central import shipping
from app.central.errors import HttpError
from app.db.models import SyncChange, SyncEvent, Terminal
from app.sync_rows import dump_rows, encode

MAX_PULL = 1000
MAX_SNAPSHOT_PAGE = 5000


def _event_doc(e: SyncEvent) -> dict[str, Any]:
    return {"event_id": e.event_id, "terminal": e.terminal_code, "device_seq": e.device_seq,
            "event_type": e.event_type, "payload": e.payload, "server_seq": e.server_seq}


def _sharers(s: Session, granted: set[str]) -> set[str]:
    """Codes of terminals sharing a community with these grants (for events without one)."""
    out = set()
    for code, comms in s.execute(select(Terminal.code, Terminal.communities)):
        if granted & set(comms or []):
            out.add(code)
    return out


def pull(s: Session, terminal: Terminal, after: int, limit: int) -> dict[str, Any]:
    granted = list(terminal.communities or [])
    # The top first, then the rows up to it: every change <= top is committed already (commit
    # order = seq order), so jumping the cursor to `top` skips only other communities' rows.
    # (Reading the top after the rows could jump over a row committed in between.)
    top = s.scalar(select(func.max(SyncChange.change_seq))) or 0
    rows = list(s.scalars(select(SyncChange).where(SyncChange.change_seq > after, SyncChange.change_seq <= top,
                                                   or_(SyncChange.community_id.in_(granted),
                                                       SyncChange.community_id.is_(None)))
                          .order_by(SyncChange.change_seq).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].change_seq if more else max(top, after)
    # a (community, table) shipped once per reply, at its last master change
    last_master: dict[tuple[str | None, str], int] = {}
    for r in rows:
        if r.kind == "master":
            for t in r.ref.get("tables", []):
                last_master[(r.community_id, t)] = r.change_seq
    sharers: set[str] | None = None
    wanted = [r.ref["server_seq"] for r in rows if r.kind == "event" and r.ref.get("terminal") != terminal.code]
    events = {e.server_seq: e for e in s.scalars(select(SyncEvent).where(SyncEvent.server_seq.in_(wanted)))} \
        if wanted else {}
    changes: list[dict[str, Any]] = []
    for r in rows:
        doc: dict[str, Any] = {"seq": r.change_seq, "kind": r.kind, "community": r.community_id}
        if r.kind == "event":
            if r.ref.get("terminal") == terminal.code:
                continue
            if r.community_id is None:
                sharers = sharers if sharers is not None else _sharers(s, set(granted))
                if r.ref.get("terminal") not in sharers:
                    continue
            e = events.get(r.ref["server_seq"])
            if e is None or e.status != "applied":
                continue
            doc["event"] = _event_doc(e)
        else:
            cids = [r.community_id] if r.community_id else granted
            merged: dict[str, list[dict[str, Any]]] = {}
            for c in cids:
                if r.kind == "master":
                    tables = [t for t in r.ref.get("tables", []) if last_master.get((r.community_id, t)) == r.change_seq]
                    part = shipping.master_rows(s, c, tables)
                elif r.kind == "bill_run":
                    part = shipping.bill_run_rows(s, c, r.ref["bill_run_id"])
                else:
                    part = shipping.correction_rows(s, c, list(r.ref.get("bill_line_ids", [])))
                for t, trows in part.items():
                    merged.setdefault(t, []).extend(trows)
            if not any(merged.values()):
                continue
            doc["rows"] = merged
            doc["ref"] = r.ref
        changes.append(doc)
    return {"changes": changes, "last": last, "more": more}


def _check_community(terminal: Terminal, community: str | None) -> str:
    if not community:
        raise HttpError(400, "sync.bad_request", field="community")
    if community not in (terminal.communities or []):
        raise HttpError(403, "sync.other_community", community=community[:40], terminal=terminal.code)
    return community


def snapshot_manifest(s: Session, terminal: Terminal, community: str | None) -> dict[str, Any]:
    """What a join fetches, in order, and `last`: the change_seq to pull from afterwards
    (read BEFORE the rows, so whatever changes meanwhile is pulled again, idempotently)."""
    c = _check_community(terminal, community)
    last = s.scalar(select(func.max(SyncChange.change_seq))) or 0
    parts = []
    for p in shipping.snapshot_parts(c):
        t = shipping.table_of(p.table)
        n = s.scalar(select(func.count()).select_from(t).where(*p.where))
        parts.append({"part": p.name, "table": p.table, "rows": n})
    n_events = s.scalar(select(func.count()).select_from(SyncEvent).where(*_events_where(s, terminal, c)))
    parts.append({"part": "events", "table": None, "rows": n_events})
    return {"community": c, "parts": parts, "last": last}


def _events_where(s: Session, terminal: Terminal, c: str) -> list[Any]:
    """The community's applied events from other terminals (a joining counter's own events
    are already in its database)."""
    return [SyncEvent.status == "applied", SyncEvent.terminal_code != terminal.code, SyncEvent.community_id == c]


def snapshot_page(s: Session, terminal: Terminal, community: str | None, part: str | None,
                  after_key: str | None, limit: int) -> dict[str, Any]:
    c = _check_community(terminal, community)
    if part is None:
        return snapshot_manifest(s, terminal, c)
    if part == "events":
        after = int(after_key) if after_key else 0
        q = (select(SyncEvent).where(*_events_where(s, terminal, c), SyncEvent.server_seq > after)
             .order_by(SyncEvent.server_seq).limit(limit + 1))
        evs = list(s.scalars(q))
        more = len(evs) > limit
        evs = evs[:limit]
        return {"community": c, "part": "events", "table": None, "events": [_event_doc(e) for e in evs],
                "next_key": str(evs[-1].server_seq) if more else None}
    found = [p for p in shipping.snapshot_parts(c) if p.name == part]
    if not found:
        raise HttpError(400, "sync.unknown_table", table=part[:40])
    p = found[0]
    t = shipping.table_of(p.table)
    key = t.c[p.key]
    stmt = select(t).where(*p.where)
    if after_key:
        stmt = stmt.where(key > after_key)
    rows = [{k: encode(v) for k, v in r._mapping.items()}
            for r in s.execute(stmt.order_by(key).limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    return {"community": c, "part": p.name, "table": p.table, "rows": rows,
            "next_key": rows[-1][p.key] if more else None}


__all__ = ["pull", "snapshot_page", "snapshot_manifest", "dump_rows"]
