"""`GET /v1/snapshot`: what a joining counter fetches (docs/sync.md "Join", "Snapshot paging").

The manifest lists the tables in load order; each table then comes in keyset pages in the
column shape of app/sync_columns.py. Rows are read with the driver's own types (no
TypeDecorator processing: JSON and decimals stay text) and serialised by orjson, because a
10,000-room community is about 1.4 million rows and per-value Python work on central was most
of a join's time.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from app.central import shipping
from app.central.errors import HttpError
from app.db.models import Community, SyncChange, Terminal
from app.db.engine import fetch_raw
from app.sync_columns import raw_select_columns

MAX_SNAPSHOT_PAGE = 20000
# Master tables are small (a few per room): the manifest counts them for the progress bar.
# The facts and bills are not counted — counting them took minutes on a 10,000-room
# community (every filter evaluated once more, for a number that only feeds a progress bar).
_COUNTED = frozenset(shipping.MASTER_TABLES) | {"bill_run"}


def check_community(s: Session, terminal: Terminal, community: str | None) -> str:
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


def manifest(s: Session, terminal: Terminal, community: str | None) -> dict[str, Any]:
    """What a join fetches: `tables` in load order, `parts` (rows: a count for master tables,
    null where not counted) and `last`, the change_seq to pull from afterwards, read BEFORE
    any row: whatever changes meanwhile is pulled again (upserts are idempotent). The snapshot
    carries the payment facts themselves, so no earlier event is replayed."""
    c = check_community(s, terminal, community)
    top = s.scalar(select(func.max(SyncChange.change_seq))) or 0
    parts = []
    for p in shipping.snapshot_parts(c):
        n = None
        if p.table in _COUNTED:
            t = shipping.table_of(p.table)
            n = sum(s.scalar(select(func.count()).select_from(t).where(*where)) or 0 for where in p.phases)
        parts.append({"table": p.table, "rows": n})
    return {"community": c, "tables": [p["table"] for p in parts], "parts": parts, "last": top,
            "snapshot_last": top}


def _key(phase: int, last_id: str) -> str:
    return last_id if phase == 0 else f"{phase}:{last_id}"


def _split_key(after_key: str | None, phases: int) -> tuple[int, str | None]:
    if not after_key:
        return 0, None
    head, sep, rest = after_key.partition(":")
    if sep and head.isdigit() and 0 < int(head) < phases:
        return int(head), rest
    return 0, after_key


class _Reader:
    """Raw rows of one part. On PostgreSQL straight from the driver's cursor (no SQLAlchemy
    row processing: JSON and decimals come back as their stored text, times as naive UTC);
    elsewhere (a test central on SQLite) through SQLAlchemy with the same raw column types,
    so both give the same Python values (tests/integration/test_snapshot_columns.py). The page
    is then serialised by orjson in one call.

    (Tried first: PostgreSQL writing the page's JSON itself with json_build_array/json_agg.
    Its JSON functions took 0.21 s for 20,800 bill lines where the driver's fetch and orjson
    took ~0.10 s — the database did more work, not less.)"""

    def __init__(self, s: Session, p: shipping.Part) -> None:
        t = shipping.table_of(p.table)
        self.t = t
        cols = raw_select_columns(t)
        if p.with_terminal:
            self.base = (select(*cols, Terminal.code.label("terminal_code")).select_from(t)
                         .join(Terminal, Terminal.id == t.c.terminal_id))
        else:
            self.base = select(*cols).select_from(t)
        self.names = [c.name for c in t.c] + (["terminal_code"] if p.with_terminal else [])
        self.id_at = self.names.index("id")
        self.raw = s.get_bind().dialect.name == "postgresql"

    def rows(self, s: Session, stmt: Any) -> list[tuple[Any, ...]]:
        if self.raw:
            return fetch_raw(s.connection(), stmt)
        return [tuple(r) for r in s.execute(stmt)]


def _by_parent(s: Session, p: shipping.Part, rd: _Reader, phase: int, key_after: str | None,
               limit: int) -> tuple[list[tuple[Any, ...]], str | None]:
    """Rows of whole parents, chunk after chunk, until the page holds `limit` rows or the
    part is done. The key is the last parent sent (phase-prefixed like the id keys). Paging
    such a table by its own id made the database re-filter the whole table for every page."""
    par = p.by_parent
    assert par is not None
    pid = par.table.c.id
    chunk = max(1, limit // max(1, par.rows_per_parent))
    rows: list[tuple[Any, ...]] = []
    while phase < len(p.phases):
        parents_q = select(pid).where(*par.phases[phase])
        if key_after:
            parents_q = parents_q.where(pid > key_after)
        parents = [r[0] for r in s.execute(parents_q.order_by(pid).limit(chunk))]
        if parents:
            rows += rd.rows(s, rd.base.where(par.fk.in_(parents), *p.phases[phase]).order_by(par.fk, rd.t.c.id))
        if len(parents) < chunk:  # this phase is done
            phase, key_after = phase + 1, None
            if rows and phase < len(p.phases):
                return rows, f"{phase}:"
            continue
        key_after = parents[-1]
        if len(rows) >= limit:
            return rows, _key(phase, key_after)
    return rows, None


def _by_id(s: Session, p: shipping.Part, rd: _Reader, phase: int, key_after: str | None,
           limit: int) -> tuple[list[tuple[Any, ...]], str | None]:
    rows: list[tuple[Any, ...]] = []
    while phase < len(p.phases):
        stmt = rd.base.where(*p.phases[phase])
        if key_after is not None:
            stmt = stmt.where(rd.t.c.id > key_after)
        got = rd.rows(s, stmt.order_by(rd.t.c.id).limit(limit - len(rows) + 1))
        room = limit - len(rows)
        rows += got[:room]
        if len(got) > room:  # this phase has more: continue after the last row sent
            return rows, _key(phase, rows[-1][rd.id_at])
        phase, key_after = phase + 1, None
        if len(rows) == limit and phase < len(p.phases):  # full page at a phase boundary
            return rows, f"{phase}:"
    return rows, None


def page_json(s: Session, terminal: Terminal, community: str | None, table: str | None,
              after_key: str | None, limit: int) -> bytes:
    """The reply's JSON (UTF-8): the manifest (no `table`), or one page of `table` after
    `after_key`: {"community", "table", "columns", "rows", "next_key", "next"} (`next` =
    `next_key`, null on the last page)."""
    c = check_community(s, terminal, community)
    if table is None:
        return orjson.dumps(manifest(s, terminal, c))
    found = [p for p in shipping.snapshot_parts(c) if p.table == table]
    if not found:
        raise HttpError(400, "sync.unknown_table", table=table[:40])
    p = found[0]
    rd = _Reader(s, p)
    if rd.raw:
        # This transaction only: no JIT (compiling each page's plan cost more than it saved)
        # and room for a page's sort in memory (4 MB made bill lines sort on disk).
        s.execute(sql("SET LOCAL jit = off"))
        s.execute(sql("SET LOCAL work_mem = '64MB'"))
    phase, key_after = _split_key(after_key, len(p.phases))
    fetch = _by_parent if p.by_parent is not None else _by_id
    rows, next_key = fetch(s, p, rd, phase, key_after, limit)
    # Naive times are UTC (UTCDateTime stores them so): "+00:00" is written out.
    return orjson.dumps({"community": c, "table": p.table, "columns": rd.names, "rows": rows,
                         "next_key": next_key, "next": next_key}, option=orjson.OPT_NAIVE_UTC)


def page(s: Session, terminal: Terminal, community: str | None, table: str | None,
         after_key: str | None, limit: int) -> dict[str, Any]:
    """`page_json` as a document (in-process callers and tests)."""
    doc: dict[str, Any] = orjson.loads(page_json(s, terminal, community, table, after_key, limit))
    return doc
