"""Engines and units of work.

SQLite runs with foreign keys on, WAL and synchronous=FULL: a payment that the cashier saw
committed survives a power cut. Every user action is one `unit_of_work()` — it commits
together or not at all (DESIGN.md convention 3).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


SQLITE_CACHE_KIB = 131072


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    # 128 MiB page cache (the default is 2 MiB): a bill run or a lookup on 100,000 rooms
    # keeps its indexes in memory instead of re-reading pages from the WAL.
    cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cur.close()


def make_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN until the first write, which lets a
        # read-then-write transaction lose to another writer; begin explicitly instead.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn, _rec):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None

        return engine
    return create_engine(url, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception."""
    session = factory()
    try:
        with session.begin():
            yield session
    finally:
        session.close()


def fetch_raw(conn, stmt) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Run a SELECT straight on the driver's cursor and return plain tuples: for the few
    bulk reads (hundreds of thousands of rows) where per-row result processing dominates."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positional:
        args: object = tuple(params[name] for name in compiled.positiontup)
    else:
        args = params
    cur = conn.connection.driver_connection.cursor()
    try:
        cur.execute(str(compiled), args)
        return cur.fetchall()
    finally:
        cur.close()


def bulk_insert(conn, table: str, columns: tuple[str, ...], rows: list[tuple], chunk: int = 50_000) -> None:  # type: ignore[no-untyped-def]
    """executemany straight on the driver for rows already in storage form (the bulk paths:
    bill lines, their postings, new ledger accounts), skipping per-parameter processing."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    for i in range(0, len(rows), chunk):
        conn.exec_driver_sql(sql, rows[i:i + chunk])
