"""Rows as columns: the join snapshot's wire shape (docs/sync.md "Snapshot paging").

A page is `{"columns": [name…], "rows": [[value…]…]}`. Values are what `app.sync_rows.encode`
gives (dates and times as ISO text, exact decimals as their text) except JSON columns, which
travel as their stored JSON text: central reads them as text and a counter writes them as
text, so a bill line's explanation is never parsed and re-serialised on either side (half a
million lines in a 10,000-room community). The same function (`JSONText`) made that text on
every database, so it is byte for byte what the counter would have written itself.

Why columns and not a dict per row: the names once per page instead of once per value (a
third of a bill line page was its keys), and the counter writes them with one `executemany`
of tuples through the driver, converting only the columns whose stored form differs from the
wire (dates and times), with the converters SQLAlchemy itself uses for that database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Column, Date, DateTime, String, Table, Text, type_coerce
from sqlalchemy.engine import Connection

from app.db.base import Base, DecimalText, JSONText, UTCDateTime

Encoder = Callable[[Any], Any]


def raw_select_columns(t: Table) -> list[Any]:
    """The table's columns for a SELECT that skips our TypeDecorators' result processing:
    JSON and decimals come back as their stored text, times as naive UTC."""
    out = []
    for c in t.c:
        if isinstance(c.type, (JSONText,)):
            out.append(type_coerce(c, Text()).label(c.name))
        elif isinstance(c.type, DecimalText):
            out.append(type_coerce(c, String()).label(c.name))
        elif isinstance(c.type, UTCDateTime):
            out.append(type_coerce(c, DateTime()).label(c.name))
        else:
            out.append(c)
    return out


def from_dicts(table: str | Table, rows: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """JSON-ready dict rows (app.sync_rows.dump_rows, a test's fixture) in the wire shape: JSON
    columns become their text, as central sends them. (A table this schema lacks passes as is.)"""
    t = table if isinstance(table, Table) else Base.metadata.tables.get(table)
    names: list[str] = []
    for r in rows:
        for k in r:
            if k not in names:
                names.append(k)
    json_cols = {n for n in names if t is not None and n in t.c and isinstance(t.c[n].type, JSONText)}
    dump = JSONText().process_bind_param
    out = []
    for r in rows:
        out.append([dump(r.get(n), None) if n in json_cols else r.get(n) for n in names])
    return names, out


class Writer:
    """Writes wire rows of one table with the driver's `executemany`: insert, and on a clash
    of primary key either replace the row (central's master data wins) or keep it (facts)."""

    def __init__(self, conn: Connection, t: Table, names: Sequence[str], *, replace: bool,
                 extra: dict[str, Any] | None = None) -> None:
        self.t = t
        dialect = conn.dialect
        self.conn = conn
        keep = [i for i, n in enumerate(names) if n in t.c]
        self.pick = keep
        cols = [t.c[names[i]] for i in keep]
        self.convert = [(j, conv) for j, c in enumerate(cols) if (conv := _storage_converter(c, dialect))]
        self.extra = extra or {}
        cols += [t.c[n] for n in self.extra]
        q = dialect.identifier_preparer.quote
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        pk = [c.name for c in t.primary_key.columns]
        updates = [c.name for c in cols if c.name not in pk]
        on_conflict = (f"DO UPDATE SET {', '.join(f'{q(n)} = excluded.{q(n)}' for n in updates)}"
                       if replace and updates else "DO NOTHING")
        self.sql = (f"INSERT INTO {q(t.name)} ({', '.join(q(c.name) for c in cols)}) "
                    f"VALUES ({', '.join(marker for _ in cols)}) "
                    f"ON CONFLICT ({', '.join(q(n) for n in pk)}) {on_conflict}")
        self.names = [c.name for c in cols]

    def stored(self, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
        """The rows as this database stores them (the columns it has, in `self.names` order).
        Wire rows whose columns are all this table's are converted in place (no copy of a
        20,000-row page)."""
        pick, extra = self.pick, list(self.extra.values())
        if not extra and len(pick) == len(rows[0] if rows else pick) and pick == list(range(len(pick))):
            out = rows if isinstance(rows, list) and all(type(r) is list for r in rows[:1]) else [list(r) for r in rows]
        else:
            out = [[r[i] for i in pick] + extra for r in rows]
        for j, conv in self.convert:
            seen: dict[Any, Any] = {}
            for r in out:
                v = r[j]
                if v is not None:
                    s = seen.get(v)
                    if s is None:
                        s = seen[v] = conv(v)
                    r[j] = s
        return out

    def write(self, stored: Sequence[Sequence[Any]]) -> int:
        if stored:
            cur = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                cur.executemany(self.sql, stored)
            finally:
                cur.close()
        return len(stored)


def _storage_converter(col: Column[Any], dialect: Any) -> Encoder | None:
    """Wire value → the value the driver stores, through the column type's own bind
    processor (so the stored form is exactly what an ORM insert would have written)."""
    typ = col.type
    if isinstance(typ, JSONText | DecimalText):
        return None  # stored text on the wire already
    proc = typ._cached_bind_processor(dialect)  # type: ignore[attr-defined]
    if isinstance(typ, UTCDateTime):
        if _iso_matches(proc):
            def fast(v: str) -> str:
                d = datetime.fromisoformat(v)
                if d.tzinfo is not None:
                    d = d.astimezone(timezone.utc).replace(tzinfo=None)
                return d.isoformat(" ", "microseconds")
            return fast

        def conv(v: str) -> Any:
            d = datetime.fromisoformat(v)
            if d.tzinfo is None:
                d = d.replace(tzinfo=timezone.utc)
            return proc(d) if proc else d.astimezone(timezone.utc).replace(tzinfo=None)
        return conv
    if isinstance(typ, Date):
        return (lambda v: proc(date.fromisoformat(v))) if proc else date.fromisoformat
    if isinstance(typ, DateTime):
        return (lambda v: proc(datetime.fromisoformat(v))) if proc else datetime.fromisoformat
    return proc


_PROBES = (datetime(2026, 1, 5, 3, 4, 5, 120000, tzinfo=timezone.utc), datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone.utc))


def _iso_matches(proc: Encoder | None) -> bool:
    """Whether this database stores a time as `isoformat(" ", "microseconds")` of the naive UTC
    value (SQLite's DATETIME text): then the wire text is converted with the C-level
    `isoformat` instead of the type's Python formatter. Checked on sample values, not assumed."""
    if proc is None:
        return False
    try:
        return all(proc(d) == d.replace(tzinfo=None).isoformat(" ", "microseconds") for d in _PROBES)
    except (TypeError, ValueError):
        return False
