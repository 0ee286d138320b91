"""The join snapshot in the column shape (app/sync_columns.py, app/central/snapshot.py,
app/services/sync/snapshot_load.py): pages read raw from PostgreSQL's driver equal pages read
through SQLAlchemy's result processing, a counter joined from a demo central holds exactly central's rows (SQLite
and PostgreSQL counters), the bulk connection's settings are put back, and a page whose rows
point at rows the snapshot lacks fails the join without joining."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select, text

from app.central import pull as central_pull
from app.central import snapshot as snapshots
from app.central import shipping
from app.central.terminals import add_terminal
from app.context import AppContext
from app.db.models import Community, Terminal
from app.demo.build import build_demo
from app.services import users
from app.services.sync import join as join_service
from app.services.sync.errors import CentralBadReply
from app.services.sync.standalone import is_joined
from app.sync_rows import dump_rows
from drivers.central.fake import FakeCentral

ROOMS = 24


@pytest.fixture(scope="module")
def demo_central(pg) -> Any:  # type: ignore[no-untyped-def]
    """A PostgreSQL central holding the demo company (12 billed months, payments, voids,
    deposits, refunds) and terminal K1 for its community."""
    url = pg.create_database("snapshot_columns_central")
    ctx = AppContext.open(url)
    with ctx.uow() as s:
        users.ensure_user(s, "admin", "admin", "管理员", password="admin")
        users.ensure_terminal(s, "HQ")
    build_demo(ctx, ROOMS, seed=3, today=date(2026, 11, 20))
    with ctx.uow() as s:
        name = s.scalar(select(Community.name).order_by(Community.name))
        add_terminal(s, "K1", [name])
    yield ctx, name
    ctx.close()


def _all_pages(ctx: AppContext, name: str, table: str, size: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    key = None
    with ctx.uow() as s:
        t = s.scalar(select(Terminal).where(Terminal.code == "K1"))
        while True:
            page = snapshots.page(s, t, name, table, key, size)
            rows += [dict(zip(page["columns"], r)) for r in page["rows"]]
            key = page["next_key"]
            if key is None:
                return rows


def _same_time(v: Any) -> Any:
    """Wire times are UTC ISO text with or without "+00:00" (PostgreSQL's JSON leaves it off)."""
    if isinstance(v, str) and len(v) >= 19 and v[4] == "-" and v[10] == "T":
        d = datetime.fromisoformat(v)
        return d if d.tzinfo else d.replace(tzinfo=timezone.utc)
    return v


@pytest.mark.postgres
def test_pages_read_from_the_driver_equal_pages_read_through_sqlalchemy(demo_central, monkeypatch) -> None:
    ctx, name = demo_central
    with ctx.uow() as s:
        cid = s.scalar(select(Community.id).where(Community.name == name))
    tables = [p.table for p in shipping.snapshot_parts(cid)]
    by_db = {t: _all_pages(ctx, name, t, 37) for t in tables}
    monkeypatch.setattr(snapshots._Reader, "__init__", _python_reader_init(snapshots._Reader.__init__))
    by_python = {t: _all_pages(ctx, name, t, 37) for t in tables}
    assert sum(len(v) for v in by_db.values()) > 1000  # a real company, not an empty one
    for t in tables:
        assert len(by_db[t]) == len(by_python[t]), t
        for a, b in zip(by_db[t], by_python[t]):
            assert {k: _same_time(v) for k, v in a.items()} == {k: _same_time(v) for k, v in b.items()}, t


def _python_reader_init(real):  # type: ignore[no-untyped-def]
    def init(self, s, p):  # type: ignore[no-untyped-def]
        real(self, s, p)
        self.raw = False
    return init


class InProcessCentral:
    """The `CentralLink` calls answered by central's own functions in this process, each reply
    through JSON text as the HTTP server sends it."""

    def __init__(self, ctx: AppContext, terminal: str) -> None:
        self.ctx, self.terminal = ctx, terminal

    def _t(self, s):  # type: ignore[no-untyped-def]
        return s.scalar(select(Terminal).where(Terminal.code == self.terminal))

    def hello(self) -> dict[str, Any]:
        with self.ctx.uow() as s:
            t = self._t(s)
            names = list(s.scalars(select(Community.name).where(Community.id.in_(t.communities))))
        return {"terminal": self.terminal, "communities": names, "time": "2026-11-20T00:00:00+00:00"}

    def snapshot(self, community: str, table: str | None = None, after_key: str | None = None,
                 limit: int = 1000) -> dict[str, Any]:
        with self.ctx.uow() as s:
            doc: dict[str, Any] = orjson.loads(snapshots.page_json(s, self._t(s), community, table, after_key, limit))
            return doc

    def pull(self, after: int, limit: int) -> dict[str, Any]:
        with self.ctx.uow() as s:
            doc: dict[str, Any] = orjson.loads(orjson.dumps(central_pull.pull(s, self._t(s), after, limit)))
            return doc

    def push(self, terminal: str, events: list[dict[str, Any]], audit: dict[str, Any] | None = None) -> dict[str, Any]:
        raise AssertionError("a join does not push")

    def close(self) -> None:
        pass


# Columns that differ by design: terminal ids are made per database (rows carry the code),
# gateway orders stay on the counter that took them.
_PER_DATABASE = {"terminal_id", "gateway_order_id"}


@pytest.mark.postgres
def test_a_joined_counter_holds_exactly_centrals_rows(demo_central, any_ctx, tmp_path: Path) -> None:
    central, name = demo_central
    doc = join_service.join(any_ctx.uow, InProcessCentral(central, "K1"), "K1", tmp_path / "link.json",
                            "http://central:8765", "tok", page=500)
    assert doc["communities"] == [name]
    with central.uow() as s:
        cid = s.scalar(select(Community.id).where(Community.name == name))
    compared = 0
    for p in shipping.snapshot_parts(cid):
        shipped = _all_pages(central, name, p.table, 5000)
        ids = [r["id"] for r in shipped]
        t = shipping.table_of(p.table)
        with central.uow() as s:
            want = {r["id"]: r for r in dump_rows(s, p.table, t.c.id.in_(ids))} if ids else {}
        with any_ctx.uow() as s:
            got = {r["id"]: r for r in dump_rows(s, p.table, t.c.id.in_(ids))} if ids else {}
        assert got.keys() == want.keys(), p.table
        for i, row in want.items():
            drop = _PER_DATABASE if p.table != "app_user" else _PER_DATABASE | {"password_hash"}
            assert {k: v for k, v in got[i].items() if k not in drop} == \
                   {k: v for k, v in row.items() if k not in drop}, (p.table, i)
        compared += len(want)
    assert compared > 1000
    with any_ctx.uow() as s:
        assert is_joined(s)
        if s.get_bind().dialect.name == "sqlite":  # the bulk connection got its settings back
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert s.execute(text("PRAGMA synchronous")).scalar() == 2


def test_a_page_pointing_at_rows_the_snapshot_lacks_fails_the_join(any_ctx, tmp_path: Path) -> None:
    central = FakeCentral(communities=["A"])
    central.snapshots["A"] = {
        "community": [{"id": "c1", "name": "A", "options": {}, "created_at": "2026-01-01T00:00:00+00:00"}],
        "building": [{"id": "b1", "community_id": "c-missing", "name": "1栋"}],
    }
    with pytest.raises(CentralBadReply) as e:  # SQLite: the bulk load's foreign-key check; PostgreSQL: the insert
        join_service.join(any_ctx.uow, central, "T1", tmp_path / "l.json", "http://c:1", "tok")
    assert "snapshot building" in e.value.text("en")
    with any_ctx.uow() as s:
        assert not is_joined(s)
        assert s.get_bind().dialect.name != "sqlite" or s.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert not (tmp_path / "l.json").exists()


def test_the_fact_transaction_filter_is_a_set_not_a_per_row_probe() -> None:
    """Regression: a correlated per-transaction subquery was planned room-first when central's
    statistics were missing (a join right after a bulk load) and took 60 s for one page of a
    2,000-room community. The filter's subquery must not refer to the outer ledger_txn row."""
    from app.db.models import LedgerTxn

    where = shipping._fact_txns("c-1")
    sql = str(select(LedgerTxn.id).where(*where).compile(compile_kwargs={"literal_binds": True}))
    # a correlation is an equality with the outer row's id, in either order
    assert "= ledger_txn.id" not in sql and "ledger_txn.id =" not in sql, sql
    assert "ledger_txn.id IN (SELECT" in sql, sql
