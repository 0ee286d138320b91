"""A chunk's lines handed from the computing child to the writer as a small SQLite file.

The writer's costliest step was binding 500,000 rows of twelve values each into SQLite from
Python (`executemany`). The child (app/services/billing/ahead.py) already holds those rows,
so it writes each chunk into a file of its own (no journal, no sync: a scratch file), on
its core, and sends only the file's name and the chunk's sums per room and per fee item.
The writer attaches the file and copies the lines with one `INSERT … SELECT` inside its
transaction: SQLite moves them without a Python object per line (500,000 lines: 4.4–5.0 s
of executemany against 2.9–3.1 s, measured on the benchmark's lines).

A file is attached inside the writer's transaction (SQLite allows that) and detached after
the commit (it allows that only outside one); SQLite attaches at most 10 databases, so the
writer commits before a transaction holds `MAX_ATTACHED` chunks. The files live in a
temporary folder removed when the run ends, however it ends.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import tempfile
from typing import NamedTuple

from app.ids import new_id, new_ids
from app.services import ledger

# bill_line's columns but created_at (stamped by the writer): the layout of computed rows.
COLUMNS = ("id", "room_id", "fee_item_id", "period", "kind", "amount_fen", "detail", "quantity", "due_date",
           "tariff_version_id", "bill_run_id", "created_by")
VARYING = ("id", "room_id", "fee_item_id", "amount_fen", "detail", "quantity")
PER_ITEM = ("fee_item_id", "period", "kind", "due_date", "tariff_version_id", "bill_run_id", "created_by")
MAX_ATTACHED = 8
_ALIASES = itertools.count(1)  # unique in the process: a name never meets a stale attachment
R_ROOM, R_FEE, R_AMOUNT = 1, 2, 5


class FileChunk(NamedTuple):
    path: str  # "" when the chunk has no lines
    count: int
    by_room: dict[str, int]  # fen per room (with_sums): the rooms the chunk bills
    by_fee: dict[str, int]  # fen per fee item
    txn_id: str = ""  # the chunk's ledger transaction, its postings made in the child
    postings: int = 0


def sums(rows: list[tuple]) -> tuple[dict[str, int], dict[str, int]]:
    """Fen per room and per fee item of computed rows (plain dict updates: 100,000 rooms)."""
    by_room: dict[str, int] = {}
    by_fee: dict[str, int] = {}
    get_r, get_f = by_room.get, by_fee.get
    for x in rows:
        room, fee, fen = x[R_ROOM], x[R_FEE], x[R_AMOUNT]
        by_room[room] = get_r(room, 0) + fen
        by_fee[fee] = get_f(fee, 0) + fen
    return by_room, by_fee


def folder() -> str:
    return tempfile.mkdtemp(prefix="propdesk-bill-run-")


def remove(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


def write(where: str, k: int, rows: list[tuple]) -> FileChunk:
    """In the child: chunk k's rows (in id order) and their sums per room and per fee item
    into a new file in `where`. What goes back through the pipe is only the file's name:
    a message that small never fills the pipe, so the child computes ahead freely while the
    writer commits."""
    if not rows:
        return FileChunk("", 0, {}, {})
    by_room, by_fee = sums(rows)
    # The chunk's ledger transaction as app.services.ledger.post would write it — Dr each
    # room's AR, Cr each fee item's income, zero entries dropped, balanced — with account
    # codes instead of ids (the writer joins them to its accounts: ledger.post_prepared).
    entries = [(ledger.room_account("AR", room), fen) for room, fen in by_room.items() if fen]
    entries += [(ledger.income_account(fee), -fen) for fee, fen in by_fee.items() if fen]
    if sum(fen for _, fen in entries) != 0:
        raise ledger.LedgerImbalance(f"bill chunk {k} does not balance")
    entries.sort()
    txn_id = new_id() if entries else ""
    postings = [(pid, txn_id, code, fen) for pid, (code, fen) in zip(new_ids(len(entries)), entries)]
    path = os.path.join(where, f"chunk-{os.getpid()}-{k}.db")  # a run's helper writes beside it (ahead.py)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        # What differs from line to line; the rest is the same for every line of a fee item
        # (made so by the computation: bill_run._Computation._constants) and stored once.
        conn.execute(f"CREATE TABLE line ({', '.join(VARYING)})")
        conn.execute(f"CREATE TABLE item ({', '.join(PER_ITEM)}, PRIMARY KEY (fee_item_id))")
        conn.execute("CREATE TABLE room_fen (room_id, fen)")
        conn.execute("CREATE TABLE fee_fen (fee_item_id, fen)")
        conn.execute("CREATE TABLE posting (id, txn_id, code, fen)")
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO line VALUES ({', '.join('?' * len(VARYING))})",
                         [(x[0], x[1], x[2], x[5], x[6], x[7]) for x in rows])
        items = {x[2]: (x[2], x[3], x[4], x[8], x[9], x[10], x[11]) for x in reversed(rows)}
        conn.executemany(f"INSERT INTO item VALUES ({', '.join('?' * len(PER_ITEM))})", items.values())
        conn.executemany("INSERT INTO room_fen VALUES (?, ?)", by_room.items())
        conn.executemany("INSERT INTO fee_fen VALUES (?, ?)", by_fee.items())
        conn.executemany("INSERT INTO posting VALUES (?, ?, ?, ?)", postings)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return FileChunk(path, len(rows), {}, {}, txn_id, len(postings))


def with_sums(chunk: FileChunk) -> FileChunk:
    """In the writer: the chunk with its sums per room and per fee item read from its file."""
    if not chunk.path:
        return chunk
    conn = sqlite3.connect(chunk.path)
    try:
        by_room = dict(conn.execute("SELECT room_id, fen FROM room_fen"))
        by_fee = dict(conn.execute("SELECT fee_item_id, fen FROM fee_fen"))
    finally:
        conn.close()
    return chunk._replace(by_room=by_room, by_fee=by_fee)


def line_ids(chunk: FileChunk) -> list[str]:
    if not chunk.path:
        return []
    conn = sqlite3.connect(chunk.path)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM line")]
    finally:
        conn.close()


class Attached:
    """The chunk files attached to the writer's connection in its open transaction."""

    def __init__(self) -> None:
        self.files: list[tuple[sqlite3.Connection, str, str]] = []

    def __len__(self) -> int:
        return len(self.files)

    def alias(self, chunk: FileChunk) -> str:
        return next(a for _, a, path in self.files if path == chunk.path)

    def copy(self, conn, chunk: FileChunk, stamp: str) -> None:  # type: ignore[no-untyped-def]
        """INSERT … SELECT of the chunk's lines into bill_line on the writer's connection
        (SQLAlchemy's, so its errors are translated as every statement's), `stamp` as their
        created_at (naive UTC text made by the writer, never input)."""
        assert "'" not in stamp
        alias = f"bill_run_chunk_{next(_ALIASES)}"
        conn.exec_driver_sql(f"ATTACH DATABASE ? AS {alias}", (chunk.path,))
        self.files.append((conn.connection.driver_connection, alias, chunk.path))
        cols = ", ".join(("i." if c in PER_ITEM and c != "fee_item_id" else "l.") + c for c in COLUMNS)
        # CROSS JOIN keeps the lines outermost: they go in in the file's order (by id).
        conn.exec_driver_sql(f"INSERT INTO main.bill_line ({', '.join(COLUMNS)}, created_at) "
                             f"SELECT {cols}, '{stamp}' FROM {alias}.line l CROSS JOIN {alias}.item i "
                             f"WHERE i.fee_item_id = l.fee_item_id")

    def release(self) -> None:
        """After the commit (or the rollback): detach the files and remove them."""
        for raw, alias, path in self.files:
            try:
                raw.execute(f"DETACH DATABASE {alias}")
            except sqlite3.Error:
                pass  # the connection went away with a failed transaction: nothing attached
            try:
                os.remove(path)
            except OSError:
                pass
        self.files = []
