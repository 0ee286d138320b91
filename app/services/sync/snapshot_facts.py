"""Payment facts arriving in a join snapshot (docs/sync.md "Join"): payments, receipts,
tenders, allocations, deposits, voids and the shifts they were taken in.

Two things differ from master rows. Terminal ids are made by each database, so a row naming a
terminal carries its code (`terminal_code`) and gets this database's id for that code (the
row is created for a counter met for the first time). And facts are never overwritten: a row
already here (this counter's own payment, or one a pull brought) is left as it is.

Receipts raise their terminal's sequence for the day to the number they carry, so a counter
joining again after a reinstall never hands out a number it issued before."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.models import ReceiptSequence, Terminal
from app.services import users
from app.sync_columns import Writer, from_dicts
from app.sync_rows import table

FACT_TABLES = frozenset({"shift", "payment", "receipt", "tender", "allocation", "deposit", "receipt_void"})
_RS = ReceiptSequence.__table__


def _terminal_ids(s: Session, codes: set[str]) -> dict[str, str]:
    found = dict(s.execute(select(Terminal.code, Terminal.id).where(Terminal.code.in_(sorted(codes)))).all())
    for code in sorted(codes - found.keys()):
        found[code] = users.ensure_terminal(s, code).id
    return found


def insert_facts(s: Session, name: str, rows: list[dict[str, Any]]) -> int:
    """Fact rows as dicts (a pull's rows): the column path below, one way of writing facts."""
    if not rows:
        return 0
    columns, values = from_dicts(name, rows)
    return insert_fact_columns(s, name, columns, values)


def insert_fact_columns(s: Session, name: str, columns: list[str], rows: list[list[Any]]) -> int:
    """Facts in the column shape (app/sync_columns.py): terminal codes mapped to this
    database's terminal ids, gateway orders left behind, receipt sequences raised."""
    if not rows:
        return 0
    at = {c: i for i, c in enumerate(columns)}
    extra: dict[str, Any] = {}
    if "terminal_code" in at and "terminal_id" in at:
        code_at, tid_at = at["terminal_code"], at["terminal_id"]
        codes = {r[code_at] for r in rows if r[code_at]}
        ids = _terminal_ids(s, codes) if codes else {}
        for r in rows:
            if r[code_at]:
                r[tid_at] = ids[r[code_at]]
    if name == "tender":  # gateway orders live on the counter that took them
        columns = [c for c in columns if c != "gateway_order_id"]
        if "gateway_order_id" in at:
            drop = at["gateway_order_id"]
            rows = [r[:drop] + r[drop + 1:] for r in rows]
        extra["gateway_order_id"] = None
    w = Writer(s.connection(), table(name), columns, replace=False, extra=extra)
    n = w.write(w.stored(rows))
    if name == "receipt":
        _raise_sequences(s, [{"terminal_id": r[at["terminal_id"]], "day": date.fromisoformat(r[at["day"]]),
                              "seq": r[at["seq"]]} for r in rows])
    return n


def _raise_sequences(s: Session, receipts: list[dict[str, Any]]) -> None:
    top: dict[tuple[str, Any], int] = {}
    for r in receipts:
        key = (r["terminal_id"], r["day"])
        top[key] = max(top.get(key, 0), int(r["seq"]))
    for (terminal_id, day), seq in top.items():
        where = (_RS.c.terminal_id == terminal_id, _RS.c.day == day)
        if s.execute(update(_RS).where(*where, _RS.c.last_seq < seq).values(last_seq=seq)).rowcount == 0:
            if s.scalar(select(_RS.c.last_seq).where(*where)) is None:
                s.execute(_RS.insert().values(terminal_id=terminal_id, day=day, last_seq=seq))
