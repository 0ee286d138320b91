"""app/sync_columns.Writer stores exactly what SQLAlchemy stores for the same values (SQLite
and PostgreSQL): times (with and without microseconds, any offset on the wire), dates, exact
decimals, JSON text, booleans, NULLs — so a joined counter's rows read back the same as rows
it wrote itself. And: replace vs keep on a primary-key clash."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, insert, select

from app.db.base import DecimalText, JSONText, UTCDateTime
import orjson

from app.sync_columns import Writer, from_dicts, raw_select_columns
from app.sync_rows import encode

CST = timezone(timedelta(hours=8))
VALUES = [
    {"id": "a", "at": datetime(2026, 1, 5, 3, 4, 5, 120000, tzinfo=timezone.utc), "day": date(2026, 2, 28),
     "qty": Decimal("12.50"), "doc": {"b": [1, "二"], "a": None}, "flag": True, "n": 7},
    {"id": "b", "at": datetime(2026, 1, 5, 11, 4, 5, tzinfo=CST), "day": None, "qty": Decimal("3"),
     "doc": ["x"], "flag": False, "n": None},
    {"id": "c", "at": None, "day": date(1999, 12, 31), "qty": None, "doc": None, "flag": None, "n": -1},
]


def wire(raw: list[tuple]) -> list[list]:  # type: ignore[type-arg]
    """Raw rows as central sends them (app/central/snapshot.py) and the counter parses them."""
    return orjson.loads(orjson.dumps(raw, option=orjson.OPT_NAIVE_UTC))


def _table(md: MetaData, name: str) -> Table:
    return Table(name, md, Column("id", String(36), primary_key=True), Column("at", UTCDateTime),
                 Column("day", Date), Column("qty", DecimalText), Column("doc", JSONText),
                 Column("flag", Boolean), Column("n", Integer))


def test_writer_stores_what_sqlalchemy_stores(any_ctx) -> None:  # type: ignore[no-untyped-def]
    md = MetaData()
    orm_t, wire_t = _table(md, "zz_by_sqlalchemy"), _table(md, "zz_by_writer")
    md.create_all(any_ctx.engine)
    try:
        with any_ctx.engine.begin() as conn:
            conn.execute(insert(orm_t), VALUES)
            # the wire: central's raw read, encoded; offsets other than UTC must be accepted too
            raw = [tuple(r) for r in conn.execute(select(*raw_select_columns(orm_t)).order_by(orm_t.c.id))]
            names = [c.name for c in orm_t.c]
            rows = wire(raw)
            rows[1][1] = "2026-01-05T11:04:05+08:00"
            w = Writer(conn, wire_t, names, replace=True)
            assert w.write(w.stored(rows)) == 3
            a = conn.exec_driver_sql("SELECT * FROM zz_by_sqlalchemy ORDER BY id").fetchall()
            b = conn.exec_driver_sql("SELECT * FROM zz_by_writer ORDER BY id").fetchall()
            assert a == b  # the driver's stored values, byte for byte on SQLite
            assert [dict(r._mapping) for r in conn.execute(select(wire_t).order_by(wire_t.c.id))] == \
                   [dict(r._mapping) for r in conn.execute(select(orm_t).order_by(orm_t.c.id))]
            # the same rows again: replaced (central's version wins) or kept (facts)
            changed = wire(raw)
            changed[0][6] = 99
            w.write(w.stored(changed))
            assert conn.execute(select(wire_t.c.n).where(wire_t.c.id == "a")).scalar() == 99
            keep = Writer(conn, wire_t, names, replace=False)
            changed = wire(raw)  # stored() converted the last in place
            changed[0][6] = 100
            keep.write(keep.stored(changed))
            assert conn.execute(select(wire_t.c.n).where(wire_t.c.id == "a")).scalar() == 99
    finally:
        md.drop_all(any_ctx.engine)


def test_dict_rows_become_the_same_columns_central_sends(any_ctx) -> None:  # type: ignore[no-untyped-def]
    """The fake central's rows (dicts, JSON as objects) in the wire shape equal central's own."""
    md = MetaData()
    t = _table(md, "zz_dicts")
    md.create_all(any_ctx.engine)
    try:
        with any_ctx.engine.begin() as conn:
            conn.execute(insert(t), VALUES)
            names = [c.name for c in t.c]
            raw = [tuple(r) for r in conn.execute(select(*raw_select_columns(t)).order_by(t.c.id))]
            dicts = [{k: encode(v) for k, v in r._mapping.items()} for r in conn.execute(select(t).order_by(t.c.id))]
        cols, rows = from_dicts(t, dicts)
        assert cols == names
        central = wire(raw)
        at = names.index("at")
        for mine, theirs in zip(rows, central):  # times: the same instant, "+00:00" or not
            if mine[at] is not None:
                assert datetime.fromisoformat(mine[at]) == datetime.fromisoformat(theirs[at])
            assert [v for i, v in enumerate(mine) if i != at] == [v for i, v in enumerate(theirs) if i != at]
    finally:
        md.drop_all(any_ctx.engine)
