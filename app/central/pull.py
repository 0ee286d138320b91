"""`GET /v1/pull?after=N&limit=M` and `GET /v1/snapshot` (docs/sync.md "Pull", "Join").

(The join snapshot is app/central/snapshot.py.) A pull reads sync_change rows after N of the terminal's communities (and the company-wide
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
from app.db.models import SyncChange, SyncEvent, Terminal

MAX_PULL = 1000


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
    """One reply; never `more` with no changes (a page made only of the terminal's own events
    is passed over here, so a client cannot loop on empty pages)."""
    # The top first, then the rows up to it: every change <= top is committed already (commit
    # order = seq order), so jumping the cursor to `top` skips only other communities' rows.
    # (Reading the top after the rows could jump over a row committed in between.)
    top = s.scalar(select(func.max(SyncChange.change_seq))) or 0
    while True:
        reply = _pull_page(s, terminal, after, limit, top)
        if reply["changes"] or not reply["more"]:
            return reply
        after = reply["last"]


def _pull_page(s: Session, terminal: Terminal, after: int, limit: int, top: int) -> dict[str, Any]:
    granted = list(terminal.communities or [])
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
                    part = shipping.bill_run_rows(s, c, r.ref["bill_run_id"], r.ref.get("period"))
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
