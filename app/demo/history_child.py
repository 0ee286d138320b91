"""The demo's payment history made in a forked child while this process writes it
(SQLite, where `fork` is safe: app.services.billing.ahead.can_fork).

Making the history (drawing the story, reading each month's lines, paying them, numbering
receipts, building the ledger) and writing it (`executemany` of ~6 million rows at 100,000
rooms) each took about half of its time, one after the other on one core. Here the child
makes the rows exactly as `_History` does — it *is* `_History`, with a writer that sends
each batch of rows through a pipe instead of inserting it — and the parent inserts each
batch while the child makes the next ones, on the other core (a thread of the parent
receives up to HELD_BATCHES ahead of the insert: `ahead.Inbox`). The child reads the bill lines on a
connection of its own, in one snapshot (the bill runs are committed before it starts); it
never writes to the database: the few ledger accounts the history needs (prepaid, deposit,
tender and late-fee accounts) get their ids from their codes (`stable_id`, as
`ledger.ensure_accounts` gives them), and the parent creates them with ensure_accounts and
checks the ids agree before any posting refers to them.

The parent drops RANDOM_INDEXES in its transaction and makes them again at the end; the child
leaves with `os._exit` (no finaliser of the parent's objects runs in it). A failure in the
child is raised in the parent, which rolls its transaction back.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection as PipeEnd
from multiprocessing.connection import Pipe
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.orm import Session

from app.db.base import metadata  # the history's tables are on it: app.demo.history imports their models
from app.ids import stable_id
from app.services.billing.ahead import ChildFailed, Inbox, reap
from app.services import ledger

_PROTOCOL = pickle.HIGHEST_PROTOCOL
# Batches the parent holds before the child waits: the months differ (a month of late
# payments makes more rows than one of few), and with one batch in the pipe the child
# waited whenever the parent's insert took longer than making the next batch.
HELD_BATCHES = 8


class _PipeWriter:
    """The child's writer: what `_History` inserts goes to the parent."""

    dialect = "sqlite"

    def __init__(self, raw: sqlite3.Connection, pipe: PipeEnd) -> None:
        self.raw, self.pipe = raw, pipe

    def insert(self, table: Table, cols: tuple[str, ...], rows: list[tuple]) -> None:
        if rows:
            self.pipe.send_bytes(pickle.dumps(("insert", table.name, tuple(cols), rows), _PROTOCOL))

    def accounts(self, codes: list[str]) -> dict[str, str]:
        ids = {c: stable_id("ledger_account", c) for c in codes}
        self.pipe.send_bytes(pickle.dumps(("accounts", codes, ids), _PROTOCOL))
        return ids


class _Made:
    """In the parent: what the child reported (summary and timings), plus the parent's laps."""

    def __init__(self, summary: dict[str, Any], timings: dict[str, float]) -> None:
        self._summary, self.timings = summary, timings
        self._t = time.perf_counter()

    def summary(self) -> dict[str, Any]:
        return self._summary

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self._t
        self._t = now


def history_in_child(conn: Connection, writer: Any, make: Callable[[_PipeWriter], Any]) -> _Made:
    """Run `make(pipe_writer).run(indexes=False)` in a forked child and write what it sends
    on `conn` (inside the caller's transaction), with RANDOM_INDEXES dropped meanwhile."""
    from app.demo.history import RANDOM_INDEXES, drop_indexes

    path = conn.engine.url.database
    again = drop_indexes(conn, RANDOM_INDEXES)
    reader, sender = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child: make, send, leave
        code = 1
        try:
            reader.close()
            raw = sqlite3.connect(path, isolation_level=None)
            raw.execute("PRAGMA cache_size=-65536")
            raw.execute("BEGIN")  # one snapshot for every read
            h = make(_PipeWriter(raw, sender))
            h.run(indexes=False)
            sender.send_bytes(pickle.dumps(("done", h.summary(), h.timings), _PROTOCOL))
            code = 0
        except BaseException:  # noqa: BLE001 — told to the parent, which raises it
            try:
                sender.send_bytes(pickle.dumps(("error", traceback.format_exc()), _PROTOCOL))
            except BaseException:  # noqa: BLE001
                pass
        finally:
            os._exit(code)
    sender.close()
    inbox = Inbox(reader, "demo-history-receive", limit=HELD_BATCHES)
    written = 0.0
    try:
        while True:
            data = inbox.get()
            if data is None:
                raise ChildFailed("the demo history's child ended without finishing")
            msg = pickle.loads(data)
            kind = msg[0]
            t = time.perf_counter()
            if kind == "insert":
                writer.insert(metadata.tables[msg[1]], msg[2], msg[3])
            elif kind == "accounts":
                _create_accounts(conn, msg[1], msg[2])
            elif kind == "done":
                made = _Made(msg[1], {**msg[2], "parent_writing": written})
                break
            else:
                raise ChildFailed(f"the demo history's child failed:\n{msg[1]}")
            written += time.perf_counter() - t
    finally:
        reap(pid)
        inbox.close()
    for sql in again:
        conn.exec_driver_sql(sql)
    made.lap("indexes")
    return made


def _create_accounts(conn: Connection, codes: list[str], expected: dict[str, str]) -> None:
    s = Session(bind=conn)
    try:
        got = ledger.ensure_accounts(s, codes)
    finally:
        s.close()
    if got != expected:
        raise ChildFailed("the demo history's accounts got other ids than their codes give")

