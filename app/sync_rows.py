"""Rows as JSON and back: how central ships master data and bill lines to counters (pull and
join snapshots, docs/sync.md). A row is a dict of column name → JSON value; the column types
say how to encode (dates and times as ISO text, Decimal as text, JSON columns as they are) and
decode. Upserts are by primary key: master data is owned by central, so its version wins."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Table, select
from sqlalchemy.orm import Session

from app.db.base import Base, DecimalText, JSONText, UTCDateTime


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def decode(t: Table, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        col = t.c.get(name)
        if col is None:
            continue  # a column this schema no longer has: ignore rather than fail the pull
        if value is not None:
            if isinstance(col.type, UTCDateTime):
                value = datetime.fromisoformat(value)
            elif isinstance(col.type, Date):
                value = date.fromisoformat(value)
            elif isinstance(col.type, DecimalText):
                value = Decimal(value)
            elif isinstance(col.type, JSONText):
                pass
        out[name] = value
    return out


def dump_rows(s: Session, table_name: str, *where: Any) -> list[dict[str, Any]]:
    """Rows of a table (optionally filtered by column expressions) as JSON-ready dicts."""
    t = table(table_name)
    stmt = select(t)
    for w in where:
        stmt = stmt.where(w)
    return [{k: encode(v) for k, v in r._mapping.items()} for r in s.execute(stmt)]


def upsert_rows(s: Session, table_name: str, rows: list[dict[str, Any]], chunk: int = 1000) -> int:
    """Insert or replace rows by primary key (central's version wins), as one
    INSERT … ON CONFLICT DO UPDATE per chunk of rows (SQLite and PostgreSQL alike): a join
    snapshot of a 10,000-room community is hundreds of thousands of rows. Returns rows written."""
    if not rows:
        return 0
    t = table(table_name)
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the two databases PropDesk runs on
        raise NotImplementedError(dialect)
    pk = [c.name for c in t.primary_key.columns]
    decoded = [decode(t, r) for r in rows]
    # Rows of one statement must share their columns: group by the set of keys.
    by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for r in decoded:
        by_keys.setdefault(tuple(sorted(r)), []).append(r)
    for keys, group in by_keys.items():
        stmt = insert(t)
        updates = {k: stmt.excluded[k] for k in keys if k not in pk}
        stmt = stmt.on_conflict_do_update(index_elements=pk, set_=updates) if updates else \
            stmt.on_conflict_do_nothing(index_elements=pk)
        for i in range(0, len(group), chunk):
            s.execute(stmt, group[i:i + chunk])
    return len(decoded)
