"""Engines and units of work.

SQLite runs with foreign keys on, WAL and synchronous=FULL: a payment that the cashier saw
committed survives a power cut. Every user action is one `unit_of_work()` — it commits
together or not at all (DESIGN.md convention 3); the one exception is the bill run, which
commits its own chunks of rooms so it never holds the database for long (docs/billing.md).

Waiting for another writer: SQLite has one writer at a time. A transaction that finds the
database taken waits (the busy timeout) — long enough to outlast a bill-run chunk or a
large import with a wide margin — and only then fails, as `AppError("db.busy")` (exit 1,
nothing changed), never as a raw driver error. The translation lives here, in one
`handle_error` hook on the engine, so every service and every caller gets it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import os
import sqlite3
import time

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.errors import AppError, Msg

SQLITE_CACHE_KIB = 131072
# How long a SQLite transaction waits for the writer before it to finish. A bill-run chunk
# holds the database well under a second; the longest single writers are imports (all or
# nothing): a counter waited 12 s during a 100,000-room import and 31 s during a
# 200,000-reading one on the shared 2-core machine (docs/billing.md, "Counters during a bill
# run or an import"). Two minutes outlasts both with a wide margin; a counter that waits
# that long is told the database is busy instead of hanging.
BUSY_TIMEOUT_MS = 120_000
# How often a transaction waiting for SQLite's write lock tries again (see _sqlite_begin).
BEGIN_POLL_S = 0.002
# The option that starts a SQLite transaction as a plain (deferred) BEGIN: a read-only
# snapshot that never takes the write lock (the bill run reads its inputs this way).
READ_ONLY = "propdesk_read_only"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # 128 MiB page cache (the default is 2 MiB): a bill run or a lookup on 100,000 rooms
    # keeps its indexes in memory instead of re-reading pages from the WAL.
    cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cur.close()


def make_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            db = Path(u.database).expanduser()
            db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # a new folder: this user's only
            db.touch(mode=0o600, exist_ok=True)  # a new database file (and so its -wal/-shm): user-only
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN until the first write, which lets a
        # read-then-write transaction lose to another writer; begin explicitly instead —
        # except for a transaction opened READ_ONLY, which must not hold the writer's lock.
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "handle_error", _sqlite_busy, retval=True)

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn, _rec):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None

        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    raw = conn.connection.driver_connection
    if conn.get_execution_options().get(READ_ONLY):
        raw.execute("BEGIN")
        return
    # SQLite's own busy handler sleeps longer and longer between tries (up to 100 ms), and
    # its lock has no queue: a writer that commits and begins again at once (a bill run
    # between chunks, a counter paying one resident after another) would nearly always
    # beat a waiter that happens to be asleep. So the waiting for the write lock is done
    # here, trying every BEGIN_POLL_S, and any gap a writer leaves is taken.
    raw.execute("PRAGMA busy_timeout=0")
    try:
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as e:
                if not is_sqlite_busy(e):
                    raise
                if time.monotonic() >= deadline:
                    raise _busy_error() from e
            mark_waiting(conn.engine.url.database)
            time.sleep(BEGIN_POLL_S)
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def waiting_marker(database: str | None) -> Path | None:
    """A file beside a SQLite database that writers waiting for its lock touch: SQLite's
    lock has no queue, so a long writer (the bill run) looks here between its chunks to
    learn whether anyone is waiting, and pauses for them only then."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(f"{Path(database).expanduser()}-waiting")


def mark_waiting(database: str | None) -> None:
    marker = waiting_marker(database)
    if marker is None:
        return
    try:
        os.utime(marker)
    except FileNotFoundError:
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError:
            pass
    except OSError:
        pass  # a read-only folder: the long writer then pauses as if someone waited


def waited_since(database: str | None, since_ns: int) -> bool:
    """Has a writer waited for this database's lock since `since_ns` (time.time_ns())?
    True also when that cannot be known (no marker file can be read)."""
    marker = waiting_marker(database)
    if marker is None:
        return False  # in memory: no other connection can wait for it
    try:
        # The file system's clock may be coarser than time_ns (a timer tick, 1–10 ms): 20 ms margin.
        return marker.stat().st_mtime_ns >= since_ns - 20_000_000
    except FileNotFoundError:
        return False
    except OSError:
        return True


def is_sqlite_busy(e: BaseException | None) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED from the driver: another connection holds the database."""
    if not isinstance(e, sqlite3.OperationalError):
        return False
    code = getattr(e, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "database is locked" in str(e) or "database table is locked" in str(e)


def _busy_error() -> AppError:
    return AppError("db.busy", what=Msg.of("billing.busy_waited", seconds=BUSY_TIMEOUT_MS // 1000))


def _sqlite_busy(ctx: ExceptionContext) -> BaseException | None:
    """The busy timeout ran out (in a statement other than BEGIN): say so as a message
    code, not as a driver error."""
    if is_sqlite_busy(ctx.original_exception):
        return _busy_error()
    return None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception. A service that
    writes in steps (the bill run) may commit the session itself between steps; what it
    does after its last commit is committed (or rolled back) here."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
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
