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
from app.db.models import Community, SyncChange, SyncEvent, Terminal
from app.sync_rows import encode

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


def _check_community(s: Session, terminal: Terminal, community: str | None) -> str:
    """The community id of `community` (an id or a name, as hello lists them), if granted."""
    if not community:
        raise HttpError(400, "sync.bad_request", field="community")
    granted = list(terminal.communities or [])
    if community in granted:
        return community
    by_name = s.scalar(select(Community.id).where(Community.name == community))
    if by_name is None or by_name not in granted:
        raise HttpError(403, "sync.other_community", community=community[:40], terminal=terminal.code)
    return by_name


def snapshot_manifest(s: Session, terminal: Terminal, community: str | None) -> dict[str, Any]:
    """What a join fetches: `tables` in load order (with row counts in `parts`, for a progress
    bar) and `last`, the change_seq to pull from afterwards. `last` is read BEFORE any row, so
    whatever changes meanwhile is pulled again (upserts are idempotent); and it is moved back
    to just before the community's first event of the snapshot's months, so the pull replays
    other counters' payments with the appliers. `snapshot_last` is the top at the start."""
    c = _check_community(s, terminal, community)
    top = s.scalar(select(func.max(SyncChange.change_seq))) or 0
    last = top  # the snapshot carries the payment facts themselves: no events to replay
    parts = []
    for p in shipping.snapshot_parts(c):
        t = shipping.table_of(p.table)
        n = sum(s.scalar(select(func.count()).select_from(t).where(*where)) or 0 for where in _phase_filters(p))
        parts.append({"table": p.table, "rows": n})
    return {"community": c, "tables": [p["table"] for p in parts], "parts": parts, "last": last,
            "snapshot_last": top}


def _phase_filters(p: shipping.Part) -> list[tuple[Any, ...]]:
    """Each phase's row filter; a part paged by parent adds "its parent passes the parent's
    filter of that phase"."""
    if p.by_parent is None:
        return list(p.phases)
    par = p.by_parent
    return [(par.fk.in_(select(par.table.c.id).where(*pf)), *cf) for pf, cf in zip(par.phases, p.phases)]


def _key(phase: int, last_id: str) -> str:
    return last_id if phase == 0 else f"{phase}:{last_id}"


def _page_by_parent(s: Session, p: shipping.Part, base: Any, phase: int, key_after: str | None,
                    limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """Rows of whole parents, chunk after chunk, until the page holds `limit` rows or the
    part is done. The key is the last parent sent (phase-prefixed like the id keys)."""
    par = p.by_parent
    assert par is not None
    pid = par.table.c.id
    chunk = max(1, limit // max(1, par.rows_per_parent))
    t = shipping.table_of(p.table)
    rows: list[dict[str, Any]] = []
    while phase < len(p.phases):
        parents_q = select(pid).where(*par.phases[phase])
        if key_after:
            parents_q = parents_q.where(pid > key_after)
        parents = [r[0] for r in s.execute(parents_q.order_by(pid).limit(chunk))]
        if parents:
            stmt = base.where(par.fk.in_(parents), *p.phases[phase]).order_by(par.fk, t.c.id)
            rows += [{k: encode(v) for k, v in r._mapping.items()} for r in s.execute(stmt)]
        if len(parents) < chunk:  # this phase is done
            phase, key_after = phase + 1, None
            if rows and phase < len(p.phases):
                return rows, f"{phase}:"
            continue
        key_after = parents[-1]
        if len(rows) >= limit:
            return rows, _key(phase, key_after)
    return rows, None


def _split_key(after_key: str | None, phases: int) -> tuple[int, str | None]:
    if not after_key:
        return 0, None
    head, sep, rest = after_key.partition(":")
    if sep and head.isdigit() and 0 < int(head) < phases:
        return int(head), rest
    return 0, after_key


def snapshot_page(s: Session, terminal: Terminal, community: str | None, table: str | None,
                  after_key: str | None, limit: int) -> dict[str, Any]:
    c = _check_community(s, terminal, community)
    if table is None:
        return snapshot_manifest(s, terminal, c)
    found = [p for p in shipping.snapshot_parts(c) if p.table == table]
    if not found:
        raise HttpError(400, "sync.unknown_table", table=table[:40])
    p = found[0]
    t = shipping.table_of(p.table)
    phase, key_after = _split_key(after_key, len(p.phases))
    base = (select(t, Terminal.code.label("terminal_code")).join(Terminal, Terminal.id == t.c.terminal_id)
            if p.with_terminal else select(t))
    if p.by_parent is not None:
        got, next_key = _page_by_parent(s, p, base, phase, key_after, limit)
        return {"community": c, "table": p.table, "rows": got, "next_key": next_key, "next": next_key}
    rows: list[dict[str, Any]] = []
    next_key: str | None = None
    while phase < len(p.phases):
        stmt = base.where(*p.phases[phase])
        if key_after is not None:
            stmt = stmt.where(t.c.id > key_after)
        got = [{k: encode(v) for k, v in r._mapping.items()}
               for r in s.execute(stmt.order_by(t.c.id).limit(limit - len(rows) + 1))]
        room = limit - len(rows)
        rows += got[:room]
        if len(got) > room:  # this phase has more: continue after the last row sent
            last_id = rows[-1]["id"]
            next_key = last_id if phase == 0 else f"{phase}:{last_id}"
            break
        phase, key_after = phase + 1, None
        if len(rows) == limit and phase < len(p.phases):  # full page at a phase boundary
            next_key = f"{phase}:"
            break
    return {"community": c, "table": p.table, "rows": rows, "next_key": next_key, "next": next_key}


