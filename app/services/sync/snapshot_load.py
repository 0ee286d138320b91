"""Writing a join snapshot's pages (docs/sync.md "Join"): rows in the column shape of
app/sync_columns.py, written with the driver's `executemany`. Master data, bills and ledger
rows are upserted (central's version wins); payment facts are inserted when absent
(app/services/sync/snapshot_facts.py).

On SQLite the pages go through one connection set up for a bulk load: foreign keys are
checked once per table at the end (`PRAGMA foreign_key_check`) instead of once per row
(half of the write time of a 10,000-room community), and commits do not wait for the disk
(`synchronous=NORMAL`, WAL checkpoints every 256 MB instead of 4 MB, pages committed
100,000 rows at a time). Both are safe here
because a snapshot is a copy of central's rows, not facts made at this counter: a join
cut off by a power failure is simply run again (pages are upserts) and the counter is not
joined until its pull cursor is written at the very end, on an ordinary connection. The
connection gets the usual settings back before it returns to the pool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy.orm import Session

from app.db.base import Base
from app.services.sync import snapshot_facts
from app.services.sync.errors import CentralBadReply
from app.sync_columns import Writer

Uow = Callable[[], AbstractContextManager[Session]]
PageWriter = Callable[[str, list[str], list[list[Any]]], int]
_BULK_CHECKPOINT_PAGES = 65536  # 256 MB of 4 KiB pages
# Pages are committed together up to this many rows: every commit rewrites the index pages
# its rows touched, and random ids touch most of a big table's primary-key index each time.
COMMIT_ROWS = 100_000


def apply_page(s: Session, table: str, columns: list[str], rows: list[list[Any]]) -> int:
    """Rows written. A table this schema does not have is skipped (a newer central): its rows
    come again after the upgrade with a fresh join."""
    t = Base.metadata.tables.get(table)
    if t is None or not rows:
        return 0
    conn = s.connection()
    try:
        if table in snapshot_facts.FACT_TABLES:
            return snapshot_facts.insert_fact_columns(s, table, columns, rows)
        w = Writer(conn, t, columns, replace=True)
        return w.write(w.stored(rows))
    except conn.dialect.dbapi.IntegrityError as e:  # type: ignore[union-attr]
        # written with the driver's own cursor, so the driver's error: a row pointing at a
        # row the snapshot lacks, a clash on another unique key. Central sent it: bad reply.
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise CentralBadReply("sync.bad_reply", detail=f"snapshot {table}: {first[:160]}") from None


@contextmanager
def page_writer(uow: Uow) -> Iterator[PageWriter]:
    """A function writing one page in its own transaction. On leaving (without an error) every
    table written is checked for rows pointing at rows that are not here."""
    with uow() as s:
        engine = s.get_bind()
    if engine.dialect.name != "sqlite":
        def write(table: str, columns: list[str], rows: list[list[Any]]) -> int:
            with uow() as s:
                return apply_page(s, table, columns, rows)
        write.any_order = False  # type: ignore[attr-defined]  # foreign keys checked per row
        yield write
        return
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        # before any transaction: SQLite ignores `foreign_keys` inside one
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute(f"PRAGMA wal_autocheckpoint={_BULK_CHECKPOINT_PAGES}")
        written: list[str] = []
        open_tx: list[Any] = []  # the transaction pages go into, committed every COMMIT_ROWS
        pending = 0
        try:
            def write(table: str, columns: list[str], rows: list[list[Any]]) -> int:
                nonlocal pending
                if not open_tx:
                    open_tx.append(conn.begin())
                s = Session(bind=conn)
                try:
                    n = apply_page(s, table, columns, rows)
                    s.flush()
                finally:
                    s.close()
                if table not in written:
                    written.append(table)
                pending += n
                if pending >= COMMIT_ROWS:
                    open_tx.pop().commit()
                    pending = 0
                return n
            write.any_order = True  # type: ignore[attr-defined]  # foreign keys checked at the end
            yield write
            if open_tx:
                open_tx.pop().commit()
            for table in written:
                orphans = raw.execute(f'PRAGMA foreign_key_check("{table}")').fetchall()
                if orphans:
                    raise CentralBadReply("sync.bad_reply", detail=f"snapshot {table}: {len(orphans)} rows point at "
                                          f"{orphans[0][2]} rows the snapshot lacks")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the big WAL back to nothing
        finally:
            if open_tx:
                open_tx.pop().rollback()
            if conn.in_transaction():
                conn.rollback()
            raw.execute("PRAGMA foreign_keys=ON")
            raw.execute("PRAGMA synchronous=FULL")
            raw.execute("PRAGMA wal_autocheckpoint=1000")
